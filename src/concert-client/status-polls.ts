import type { PlaceInLine } from '../shared/rpc'
import type { LineView, ViewVersion } from '../shared/line-view'
import { HeldLine, type CachedStatus } from '../shared/held-line'
import { IsolateCaches, type KeepAlive, type LoadReason } from './isolate-cache'

/**
 * Status polls answered by the Worker from a view of the line, so that thousands of waiting
 * users polling do not all land on the one concert object (one round trip there costs more
 * than the rest of the request; docs/benchmarks.md). A view is at most SNAPSHOT_MAX_AGE_MS
 * old; after the first, each refresh fetches only what changed (src/shared/line-view.ts).
 */
export const SNAPSHOT_MAX_AGE_MS = 250
/** Arrivals that polled here are reported at least this often (and three times per idle timeout): a poller never idles out. */
const MAX_PRESENCE_INTERVAL_MS = 5_000

const views = new IsolateCaches<HeldLine>(SNAPSHOT_MAX_AGE_MS)
/** Arrivals that polled here since presence was last reported, and when it was. */
const presence = new Map<string, { seen: Set<number>; reportedAt: number }>()

/**
 * Fetches the line: what changed since `have`, or the whole of it. With `seen` to report it
 * must reach a mirror (or, for an exact read, the object); a refresh ahead with nothing to
 * report may take the answer shared in the location.
 */
export type LoadLineView = (seen: number[], have: ViewVersion | undefined, reason: LoadReason) => Promise<LineView>

/** The status of a place from this isolate's view of the line, refreshing the view with `load` when it is due. */
export async function cachedStatus(
  concertId: string,
  place: PlaceInLine,
  load: LoadLineView,
  keepAlive?: KeepAlive,
): Promise<CachedStatus> {
  let polled = presence.get(concertId)
  if (!polled) presence.set(concertId, (polled = { seen: new Set(), reportedAt: Date.now() }))
  if (place.arrival > 0) polled.seen.add(place.arrival)
  const cache = views.for(concertId)
  const view = await cache.get(async (previous, reason) => {
    const now = Date.now()
    const interval = Math.min(MAX_PRESENCE_INTERVAL_MS, ((previous?.policy.idleTimeoutSeconds ?? 0) * 1000) / 3)
    const report = polled.seen.size > 0 && now - polled.reportedAt >= interval
    const seen = report ? [...polled.seen] : []
    if (report) {
      polled.seen.clear()
      polled.reportedAt = now
    }
    const fetched = await load(seen, previous?.version, reason)
    // Asked for what changed since its own version, so a change always applies.
    return HeldLine.after(previous, fetched)!
  }, keepAlive)
  return view ? view.describe(place, Date.now()) : 'unknown'
}

/** This isolate's view of the line if status polls keep a fresh one, without loading it. */
export const freshHeldLine = (concertId: string): HeldLine | undefined => views.for(concertId).peek()

/** After a change made through this isolate (policy, payment): answer the next poll afresh. */
export function invalidateHeldLine(concertId: string): void {
  views.invalidate(concertId)
}
