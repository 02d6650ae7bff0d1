import type { ConcertObject } from '../concert'
import type { Transferred } from '../concert/tickets/ticket-book'
import { concertClient } from '../concert-client'
import { ApiError, unwrap } from '../errors'
import { isVerified } from '../ledger/identity'
import { findTicket, recordTransfer, ticketsHeldBy, userExists, type TicketRow } from '../ledger/tickets'
import type { TicketView } from '../schemas'
import { signCode, type IssuedCode } from './codes'
import { followUp } from './follow-up'
import { ticketKeys } from './signing-keys'

// A holder's side of tickets: the list, the code, the transfer. The list and the code read
// D1, whose rows follow the concert object's decisions (src/ledger/tickets.ts); a transfer is
// the object's decision, which D1 then follows.

const concertObject = (env: Env, concertId: string): DurableObjectStub<ConcertObject> =>
  env.CONCERT.get(env.CONCERT.idFromName(concertId))

export async function ticketsOf(env: Env, userId: string): Promise<TicketView[]> {
  const rows = await ticketsHeldBy(env.DB, userId)
  return rows.map(({ ticket: t, title }) => ({
    ticketId: t.ticketId,
    concertId: t.concertId,
    title,
    date: t.date,
    startsAt: t.startsAt,
    seatNumber: t.seatNumber,
    section: t.section,
    status: t.checkedInAt ? ('CHECKED_IN' as const) : ('VALID' as const),
    ...(t.checkedInAt ? { checkedInAt: t.checkedInAt } : {}),
  }))
}

/** The user's ticket, as D1 has it: TICKET_NOT_FOUND for one they do not hold (another's, refunded, unknown). */
export async function ownTicket(env: Env, userId: string, ticketId: string): Promise<TicketRow> {
  const ticket = await findTicket(env.DB, ticketId)
  if (!ticket || ticket.holderId !== userId) throw new ApiError('TICKET_NOT_FOUND')
  return ticket
}

/** A code of the ticket's current version, for its holder's phone to show. */
export async function codeFor(env: Env, ticket: TicketRow): Promise<IssuedCode> {
  const claims = {
    tid: ticket.ticketId,
    cid: ticket.concertId,
    date: ticket.date,
    seat: ticket.seatNumber,
    v: ticket.version,
  }
  return signCode(await ticketKeys(env), claims)
}

/**
 * Gives the holder's ticket to another user. Checked here, in the contract's order: the
 * recipient (400 oneself, 404 unknown, 403 unverified where the concert asks for it); then the
 * concert object decides (the holder, the ticket's state, the recipient's maxTicketsPerUser).
 */
export async function transfer(
  env: Env,
  fromUserId: string,
  ticket: TicketRow,
  toUserId: string,
): Promise<Transferred> {
  if (toUserId === fromUserId) throw new ApiError('VALIDATION_FAILED', 'toUserId: a ticket cannot be given to oneself')
  if (!(await userExists(env.DB, toUserId))) throw new ApiError('USER_NOT_FOUND', 'toUserId: no such user')
  const policy = await concertClient(env, ticket.concertId).policy()
  if (policy.requireVerifiedIdentity && !(await isVerified(env.DB, toUserId)))
    throw new ApiError('VERIFICATION_REQUIRED', 'This concert asks for a verified phone: the recipient has none')
  const done = unwrap(await concertObject(env, ticket.concertId).transferTicket(ticket.ticketId, fromUserId, toUserId))
  await followUp('transfer', recordTransfer(env.DB, { ...done, holderId: done.toUserId }))
  return done
}
