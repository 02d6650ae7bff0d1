import type { ConcertObject } from '../concert'
import { ApiError, unwrap } from '../errors'
import { findWaitlistEntry, recordWaitlistEntry, waitlistConcertsOf } from '../ledger/waitlist'
import type { WaitlistEntryView, WaitlistJoinView, WaitlistOptionsView } from '../schemas'
import { released, waitlistStreamRequest } from '../shared/rpc'
import { waitlistRelayName } from '../concert-client/relay-names'

/**
 * The Worker's side of the waitlist (the concert object's: src/concert/waitlist/). The object
 * holds the entries and decides; D1 indexes where they are (migrations/0007_waitlist.sql), so
 * a user's entries over all concerts, and an offer's concert, can be found.
 */
const concertStub = (env: Env, concertId: string): DurableObjectStub<ConcertObject> =>
  env.CONCERT.get(env.CONCERT.idFromName(concertId))

/** A new entry (created) or the user's live one in this concert. */
export async function joinWaitlist(
  env: Env,
  concertId: string,
  userId: string,
  asked: WaitlistJoinView,
): Promise<{ created: boolean; entry: WaitlistEntryView }> {
  // The ids are made here: the offer's order id lets D1 find the offer's concert without the object writing to D1.
  const ids = { waitlistId: crypto.randomUUID(), reservationId: crypto.randomUUID() }
  const joined = released(unwrap(await concertStub(env, concertId).joinWaitlist({ ...ids, userId, ...asked })))
  if (joined.created)
    // Lost if the Worker dies first: the object's waitlist.joined event writes it then (src/events/delivery.ts).
    await recordWaitlistEntry(env.DB, { ...ids, userId, concertId, createdAt: joined.entry.createdAt })
  return joined
}

/** The user's entries in every concert, newest first. */
export async function waitlistOf(env: Env, userId: string): Promise<WaitlistEntryView[]> {
  const concerts = await waitlistConcertsOf(env.DB, userId)
  const lists = await Promise.all(
    concerts.map(async (concertId) => released(unwrap(await concertStub(env, concertId).waitlistOf(userId)))),
  )
  return lists.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt))
}

/** Leaves the user's entry: another user's, or none, is 404. */
export async function leaveWaitlist(env: Env, userId: string, waitlistId: string): Promise<void> {
  const entry = await findWaitlistEntry(env.DB, waitlistId)
  if (!entry || entry.userId !== userId) throw new ApiError('WAITLIST_ENTRY_NOT_FOUND')
  unwrap(await concertStub(env, entry.concertId).leaveWaitlist(userId, waitlistId))
}

/** What a fan may join, sold out or not: public, so it is asked of the object directly (the route caches it a second). */
export async function waitlistOptions(env: Env, concertId: string): Promise<WaitlistOptionsView> {
  return unwrap(await concertStub(env, concertId).waitlistOptions())
}

/** The user's waitlist stream of one concert: the relay their id names holds it (src/relay/waitlist-streams.ts). */
export function followWaitlist(env: Env, concertId: string, userId: string, request: Request): Promise<Response> {
  const relay = waitlistRelayName(concertId, userId)
  return env.RELAY.get(env.RELAY.idFromName(relay)).fetch(waitlistStreamRequest(request, userId, relay))
}
