import { and, desc, eq, inArray, notExists, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { bookings, payments, refunds, tickets, users } from './schema'
import { ticketRows } from './tickets'

export type PaymentRow = typeof payments.$inferSelect

export interface Sale {
  reservationId: string
  userId: string
  concertId: string
  date: string
  seatNumbers: number[]
  /** The order's total. */
  amount: number
  idempotencyKey?: string
  /** The show's start and each seat's section, for its tickets. */
  startsAt: string
  sections: string[]
}

export type SettleOutcome =
  | { kind: 'paid'; payment: PaymentRow }
  | { kind: 'alreadyPaid'; payment: PaymentRow }
  | { kind: 'insufficientBalance'; balance: number }
  | { kind: 'seatTaken' }

/** The seats a payment paid for. */
export const paymentSeatNumbers = (p: PaymentRow): number[] =>
  p.seatNumbers ? (JSON.parse(p.seatNumbers) as number[]) : [p.seatNumber]

export function findPayment(db: D1Database, reservationId: string): Promise<PaymentRow | undefined> {
  return drizzle(db).select().from(payments).where(eq(payments.reservationId, reservationId)).get()
}

/**
 * The money half of a sale, all or nothing in one D1 batch: the payment (UNIQUE per
 * reservation), a booking and a ticket per seat (UNIQUE per concert, date and seat) and the
 * debit of the order's total (the balance CHECK refuses to go below zero). Any refusal rolls
 * back all of it, so there is never a debit without a sale, a sale without a debit or its
 * tickets, a second debit of one order or a seat sold twice.
 */
export async function settle(db: D1Database, sale: Sale): Promise<SettleOutcome> {
  const orm = drizzle(db)
  const payment: PaymentRow = {
    id: crypto.randomUUID(),
    reservationId: sale.reservationId,
    userId: sale.userId,
    concertId: sale.concertId,
    date: sale.date,
    seatNumber: sale.seatNumbers[0]!,
    seatNumbers: JSON.stringify(sale.seatNumbers),
    amount: sale.amount,
    idempotencyKey: sale.idempotencyKey ?? null,
    paidAt: new Date().toISOString(),
  }
  try {
    await orm.batch([
      orm.insert(payments).values(payment),
      // A statement a row: D1 binds at most 100 values a statement, and an order of 20 seats'
      // tickets alone has 260.
      ...sale.seatNumbers.map((seatNumber) =>
        orm.insert(bookings).values({
          paymentId: payment.id,
          userId: sale.userId,
          concertId: sale.concertId,
          date: sale.date,
          seatNumber,
          createdAt: payment.paidAt,
        }),
      ),
      ...ticketRows(payment, sale).map((ticket) => orm.insert(tickets).values(ticket)),
      orm
        .update(users)
        .set({ balance: sql`${users.balance} - ${sale.amount}` })
        .where(eq(users.id, sale.userId)),
    ])
    return { kind: 'paid', payment }
  } catch (err) {
    // Which constraint refused is read from the state the rollback left.
    const existing = await findPayment(db, sale.reservationId)
    if (existing) return { kind: 'alreadyPaid', payment: existing }
    const owner = await orm.select({ balance: users.balance }).from(users).where(eq(users.id, sale.userId)).get()
    if (owner && owner.balance < sale.amount) return { kind: 'insufficientBalance', balance: owner.balance }
    const booked = await orm
      .select({ paymentId: bookings.paymentId })
      .from(bookings)
      .where(
        and(
          eq(bookings.concertId, sale.concertId),
          eq(bookings.date, sale.date),
          inArray(bookings.seatNumber, sale.seatNumbers),
        ),
      )
      .get()
    if (booked) return { kind: 'seatTaken' }
    throw err
  }
}

/** Paid orders of one user that were not refunded, newest first. */
export function paymentsOf(db: D1Database, userId: string): Promise<PaymentRow[]> {
  const orm = drizzle(db)
  return orm
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.userId, userId),
        notExists(orm.select({ id: refunds.id }).from(refunds).where(eq(refunds.paymentId, payments.id))),
      ),
    )
    .orderBy(desc(payments.paidAt))
    .all()
}
