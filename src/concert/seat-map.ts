import type { SeatMapView, SeatStatus } from '../schemas'

/**
 * A seat map as it crosses from the concert object (to a mirror, a location's cache, a
 * Worker): per section its price and one character per seat from its first, A(vailable),
 * H(eld) or S(old). A string is copied across RPC at a fraction of the cost of thousands of
 * seat objects (docs/scale.md); the Worker unpacks it into the contract's shape.
 */
export interface PackedSeatMap {
  concertId: string
  date: string
  sections: Array<{ name: string; price: number; firstSeat: number; states: string }>
}

const STATUS: Record<string, SeatStatus> = { A: 'AVAILABLE', H: 'HELD', S: 'SOLD' }

export function unpackSeatMap({ concertId, date, sections }: PackedSeatMap): SeatMapView {
  const seats: SeatMapView['seats'] = []
  for (const { name, price, firstSeat, states } of sections) {
    for (let i = 0; i < states.length; i++) seats.push({ seatNumber: firstSeat + i, status: STATUS[states[i]!]!, price, section: name })
  }
  return { concertId, date, seats }
}
