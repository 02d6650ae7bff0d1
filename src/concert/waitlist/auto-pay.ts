import { settle as settleInLedger } from '../../ledger/payments'
import type { OrderBook } from '../orders/order-book'
import type { Payments } from '../orders/payments'
import type { WaitlistBook } from './waitlist-book'

/**
 * Paying autoPay offers. An offer is made inside the change that freed its seats, which cannot
 * await D1; so the entry is marked `auto_pay_due` there, and the object's alarm (armed at once
 * for it, runtime/room.ts) runs the normal payment for it afterwards: the order PAYING (and
 * the mark cleared) in one transaction, the ledger's one batch, then PAID with the ledger's
 * payment, or back to HELD (the entry stays OFFERED) when the balance is short.
 *
 * A crash before the first step leaves the mark: the alarm, re-armed on wake, pays it then. A
 * crash after it leaves the order PAYING: the payments' recovery asks the ledger after its
 * grace (orders/payments.ts, `stuck`), so the order is PAID or HELD again. The ledger's payment
 * is UNIQUE per order, so an offer is never charged twice, whoever pays it (this, the user's
 * POST /api/payments, both at once).
 */
export class AutoPay {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly book: WaitlistBook,
    private readonly orders: OrderBook,
    private readonly payments: Payments,
    private readonly db: D1Database,
    /** Ends the payment in flight with the ledger's answer (the room's settle: PAID, or HELD again). */
    private readonly finish: (reservationId: string, paymentId: string | null) => void,
  ) {}

  /** When the next autoPay offer is due to be paid (when it was made), or null. */
  nextDeadline(): number | null {
    return this.book.nextAutoPay()
  }

  async run() {
    for (const entry of this.book.autoPayDue()) {
      const begun = this.storage.transactionSync(() => {
        this.book.autoPayTried(entry)
        const order = this.orders.get(entry.reservation_id)
        return order?.state === 'HELD' ? this.payments.begin(order, Date.now()) : null
      })
      if (!begun?.ok) continue
      const hold = begun.value
      try {
        const outcome = await settleInLedger(this.db, {
          reservationId: entry.reservation_id,
          userId: entry.user_id,
          concertId: hold.concertId,
          date: hold.date,
          seatNumbers: hold.seatNumbers,
          amount: hold.price,
          startsAt: hold.startsAt,
          sections: hold.sections,
        })
        const paid = outcome.kind === 'paid' || outcome.kind === 'alreadyPaid'
        this.finish(entry.reservation_id, paid ? outcome.payment.id : null)
      } catch (err) {
        // The order stays PAYING: the payments' recovery asks the ledger after its grace.
        console.error(
          JSON.stringify({ level: 'error', msg: 'waitlist autoPay: the ledger failed', error: String(err) }),
        )
      }
    }
  }
}
