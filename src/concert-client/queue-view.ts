import type { PlaceInLine } from '../concert/rpc'
import type { LineView, ViewVersion } from '../concert/line-view'
import { QueueView, type CachedStatus } from '../concert/line-status'
import { IsolateCaches, type KeepAlive } from './isolate-cache'

/**
 * Status polls answered by the Worker from a view of the line, so that thousands of waiting
 * users polling do not all land on the one concert object (one round trip there costs more
 * than the rest of the request; docs/benchmarks.md). A view is at most SNAPSHOT_MAX_AGE_MS
 * old; after the first, each refresh fetches only what changed (src/concert/line-view.ts).
 */
export const SNAPSHOT_MAX_AGE_MS = 250

const views = new IsolateCaches<QueueView>(SNAPSHOT_MAX_AGE_MS)
/** Arrivals that polled here since the last view: presence, carried to the object with the next one. */
const seenBy = new Map<string, Set<number>>()

/** Fetches the line: what changed since `have`, or the whole of it. */
type LoadLineView = (seen: number[], have?: ViewVersion) => Promise<LineView>

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
    // Asked for what changed since its own version, so a change always applies.
    return QueueView.after(previous, fetched)!
  }, keepAlive)
  return view ? view.describe(place, Date.now()) : 'unknown'
}

/** After a change made through this isolate (policy, payment): answer the next poll afresh. */
export function invalidateQueueView(concertId: string): void {
  views.invalidate(concertId)
}
