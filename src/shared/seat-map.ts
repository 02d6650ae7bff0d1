import { ok, type Result } from '../errors/catalogue'
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
    for (let i = 0; i < states.length; i++)
      seats.push({ seatNumber: firstSeat + i, status: STATUS[states[i]!]!, price, section: name })
  }
  return { concertId, date, seats }
}

/** A map built for mirrors is handed to every mirror asking within this long: the object builds each at most 4 times a second. */
export const SHARED_MAP_MAX_AGE_MS = 250

/**
 * Seat maps the object built for mirrors, by date and section: however many mirrors pull
 * a section, the object reads its seats at most once per SHARED_MAP_MAX_AGE_MS (a map of
 * 5,000 seats is milliseconds of its time; docs/scale.md). Exact reads never come here.
 */
export class RecentSeatMaps {
  private readonly built = new Map<string, { at: number; map: PackedSeatMap }>()

  get(
    date: string,
    section: string | undefined,
    now: number,
    build: () => Result<PackedSeatMap>,
  ): Result<PackedSeatMap> {
    const key = `${date}#${section ?? ''}`
    const recent = this.built.get(key)
    if (recent && now - recent.at <= SHARED_MAP_MAX_AGE_MS) return ok(recent.map)
    const fresh = build()
    if (fresh.ok) this.built.set(key, { at: now, map: fresh.value })
    return fresh
  }
}
