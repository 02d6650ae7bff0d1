import { ok, type Result } from '../../errors/catalogue'
import type { WaitingLine } from '../line/line'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import type { PaymentStart } from '../../shared/rpc'
import type { SeatPlan } from '../seats/seat-plan'
import { orderFields, seatNumbersOf, type OrderBook, type ReservationRow } from './order-book'
import { wasPaid, whyNotHeld } from './order-states'
import type { SellOut } from '../line/sell-out'
import type { TicketBook } from '../tickets/ticket-book'

/**
 * The object's half of a payment (the ledger's half is one D1 batch between the two): a hold
 * is PAYING while money may be moving, so it cannot expire under the payment; then PAID with
 * the ledger's payment, or back to HELD without one. A PAYING hold whose Worker never came
 * back is settled by asking the ledger (the object's alarm, `stuck`).
 */
export class Payments {
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

  /** Marks the hold as being paid for; asking again while PAYING is the same answer. */
  begin(reservation: ReservationRow, now: number): Result<PaymentStart> {
    if (reservation.state !== 'HELD' && reservation.state !== 'PAYING') return whyNotHeld(reservation.state)
    if (reservation.state === 'HELD') this.orders.move(reservation, 'PAYING', now)
    const seatNumbers = seatNumbersOf(reservation)
    return ok({
      concertId: this.meta.id!,
      date: reservation.date,
      seatNumbers,
      price: reservation.price,
      startsAt: this.seatPlan.day(reservation.date)!.startsAtIso,
      sections: this.seatPlan.sectionsOf(seatNumbers),
    })
  }

  /**
   * Ends a payment in flight with the ledger's answer: with a payment the seat is SOLD (the
   * ledger is the truth about money, so this wins even over a later hold of the same seat);
   * without one the hold goes back to HELD, or is released if its time has passed. Returns
   * whether anything changed.
   */
  settle(reservationId: string, paymentId: string | null, now: number): boolean {
    const r = this.orders.get(reservationId)
    // A paid order may be refunded since: its payment is long settled.
    if (!r || wasPaid(r.state)) return false
    this.storage.transactionSync(() => {
      if (paymentId) this.sell(r, paymentId, now)
      else if (r.state === 'PAYING') {
        if (r.expires_at > now) this.orders.move(r, 'HELD', now)
        else this.seatPlan.free(r, 'EXPIRED', now)
      } else if (r.state === 'HELD' && r.expires_at <= now) {
        this.seatPlan.free(r, 'EXPIRED', now)
      }
      // A place, or a seat, may have come free.
      // Seats that came free go to the waitlist first (waitlist/waitlist.ts).
      this.waitlist.offerFreed(now)
      this.line.admit(now)
    })
    return true
  }

  private sell(r: ReservationRow, paymentId: string, now: number) {
    for (const holder of this.seatPlan.holdersOf(r)) this.seatPlan.free(holder, 'RELEASED', now)
    this.seatPlan.markSold(r)
    this.orders.move(r, 'PAID', now, { paymentId })
    // Its tickets at the gate, under the ids the ledger gave them in the payment's batch.
    this.tickets.issue(r, now)
    this.outbox.record('seat.paid', now, { ...orderFields(r), price: r.price, paymentId })
    // The token that bought the seat is finished; any other hold it had goes back on sale.
    for (const other of this.orders.heldBy(r.arrival)) this.seatPlan.free(other, 'RELEASED', now)
    if (this.line.isLive(r.arrival)) this.line.end(r.arrival, 'PAID', now)
    if (!this.sellOut.happened && this.seatPlan.allSold(now)) this.sellOut.record(this.line.endAllWaiting(), now)
  }

  /** Payments in flight past the grace: their Worker is gone, so the ledger must be asked. */
  stuck(now: number): string[] {
    return this.orders.stuck('PAYING', now)
  }

  nextDeadline(): number | null {
    return this.orders.inFlightDeadline('PAYING')
  }
}
