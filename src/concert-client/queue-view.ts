import type { PlaceInLine } from '../concert/rpc'
import { LiveLine, type LineView, type LineViewHeader, type ViewVersion } from '../concert/line-view'
import { placeStatus, preQueueStatus, type Place } from '../concert/policy'
import type { QueueStatusView } from '../schemas'
import { IsolateCaches, type KeepAlive } from './isolate-cache'

/**
 * Status polls answered by the Worker from a view of the line, so that thousands of waiting
 * users polling do not all land on the one concert object (one round trip there costs more
 * than the rest of the request; docs/benchmarks.md). A view is at most SNAPSHOT_MAX_AGE_MS
 * old; after the first, each refresh fetches only what changed (src/concert/line-view.ts).
 */
export const SNAPSHOT_MAX_AGE_MS = 250

/** A status, 'gone' when the view shows the place ended, 'unknown' when the object must answer. */
export type CachedStatus = QueueStatusView | 'gone' | 'unknown'

class QueueView {
  private active = new Map<number, number>()

  private constructor(
    private header: LineViewHeader,
    private readonly line: LiveLine,
  ) {
    this.active = new Map(header.active.map((a) => [a.arrival, a.until]))
  }

  static of(view: LineView): QueueView {
    if (view.kind !== 'whole') throw new Error('a change needs a view to apply to')
    return new QueueView(view, new LiveLine(view))
  }

  get version(): ViewVersion {
    return { epoch: this.header.epoch, version: this.header.version }
  }

  /** This view moved on by a change, or the whole line anew. */
  next(view: LineView): QueueView {
    if (view.kind === 'whole') return QueueView.of(view)
    this.line.apply(view)
    this.header = view
    this.active = new Map(view.active.map((a) => [a.arrival, a.until]))
    return this
  }

  describe({ arrival, userId, entryId }: PlaceInLine, now: number): CachedStatus {
    const { header } = this
    const moment = { now, admissionRate: header.admissionRate, seatsLeft: header.seatsLeft }
    // A token naming a pre-queue entry (genuine: it is signed) is PRE_QUEUE until the draw; an entry cannot end before it.
    if (arrival === 0) {
      if (entryId === undefined || header.preQueueUntil === null || now >= header.preQueueUntil) return 'unknown'
      return { userId, concertId: header.concertId, ...preQueueStatus(entryId, header.preQueueUntil, moment) }
    }
    if (arrival > header.lastArrival) return 'unknown'
    const activeUntil = this.active.get(arrival)
    let place: Place
    if (activeUntil !== undefined) {
      if (activeUntil <= now) return 'gone'
      place = { activeUntil }
    } else {
      if (!this.line.has(arrival)) return header.soldOut ? 'unknown' : 'gone'
      place = { position: this.line.position(arrival) }
    }
    return { userId, concertId: header.concertId, ...(entryId ? { entryId } : {}), ...placeStatus(place, moment, header.policy) }
  }
}

const views = new IsolateCaches<QueueView>(SNAPSHOT_MAX_AGE_MS)
/** Arrivals that polled here since the last view: presence, carried to the object with the next one. */
const seenBy = new Map<string, Set<number>>()

/** Fetches the line: what changed since `have`, or the whole of it. */
export type LoadLineView = (seen: number[], have?: ViewVersion) => Promise<LineView>

/** The status of a place from this isolate's view of the line, refreshing the view with `load` when it is due. */
export async function cachedStatus(concertId: string, place: PlaceInLine, load: LoadLineView, keepAlive?: KeepAlive): Promise<CachedStatus> {
  let seen = seenBy.get(concertId)
  if (!seen) seenBy.set(concertId, (seen = new Set()))
  if (place.arrival > 0) seen.add(place.arrival)
  const cache = views.for(concertId)
  const view = await cache.get(async (previous) => {
    const polled = [...seen]
    seen.clear()
    const fetched = await load(polled, previous?.version)
    return previous ? previous.next(fetched) : QueueView.of(fetched)
  }, keepAlive)
  return view ? view.describe(place, Date.now()) : 'unknown'
}

/** After a change made through this isolate (policy, payment): answer the next poll afresh. */
export function invalidateQueueView(concertId: string): void {
  views.invalidate(concertId)
}
