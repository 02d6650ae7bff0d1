import { and, asc, eq, isNull, lt } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { ticketIdOf } from '../tickets/ticket-ids'
import type { SaleEvent } from '../events/sale-event'
import { concerts, payments, tickets, users } from './schema'

// The tickets' rows in D1 (migrations/0006_tickets.sql): made in the payment's batch, deleted
// in the refund's, and otherwise following the concert object's decisions (transfers,
// check-ins). Every write after the first is conditioned so that applying one decision twice,
// or an older one after a newer, changes nothing: the route writes it right after the object
// said yes, and the outbox's event writes it again (src/events/delivery.ts).

export type TicketRow = typeof tickets.$inferSelect

/** A payment's tickets, one per seat, for the payment's own batch. */
export function ticketRows(
  payment: typeof payments.$inferSelect,
  order: { seatNumbers: number[]; startsAt: string; sections: string[] },
): TicketRow[] {
  return order.seatNumbers.map((seatNumber, i) => ({
    ticketId: ticketIdOf(payment.reservationId, seatNumber),
    paymentId: payment.id,
    concertId: payment.concertId,
    date: payment.date,
    startsAt: order.startsAt,
    seatNumber,
    section: order.sections[i]!,
    buyerId: payment.userId,
    holderId: payment.userId,
    version: 1,
    checkedInAt: null,
    transferredAt: null,
    createdAt: payment.paidAt,
  }))
}

export function findTicket(db: D1Database, ticketId: string): Promise<TicketRow | undefined> {
  return drizzle(db).select().from(tickets).where(eq(tickets.ticketId, ticketId)).get()
}

/** The tickets a user holds now (bought and kept, or received), with their concert's title; by show, then seat. */
export function ticketsHeldBy(db: D1Database, userId: string) {
  return drizzle(db)
    .select({ ticket: tickets, title: concerts.title })
    .from(tickets)
    .innerJoin(concerts, eq(concerts.id, tickets.concertId))
    .where(eq(tickets.holderId, userId))
    .orderBy(asc(tickets.startsAt), asc(tickets.concertId), asc(tickets.seatNumber))
    .all()
}

export async function userExists(db: D1Database, userId: string): Promise<boolean> {
  return (await drizzle(db).select({ id: users.id }).from(users).where(eq(users.id, userId)).get()) !== undefined
}

/** The object's transfer: a newer version only, so a late or repeated write never moves the ticket back. */
const transferWrite = (
  db: D1Database,
  t: { ticketId: string; holderId: string; version: number; transferredAt: string },
) =>
  drizzle(db)
    .update(tickets)
    .set({ holderId: t.holderId, version: t.version, transferredAt: t.transferredAt })
    .where(and(eq(tickets.ticketId, t.ticketId), lt(tickets.version, t.version)))

/** The object's check-in: once (a ticket is checked in at most once; the first time stays). */
const checkInWrite = (db: D1Database, t: { ticketId: string; checkedInAt: string }) =>
  drizzle(db)
    .update(tickets)
    .set({ checkedInAt: t.checkedInAt })
    .where(and(eq(tickets.ticketId, t.ticketId), isNull(tickets.checkedInAt)))

export async function recordTransfer(
  db: D1Database,
  t: { ticketId: string; holderId: string; version: number; transferredAt: string },
): Promise<void> {
  await transferWrite(db, t)
}

export async function recordCheckIn(db: D1Database, t: { ticketId: string; checkedInAt: string }): Promise<void> {
  await checkInWrite(db, t)
}

/** The reservation a ticket's payment paid, to finish the payment's last step if it was lost. */
export async function paymentOfTicket(db: D1Database, ticket: TicketRow) {
  return drizzle(db)
    .select({ reservationId: payments.reservationId, id: payments.id, date: payments.date })
    .from(payments)
    .where(eq(payments.id, ticket.paymentId))
    .get()
}

/**
 * The ticket events of a batch of the concert objects' outboxes, applied to D1 in one batch
 * (src/events/delivery.ts): the repair of a route that died between the object's decision and
 * its own write. Idempotent; every other event is left alone.
 */
export async function applyTicketEvents(db: D1Database, events: readonly SaleEvent[]): Promise<void> {
  const writes = events.flatMap((e) => {
    if (e.type === 'ticket.transferred' && e.ticketId && e.toUserId && e.version)
      return [
        transferWrite(db, { ticketId: e.ticketId, holderId: e.toUserId, version: e.version, transferredAt: e.at }),
      ]
    if (e.type === 'ticket.checked_in' && e.ticketId)
      return [checkInWrite(db, { ticketId: e.ticketId, checkedInAt: e.at })]
    return []
  })
  const [first, ...rest] = writes
  if (first) await drizzle(db).batch([first, ...rest])
}
