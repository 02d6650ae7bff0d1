import { unwrap, type Failure, type Result } from '../errors'
import { IsolateCaches } from '../isolate-cache'
import type { HoldView, QueueSnapshot, QueueStatusView, SeatMapView } from './object'
import { placeStatus, type Place } from './policy'
import { concertObject } from '.'

/**
 * Status polls answered by the Worker from a snapshot of the queue, so that thousands of
 * waiting users polling do not all land on the one concert object (one round trip there
 * costs more than the rest of the request; docs/benchmarks.md). A view is at most
 * SNAPSHOT_MAX_AGE_MS old. The seat map is served the same way to ACTIVE users, and so is a
 * hold's refusal of a seat just found taken; a hold is only ever granted, and a payment only
 * ever made, by the object itself.
 */
export const SNAPSHOT_MAX_AGE_MS = 250
const BLOCK = 64

export type CachedStatus = QueueStatusView | 'gone' | 'unknown'

class QueueView {
  /** Live WAITING arrivals in the blocks before block b. */
  private readonly prefix: Int32Array
  private readonly active: Map<number, number>

  constructor(readonly snapshot: QueueSnapshot) {
    const { live } = snapshot
    this.prefix = new Int32Array(Math.ceil(live.length / BLOCK) + 1)
    let sum = 0
    for (let b = 0; b < this.prefix.length; b++) {
      this.prefix[b] = sum
      for (let i = b * BLOCK; i < Math.min((b + 1) * BLOCK, live.length); i++) sum += live[i]!
    }
    this.active = new Map(snapshot.active.map((a) => [a.arrival, a.until]))
  }

  describe(arrival: number, userId: string, now: number): CachedStatus {
    const { snapshot } = this
    if (arrival > snapshot.lastArrival) return 'unknown'
    const activeUntil = this.active.get(arrival)
    let place: Place
    if (activeUntil !== undefined) {
      if (activeUntil <= now) return 'gone'
      place = { activeUntil }
    } else {
      if (snapshot.live[arrival] !== 1) return 'gone'
      const block = Math.floor(arrival / BLOCK)
      let position = this.prefix[block]!
      for (let i = block * BLOCK; i <= arrival; i++) position += snapshot.live[i]!
      place = { position }
    }
    return { userId, concertId: snapshot.concertId, ...placeStatus(place, now, snapshot.admissionRate, snapshot.policy) }
  }
}

const views = new IsolateCaches<QueueView>(SNAPSHOT_MAX_AGE_MS)
/** Arrivals that polled here since the last snapshot: presence, carried to the object with the next one. */
const seenBy = new Map<string, Set<number>>()

/**
 * The status of a place from this Worker's view of the queue (at most SNAPSHOT_MAX_AGE_MS
 * old), or 'unknown' when the object must answer.
 */
export async function cachedStatus(env: Env, concertId: string, arrival: number, userId: string): Promise<CachedStatus> {
  let seen = seenBy.get(concertId)
  if (!seen) seenBy.set(concertId, (seen = new Set()))
  seen.add(arrival)
  const view = await views.for(concertId).get(async () => {
    const polled = [...seen]
    seen.clear()
    return new QueueView(unwrap(await concertObject(env, concertId).snapshot(polled)))
  })
  return view ? view.describe(arrival, userId, Date.now()) : 'unknown'
}

/** After a change made through this Worker (policy, payment): answer the next poll afresh. */
export function invalidateQueueView(concertId: string): void {
  views.invalidate(concertId)
}

const seatMaps = new IsolateCaches<SeatMapView>(SNAPSHOT_MAX_AGE_MS)

/**
 * The seat map for a place in line, from this Worker's views when the place is ACTIVE in its
 * queue view; null when the object must answer (it checks admission itself).
 */
export async function cachedSeatMap(env: Env, concertId: string, arrival: number, userId: string, date: string): Promise<SeatMapView | null> {
  const status = await cachedStatus(env, concertId, arrival, userId)
  if (status === 'unknown' || status === 'gone' || status.status !== 'ACTIVE') return null
  return seatMaps.for(`${concertId}/${date}`).get(async () => unwrap(await concertObject(env, concertId).seats(date)))
}

/**
 * Seats of a date the object refused as taken (409 SEAT_UNAVAILABLE), and when. In a rush
 * thousands click the same few seats; once one of them holds it, every other attempt would
 * queue at the one object only to hear the same 409.
 */
const refusals = new Map<string, Map<number, { at: number; failure: Failure }>>()
const MAX_REFUSAL_DATES = 1_000

/**
 * Holds the seat through the concert object, unless the object refused this seat to someone
 * in the last SNAPSHOT_MAX_AGE_MS and this Worker's queue view shows the user ACTIVE: then
 * the same refusal is repeated from here. (A user not ACTIVE hears from the object why they
 * may not hold at all.)
 */
export async function holdSeat(env: Env, concertId: string, arrival: number, userId: string, date: string, seatNumber: number): Promise<Result<HoldView>> {
  const key = `${concertId}/${date}`
  const refused = refusals.get(key)?.get(seatNumber)
  if (refused && Date.now() - refused.at <= SNAPSHOT_MAX_AGE_MS) {
    const status = await cachedStatus(env, concertId, arrival, userId)
    if (typeof status === 'object' && status.status === 'ACTIVE' && refusals.get(key)?.get(seatNumber) === refused) return refused.failure
  }
  const result = await concertObject(env, concertId).hold(arrival, userId, date, seatNumber)
  if (result.ok) {
    invalidateSeatMap(concertId, date)
  } else if (result.code === 'SEAT_UNAVAILABLE') {
    if (refusals.size >= MAX_REFUSAL_DATES && !refusals.has(key)) refusals.clear()
    let seats = refusals.get(key)
    if (!seats) refusals.set(key, (seats = new Map()))
    seats.set(seatNumber, { at: Date.now(), failure: result })
  }
  return result
}

/** After a hold, release or payment made through this Worker: show the seats afresh. */
export function invalidateSeatMap(concertId: string, date: string): void {
  seatMaps.invalidate(`${concertId}/${date}`)
  refusals.delete(`${concertId}/${date}`)
}
