import { fail, ok, type Result } from '../../errors/catalogue'
import type { WaitingLine } from '../line/line'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import { refundTerms } from '../../shared/refund-fee'
import type { RefundStart } from '../../shared/rpc'
import type { SeatPlan } from '../seats/seat-plan'
import { orderFields, seatNumbersOf, type OrderBook, type ReservationRow } from './order-book'
import { whyNotRefundable } from './order-states'
import type { SellOut } from '../line/sell-out'
import type { TicketBook } from '../tickets/ticket-book'

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
    private readonly orders: OrderBook,
    private readonly seatPlan: SeatPlan,
    private readonly line: WaitingLine,
    private readonly sellOut: SellOut,
    private readonly tickets: TicketBook,
    private readonly waitlist: { offerFreed(now: number): void },
  ) {}

  /** What refunding this paid order now would credit, or why it cannot be refunded. */
  quote(r: ReservationRow, now: number): Result<RefundStart> {
    // A ticket given away or used at the gate closes the order's refund.
    const refused = whyNotRefundable(r.state) ?? this.tickets.whyNotRefund(r.id)
    if (refused) return refused
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
    if (quoted.ok && r.state === 'PAID') this.orders.move(r, 'REFUNDING', now)
    return quoted
  }

  /**
   * Ends a refund in flight with the ledger's answer: with a refund the seats are AVAILABLE
   * again (the ledger is the truth about money, so this holds even for an order the object
   * had put back to PAID) and the next user may be admitted; without one the order is PAID
   * again. Returns whether anything changed.
   */
  settle(reservationId: string, refund: { id: string; amount: number; fee: number } | null, now: number): boolean {
    const r = this.orders.get(reservationId)
    if (!r || (r.state !== 'REFUNDING' && !(refund && r.state === 'PAID'))) return false
    this.storage.transactionSync(() => {
      if (!refund) {
        this.orders.move(r, 'PAID', now)
        return
      }
      this.seatPlan.unsell(r)
      this.orders.move(r, 'REFUNDED', now, { refundId: refund.id })
      this.tickets.voidOrder(r.id)
      this.outbox.record('seat.refunded', now, {
        ...orderFields(r),
        price: r.price,
        refundId: refund.id,
        amount: refund.amount,
        fee: refund.fee,
      })
      this.sellOut.reopen()
      // Seats that came free go to the waitlist first (waitlist/waitlist.ts).
      this.waitlist.offerFreed(now)
      this.line.admit(now)
    })
    return true
  }

  /** Refunds in flight past the grace: their Worker is gone, so the ledger must be asked. */
  stuck(now: number): string[] {
    return this.orders.stuck('REFUNDING', now)
  }

  nextDeadline(): number | null {
    return this.orders.inFlightDeadline('REFUNDING')
  }
}
