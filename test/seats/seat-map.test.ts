import { describe, expect, it } from 'vitest'
import { unpackSeatMap } from '../../src/shared/seat-map'

describe('unpackSeatMap', () => {
  it("gives every seat of each section its number, status, price and section, in the contract's shape", () => {
    const map = unpackSeatMap({
      concertId: 'c',
      date: '2027-01-01',
      sections: [
        { name: 'VIP', price: 200, firstSeat: 1, states: 'AHS' },
        { name: 'R', price: 100, firstSeat: 4, states: 'SA' },
      ],
    })
    expect(map).toEqual({
      concertId: 'c',
      date: '2027-01-01',
      seats: [
        { seatNumber: 1, status: 'AVAILABLE', price: 200, section: 'VIP' },
        { seatNumber: 2, status: 'HELD', price: 200, section: 'VIP' },
        { seatNumber: 3, status: 'SOLD', price: 200, section: 'VIP' },
        { seatNumber: 4, status: 'SOLD', price: 100, section: 'R' },
        { seatNumber: 5, status: 'AVAILABLE', price: 100, section: 'R' },
      ],
    })
  })
})
