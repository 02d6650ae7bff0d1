import type { PlaceInLine } from '../shared/rpc'
import { hashOf } from './name-hash'

/**
 * Relays that share the pre-queue's listeners, whose places are not numbered until the draw:
 * 64 × SOCKETS_PER_RELAY sockets at most; past that a fan's socket is refused (429) and its
 * page polls. The object's calls from them (their listeners' places, after each slice of the
 * draw) grow with this number, not with fans (docs/scale.md).
 */
const PRE_QUEUE_RELAYS = 64

/**
 * The relay that holds a place's sockets and streams: arrivals in blocks of `perRelay`, so no
 * relay holds more than that many places; a pre-queue entry (no arrival yet) by a hash of its
 * id over PRE_QUEUE_RELAYS. The concert's id comes first: the relay finds its concert by it.
 */
export function relayName(concertId: string, { arrival, entryId }: PlaceInLine, perRelay: number): string {
  if (arrival > 0) return `${concertId}/${Math.floor(arrival / perRelay)}`
  return `${concertId}/pre-${hashOf(entryId ?? '') % PRE_QUEUE_RELAYS}`
}

/**
 * Relays that hold the concert's waitlist streams (`GET .../waitlist/events`), a user's always
 * on the same one, by a hash of the user: at most WAITLIST_RELAYS × SOCKETS_PER_RELAY pages
 * follow a concert's waitlist at once (past that a stream is refused, 429, and the page polls).
 * Each in use is one more relay the object's pushes reach (docs/api.md, the waitlist).
 */
const WAITLIST_RELAYS = 32

export const waitlistRelayName = (concertId: string, userId: string): string =>
  `${concertId}/wl-${hashOf(userId) % WAITLIST_RELAYS}`
