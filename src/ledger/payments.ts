import { desc, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { bookings, payments, users } from './schema'

export type PaymentRow = typeof payments.$inferSelect

export interface Sale {
  reservationId: string
  userId: string
  concertId: string
  date: string
  seatNumber: number
  amount: number
  idempotencyKey?: string
}

export type SettleOutcome = { kind: 'paid'; payment: PaymentRow } | { kind: 'alreadyPaid'; payment: PaymentRow } | { kind: 'insufficientBalance'; balance: number } | { kind: 'seatTaken' }

export function findPayment(db: D1Database, reservationId: string): Promise<PaymentRow | undefined> {
  return drizzle(db).select().from(payments).where(eq(payments.reservationId, reservationId)).get()
}

/**
 * The money half of a sale, all or nothing in one D1 batch: the payment (UNIQUE per
 * reservation), the booking (UNIQUE per concert, date and seat) and the debit (the balance
 * CHECK refuses to go below zero). Any refusal rolls back all three, so there is never a
 * debit without a sale, a sale without a debit, a second debit of one hold or a seat sold twice.
 */
export async function settle(db: D1Database, sale: Sale): Promise<SettleOutcome> {
  const orm = drizzle(db)
  const payment: PaymentRow = {
    id: crypto.randomUUID(),
    reservationId: sale.reservationId,
    userId: sale.userId,
    concertId: sale.concertId,
    date: sale.date,
    seatNumber: sale.seatNumber,
    amount: sale.amount,
    idempotencyKey: sale.idempotencyKey ?? null,
    paidAt: new Date().toISOString(),
  }
  try {
    await orm.batch([
      orm.insert(payments).values(payment),
      orm.insert(bookings).values({
        paymentId: payment.id,
        userId: sale.userId,
        concertId: sale.concertId,
        date: sale.date,
        seatNumber: sale.seatNumber,
        createdAt: payment.paidAt,
      }),
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
      .where(sql`${bookings.concertId} = ${sale.concertId} and ${bookings.date} = ${sale.date} and ${bookings.seatNumber} = ${sale.seatNumber}`)
      .get()
    if (booked) return { kind: 'seatTaken' }
    throw err
  }
}

/** Confirmed seats of one user, newest first. */
export function paymentsOf(db: D1Database, userId: string): Promise<PaymentRow[]> {
  return drizzle(db).select().from(payments).where(eq(payments.userId, userId)).orderBy(desc(payments.paidAt)).all()
}
