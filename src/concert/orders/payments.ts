import { ok, type Result } from '../../errors/catalogue'
import type { WaitingLine } from '../line/line'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import { inFlightDeadline, stuckOrders } from './money-in-flight'
import type { PaymentStart } from '../../shared/rpc'
import { gone, orderFields, seatNumbersOf, type ReservationRow, type SeatPlan } from '../seats/seat-plan'
import type { SellOut } from '../line/sell-out'

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
    private readonly seatPlan: SeatPlan,
    private readonly line: WaitingLine,
    private readonly sellOut: SellOut,
  ) {}

  /** Marks the hold as being paid for; asking again while PAYING is the same answer. */
  begin(reservation: ReservationRow, now: number): Result<PaymentStart> {
    if (reservation.state !== 'HELD' && reservation.state !== 'PAYING') return gone(reservation)
    if (reservation.state === 'HELD')
      this.storage.sql.exec(
        "UPDATE reservations SET state = 'PAYING', paying_since = ? WHERE id = ?",
        now,
        reservation.id,
      )
    return ok({
      concertId: this.meta.id!,
      date: reservation.date,
      seatNumbers: seatNumbersOf(reservation),
      price: reservation.price,
    })
  }

  /**
   * Ends a payment in flight with the ledger's answer: with a payment the seat is SOLD (the
   * ledger is the truth about money, so this wins even over a later hold of the same seat);
   * without one the hold goes back to HELD, or is released if its time has passed. Returns
   * whether anything changed.
   */
  settle(reservationId: string, paymentId: string | null, now: number): boolean {
    const r = this.seatPlan.reservation(reservationId)
    // A paid order may be refunded since: its payment is long settled.
    if (!r || r.state === 'PAID' || r.state === 'REFUNDING' || r.state === 'REFUNDED') return false
    this.storage.transactionSync(() => {
      if (paymentId) this.sell(r, paymentId, now)
      else if (r.state === 'PAYING') {
        if (r.expires_at > now)
          this.storage.sql.exec("UPDATE reservations SET state = 'HELD', paying_since = NULL WHERE id = ?", r.id)
        else this.seatPlan.free(r, 'EXPIRED', now)
      } else if (r.state === 'HELD' && r.expires_at <= now) {
        this.seatPlan.free(r, 'EXPIRED', now)
      }
      // A place, or a seat, may have come free.
      this.line.admit(now)
    })
    return true
  }

  private sell(r: ReservationRow, paymentId: string, now: number) {
    const { sql } = this.storage
    for (const holder of this.seatPlan.holdersOf(r)) this.seatPlan.free(holder, 'RELEASED', now)
    this.seatPlan.markSold(r)
    sql.exec(
      "UPDATE reservations SET state = 'PAID', payment_id = ?, paying_since = NULL WHERE id = ?",
      paymentId,
      r.id,
    )
    this.outbox.record('seat.paid', now, { ...orderFields(r), price: r.price, paymentId })
    // The token that bought the seat is finished; any other hold it had goes back on sale.
    for (const other of sql
      .exec<ReservationRow>("SELECT * FROM reservations WHERE arrival = ? AND state = 'HELD'", r.arrival)
      .toArray()) {
      this.seatPlan.free(other, 'RELEASED', now)
    }
    if (this.line.isLive(r.arrival)) this.line.end(r.arrival, 'PAID', now)
    if (!this.sellOut.happened && this.seatPlan.allSold(now)) this.sellOut.record(this.line.endAllWaiting(), now)
  }

  /** Payments in flight past the grace: their Worker is gone, so the ledger must be asked. */
  stuck(now: number): string[] {
    return stuckOrders(this.storage.sql, 'PAYING', now)
  }

  nextDeadline(): number | null {
    return inFlightDeadline(this.storage.sql, 'PAYING')
  }
}
