import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { MAX_BALANCE } from './accounts'
import { bookings, refunds, tickets, users } from './schema'

export type RefundRow = typeof refunds.$inferSelect

export type RefundOutcome =
  | { kind: 'refunded'; refund: RefundRow }
  | { kind: 'alreadyRefunded'; refund: RefundRow }
  | { kind: 'balanceLimit'; balance: number }

export function findRefund(db: D1Database, reservationId: string): Promise<RefundRow | undefined> {
  return drizzle(db).select().from(refunds).where(eq(refunds.reservationId, reservationId)).get()
}

/**
 * The money half of a refund, all or nothing in one D1 batch: the refund (UNIQUE per order and
 * per payment), the credit of the price less the fee, and the order's booking and ticket rows
 * deleted, so its seats may be sold again and its tickets are gone from the holder's list. A second refund of one order fails on the UNIQUE and rolls the
 * whole batch back: an order is credited once.
 */
export async function settleRefund(
  db: D1Database,
  refund: Omit<RefundRow, 'id' | 'refundedAt'>,
): Promise<RefundOutcome> {
  const orm = drizzle(db)
  const row: RefundRow = { id: crypto.randomUUID(), refundedAt: new Date().toISOString(), ...refund }
  try {
    await orm.batch([
      orm.insert(refunds).values(row),
      orm
        .update(users)
        .set({ balance: sql`${users.balance} + ${row.amount}` })
        .where(eq(users.id, row.userId)),
      orm.delete(bookings).where(eq(bookings.paymentId, row.paymentId)),
      orm.delete(tickets).where(eq(tickets.paymentId, row.paymentId)),
    ])
    return { kind: 'refunded', refund: row }
  } catch (err) {
    // Which constraint refused is read from the state the rollback left.
    const existing = await findRefund(db, row.reservationId)
    if (existing) return { kind: 'alreadyRefunded', refund: existing }
    const owner = await orm.select({ balance: users.balance }).from(users).where(eq(users.id, row.userId)).get()
    if (owner && owner.balance + row.amount > MAX_BALANCE) return { kind: 'balanceLimit', balance: owner.balance }
    throw err
  }
}
