import { decodeLineView, encodeLineView, type LineView, type ViewVersion } from '../concert/line-view'
import type { KeepAlive } from './isolate-cache'

/** Isolates of a location asking in the same slot, from the same version, share one answer. */
const SLOT_MS = 250

/**
 * Line views shared by the isolates of one location through the Cache API: the answer to
 * "what changed since version v" (or "the whole line") is the same for every isolate that
 * has v, so the first to ask in a slot fetches it from the mirror and the others read it
 * from the location's cache. Isolates that refresh in step stay in step: they hold the same
 * versions. Where the Cache API keeps nothing (a workers.dev route), every isolate asks
 * the mirror, which still bounds the concert object's calls.
 */
export async function sharedLineView(concertId: string, have: ViewVersion | undefined, fetch: () => Promise<LineView>, keepAlive?: KeepAlive): Promise<LineView> {
  const since = have ? `${have.epoch}/${have.version}` : 'whole'
  const key = `https://line-views.invalid/${encodeURIComponent(concertId)}/${since}/${Math.floor(Date.now() / SLOT_MS)}`
  const cache = caches.default
  const hit = await cache.match(key)
  if (hit) return decodeLineView(new Uint8Array(await hit.arrayBuffer()))
  const view = await fetch()
  const stored = cache.put(key, new Response(encodeLineView(view), { headers: { 'cache-control': 'max-age=2' } })).catch(() => {})
  if (keepAlive) keepAlive(stored)
  else await stored
  return view
}
