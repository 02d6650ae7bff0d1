import { describe, expect, it } from 'vitest'
import { general, lastSeatOf, layOut, priceSeats, sectionIndexOf, total } from '../../src/shared/venue'

describe('venue: sections as seat ranges', () => {
  const venue = layOut([
    { name: 'VIP', price: 150_000, seats: 100 },
    { name: 'R', price: 120_000, seats: 400 },
    { name: 'S', price: 90_000, seats: 49_500 },
  ])

  it('numbers seats 1..N in the order the sections are given', () => {
    expect(venue.map((s) => [s.name, s.firstSeat, lastSeatOf(s)])).toEqual([
      ['VIP', 1, 100],
      ['R', 101, 500],
      ['S', 501, 50_000],
    ])
  })

  it('finds the section of every boundary seat, and none past the last', () => {
    expect([1, 100, 101, 500, 501, 50_000].map((n) => sectionIndexOf(venue, n))).toEqual([0, 0, 1, 1, 2, 2])
    expect(sectionIndexOf(venue, 0)).toBe(-1)
    expect(sectionIndexOf(venue, 50_001)).toBe(-1)
  })

  it('agrees with a linear scan for every seat of a many-section venue', () => {
    const many = layOut(
      Array.from({ length: 37 }, (_, i) => ({ name: `S${i}`, price: 1_000 + i, seats: 1 + ((i * 7) % 13) })),
    )
    const last = lastSeatOf(many[many.length - 1]!)
    for (let seat = 1; seat <= last; seat++) {
      expect(sectionIndexOf(many, seat)).toBe(many.findIndex((s) => seat >= s.firstSeat && seat <= lastSeatOf(s)))
    }
  })

  it("prices an order seat by seat; without sections every seat is General at the date's price", () => {
    const seats = priceSeats(venue, [100, 101, 600], 1)
    expect(seats).toEqual([
      { seatNumber: 100, section: 'VIP', price: 150_000 },
      { seatNumber: 101, section: 'R', price: 120_000 },
      { seatNumber: 600, section: 'S', price: 90_000 },
    ])
    expect(total(seats)).toBe(360_000)
    expect(priceSeats(general(50), [3, 4], 77_000)).toEqual([
      { seatNumber: 3, section: 'General', price: 77_000 },
      { seatNumber: 4, section: 'General', price: 77_000 },
    ])
  })
})
