import type { PlaceInLine, QueueSnapshot } from '../concert/rpc'
import { placeStatus, preQueueStatus, type Place } from '../concert/policy'
import type { QueueStatusView } from '../schemas'
import { IsolateCaches } from './isolate-cache'

/**
 * Status polls answered by the Worker from a snapshot of the queue, so that thousands of
 * waiting users polling do not all land on the one concert object (one round trip there
 * costs more than the rest of the request; docs/benchmarks.md). A view is at most
 * SNAPSHOT_MAX_AGE_MS old.
 */
export const SNAPSHOT_MAX_AGE_MS = 250
const BLOCK = 64

/** A status, 'gone' when the view shows the place ended, 'unknown' when the object must answer. */
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

  describe({ arrival, userId, entryId }: PlaceInLine, now: number): CachedStatus {
    const { snapshot } = this
    const moment = { now, admissionRate: snapshot.admissionRate, seatsLeft: snapshot.seatsLeft }
    // A token naming a pre-queue entry (genuine: it is signed) is PRE_QUEUE until the draw; an entry cannot end before it.
    if (arrival === 0) {
      if (entryId === undefined || snapshot.preQueueUntil === null || now >= snapshot.preQueueUntil) return 'unknown'
      return { userId, concertId: snapshot.concertId, ...preQueueStatus(entryId, snapshot.preQueueUntil, moment) }
    }
    if (arrival > snapshot.lastArrival) return 'unknown'
    const activeUntil = this.active.get(arrival)
    let place: Place
    if (activeUntil !== undefined) {
      if (activeUntil <= now) return 'gone'
      place = { activeUntil }
    } else {
      if (snapshot.live[arrival] !== 1) return snapshot.soldOut ? 'unknown' : 'gone'
      const block = Math.floor(arrival / BLOCK)
      let position = this.prefix[block]!
      for (let i = block * BLOCK; i <= arrival; i++) position += snapshot.live[i]!
      place = { position }
    }
    return { userId, concertId: snapshot.concertId, ...(entryId ? { entryId } : {}), ...placeStatus(place, moment, snapshot.policy) }
  }
}

const views = new IsolateCaches<QueueView>(SNAPSHOT_MAX_AGE_MS)
/** Arrivals that polled here since the last snapshot: presence, carried to the object with the next one. */
const seenBy = new Map<string, Set<number>>()

/** The status of a place from this isolate's view of the queue, loading the view with `load` when it is stale. */
export async function cachedStatus(concertId: string, place: PlaceInLine, load: (seen: number[]) => Promise<QueueSnapshot>): Promise<CachedStatus> {
  let seen = seenBy.get(concertId)
  if (!seen) seenBy.set(concertId, (seen = new Set()))
  if (place.arrival > 0) seen.add(place.arrival)
  const view = await views.for(concertId).get(async () => {
    const polled = [...seen]
    seen.clear()
    return new QueueView(await load(polled))
  })
  return view ? view.describe(place, Date.now()) : 'unknown'
}

/** After a change made through this isolate (policy, payment): answer the next poll afresh. */
export function invalidateQueueView(concertId: string): void {
  views.invalidate(concertId)
}
