import { fail, ok, type Result } from '../../errors/catalogue'
import type { WaitingLine } from '../line/line'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import { inFlightDeadline, stuckOrders } from './money-in-flight'
import { refundTerms } from '../../shared/refund-fee'
import type { RefundStart } from '../../shared/rpc'
import { orderFields, seatNumbersOf, type ReservationRow, type SeatPlan } from '../seats/seat-plan'
import type { SellOut } from '../line/sell-out'

/**
 * The object's half of a refund, the mirror of payments.ts (the ledger's half is one D1 batch
 * between the two): a paid order is REFUNDING while money moves back, its seats still SOLD so
 * nobody can take them; then REFUNDED with the ledger's refund, its seats AVAILABLE again, or
 * back to PAID without one. A REFUNDING order whose Worker never came back is settled by
 * asking the ledger (the object's alarm, `stuck`). So seats are never free without the refund,
 * nor the refund made with the seats still sold.
 */
export class Refunds {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
    private readonly seatPlan: SeatPlan,
    private readonly line: WaitingLine,
    private readonly sellOut: SellOut,
  ) {}

  /** What refunding this paid order now would credit, or why it cannot be refunded. */
  quote(r: ReservationRow, now: number): Result<RefundStart> {
    if (r.state === 'REFUNDED') return fail('ALREADY_REFUNDED')
    if (r.state !== 'PAID' && r.state !== 'REFUNDING')
      return fail('RESERVATION_NOT_FOUND', 'This order is not paid, so there is nothing to refund')
    const day = this.seatPlan.day(r.date)!
    const terms = refundTerms(r.price, day.startsAt, now, this.meta.refundPolicy)
    if (!terms) return fail('REFUND_CLOSED', `Refunds for the show on ${r.date} are closed`)
    return ok({
      concertId: this.meta.id!,
      reservationId: r.id,
      paymentId: r.payment_id!,
      date: r.date,
      seatNumbers: seatNumbersOf(r),
      paid: r.price,
      ...terms,
    })
  }

  /** Marks the paid order as being refunded; asking again while REFUNDING is the same answer. */
  begin(r: ReservationRow, now: number): Result<RefundStart> {
    const quoted = this.quote(r, now)
    if (quoted.ok && r.state === 'PAID')
      this.storage.sql.exec("UPDATE reservations SET state = 'REFUNDING', paying_since = ? WHERE id = ?", now, r.id)
    return quoted
  }

  /**
   * Ends a refund in flight with the ledger's answer: with a refund the seats are AVAILABLE
   * again (the ledger is the truth about money, so this holds even for an order the object
   * had put back to PAID) and the next user may be admitted; without one the order is PAID
   * again. Returns whether anything changed.
   */
  settle(reservationId: string, refund: { id: string; amount: number; fee: number } | null, now: number): boolean {
    const r = this.seatPlan.reservation(reservationId)
    if (!r || (r.state !== 'REFUNDING' && !(refund && r.state === 'PAID'))) return false
    this.storage.transactionSync(() => {
      if (!refund) {
        this.storage.sql.exec("UPDATE reservations SET state = 'PAID', paying_since = NULL WHERE id = ?", r.id)
        return
      }
      this.seatPlan.unsell(r)
      this.storage.sql.exec(
        "UPDATE reservations SET state = 'REFUNDED', refund_id = ?, paying_since = NULL WHERE id = ?",
        refund.id,
        r.id,
      )
      this.outbox.record('seat.refunded', now, {
        ...orderFields(r),
        price: r.price,
        refundId: refund.id,
        amount: refund.amount,
        fee: refund.fee,
      })
      this.sellOut.reopen()
      this.line.admit(now)
    })
    return true
  }

  /** Refunds in flight past the grace: their Worker is gone, so the ledger must be asked. */
  stuck(now: number): string[] {
    return stuckOrders(this.storage.sql, 'REFUNDING', now)
  }

  nextDeadline(): number | null {
    return inFlightDeadline(this.storage.sql, 'REFUNDING')
  }
}
