import type { PlaceInLine } from '../shared/rpc'

/**
 * The places the draw gave pre-queue entries, as this isolate has learnt them from the object.
 * A token names its entry, not its place, and the draw never changes: once known, a place is
 * answered from this isolate's queue view like any other. Bounded: the oldest are dropped first.
 */
const arrivals = new Map<string, number>()
const MAX_KNOWN = 100_000

const key = (concertId: string, entryId: string) => `${concertId}:${entryId}`

/** The place with its drawn arrival filled in when this isolate knows it. */
export function withDrawnArrival(concertId: string, place: PlaceInLine): PlaceInLine {
  if (place.arrival !== 0 || place.entryId === undefined) return place
  const arrival = arrivals.get(key(concertId, place.entryId))
  return arrival === undefined ? place : { ...place, arrival }
}

export function rememberDrawnArrival(concertId: string, entryId: string, arrival: number) {
  if (arrivals.size >= MAX_KNOWN) arrivals.delete(arrivals.keys().next().value!)
  arrivals.set(key(concertId, entryId), arrival)
}
