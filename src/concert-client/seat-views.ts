import type { Failure } from '../errors'
import type { SeatMapView } from '../schemas'
import { IsolateCaches, type KeepAlive, type LoadReason } from './isolate-cache'
import { SNAPSHOT_MAX_AGE_MS } from './status-polls'

/**
 * The seat map served to ACTIVE users from this isolate for at most SNAPSHOT_MAX_AGE_MS, and
 * a hold's refusal of a seat just found taken. A hold is only ever granted, and a payment
 * only ever made, by the concert object itself.
 */
const seatMaps = new IsolateCaches<SeatMapView>(SNAPSHOT_MAX_AGE_MS)
/**
 * How often a date's seats changed through this isolate: part of its maps' keys, so one change
 * makes every map of the date (whole, or any section) load afresh.
 */
const generations = new Map<string, number>()

/** A date's whole map, or one section's (`section` undefined: the whole date). */
export function cachedSeatMap(
  concertId: string,
  date: string,
  section: string | undefined,
  load: (reason: LoadReason) => Promise<SeatMapView>,
  keepAlive?: KeepAlive,
): Promise<SeatMapView | null> {
  const day = `${concertId}/${date}`
  const generation = generations.get(day) ?? 0
  // A change through this isolate starts a new generation: its first map is exact.
  return seatMaps
    .for(`${day}#${generation}#${section ?? ''}`)
    .get((previous, reason) => load(previous === undefined && generation > 0 ? 'exact' : reason), keepAlive)
}

/**
 * Seats of a date the object refused as taken (409 SEAT_UNAVAILABLE), and when. In a rush
 * thousands click the same few seats; once one of them holds it, every other attempt would
 * queue at the one object only to hear the same 409.
 */
const refusals = new Map<string, Map<number, { at: number; failure: Failure }>>()
const MAX_REFUSAL_DATES = 1_000

/** The object's refusal of this seat, if it is at most SNAPSHOT_MAX_AGE_MS old. */
export function recentRefusal(concertId: string, date: string, seatNumber: number): Failure | null {
  const refused = refusals.get(`${concertId}/${date}`)?.get(seatNumber)
  return refused && Date.now() - refused.at <= SNAPSHOT_MAX_AGE_MS ? refused.failure : null
}

export function rememberRefusal(concertId: string, date: string, seatNumber: number, failure: Failure): void {
  const key = `${concertId}/${date}`
  if (refusals.size >= MAX_REFUSAL_DATES && !refusals.has(key)) refusals.clear()
  let seats = refusals.get(key)
  if (!seats) refusals.set(key, (seats = new Map<number, { at: number; failure: Failure }>()))
  seats.set(seatNumber, { at: Date.now(), failure })
}

/** After a hold, release or payment made through this isolate: show the seats afresh. */
export function invalidateSeats(concertId: string, date: string): void {
  const day = `${concertId}/${date}`
  generations.set(day, (generations.get(day) ?? 0) + 1)
  refusals.delete(day)
}
