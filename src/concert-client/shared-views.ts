import { decodeLineView, encodeLineView, type LineView, type ViewVersion } from '../shared/line-view'
import type { PackedSeatMap } from '../shared/seat-map'
import type { DateAvailabilityView, SaleStateView } from '../schemas'
import type { KeepAlive } from './isolate-cache'

/** Isolates of a location asking in the same slot share one answer: a line view's age bound. */
const LINE_SLOT_MS = 250
/** Seat maps, dates and the sale's state: a map's refusals are the object's own, so half a second more is safe. */
const READ_SLOT_MS = 500

/**
 * Reads shared by the isolates of one location through the Cache API: the first isolate to
 * ask in a slot fetches the answer from its mirror and stores it; the others read it from the
 * location's cache. So a mirror's calls grow with locations, not with isolates or fans. Where
 * the Cache API keeps nothing (a workers.dev route), every isolate asks the mirror, which still
 * bounds the concert object's calls.
 */
async function shared<T>(
  key: string,
  slotMs: number,
  fetch: () => Promise<T>,
  encode: (value: T) => BodyInit,
  decode: (response: Response) => Promise<T>,
  keepAlive?: KeepAlive,
): Promise<T> {
  const url = `https://shared-reads.invalid/${key}/${Math.floor(Date.now() / slotMs)}`
  const cache = caches.default
  const hit = await cache.match(url)
  if (hit) return decode(hit)
  const value = await fetch()
  const stored = cache
    .put(url, new Response(encode(value), { headers: { 'cache-control': 'max-age=2' } }))
    .catch(() => {})
  if (keepAlive) keepAlive(stored)
  else await stored
  return value
}

/**
 * The line's change since `have` (or the whole line): the same for every isolate that has that
 * version, so isolates refreshing in step stay in step, holding the same versions.
 */
export function sharedLineView(
  concertId: string,
  have: ViewVersion | undefined,
  fetch: () => Promise<LineView>,
  keepAlive?: KeepAlive,
): Promise<LineView> {
  const since = have ? `${have.epoch}/${have.version}` : 'whole'
  return shared(
    `${encodeURIComponent(concertId)}/line/${since}`,
    LINE_SLOT_MS,
    fetch,
    encodeLineView,
    async (r) => decodeLineView(new Uint8Array(await r.arrayBuffer())),
    keepAlive,
  )
}

export type SharedRead = DateAvailabilityView[] | SaleStateView | PackedSeatMap

/** Dates, the sale's state, a seat map (`what` names which): JSON, as the mirror answers them. */
export function sharedRead<T extends SharedRead>(
  concertId: string,
  what: string,
  fetch: () => Promise<T>,
  keepAlive?: KeepAlive,
): Promise<T> {
  return shared(
    `${encodeURIComponent(concertId)}/${encodeURIComponent(what)}`,
    READ_SLOT_MS,
    fetch,
    JSON.stringify,
    (r) => r.json<T>(),
    keepAlive,
  )
}
