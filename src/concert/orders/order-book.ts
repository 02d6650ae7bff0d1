import { fail, ok, type Result } from '../../errors/catalogue'
import { PAYMENT_GRACE_MS } from '../../shared/policy'
import { canMove, COUNTED, HOLDING, sqlStates, type InFlight, type OrderState } from './order-states'

/** An order of one or several seats of one date: held, paid for, refunded as one. */
export type ReservationRow = {
  id: string
  date: string
  /** The first of `seat_numbers`. */
  seat_number: number
  /** JSON array, in the order the buyer gave them. */
  seat_numbers: string
  user_id: string
  arrival: number
  /** The order's total. */
  price: number
  state: OrderState
  expires_at: number
  /** Since when a payment has been in flight (PAYING). */
  paying_since: number | null
  /** Since when a refund has been in flight (REFUNDING). */
  refunding_since: number | null
  payment_id: string | null
  refund_id: string | null
}

export const seatNumbersOf = (r: ReservationRow): number[] => JSON.parse(r.seat_numbers) as number[]

/** What every event of an order says of it. */
export const orderFields = (r: ReservationRow) => ({
  userId: r.user_id,
  arrival: r.arrival,
  reservationId: r.id,
  date: r.date,
  seatNumber: r.seat_number,
  seatNumbers: seatNumbersOf(r),
})

export interface NewOrder {
  id: string
  date: string
  seatNumbers: number[]
  userId: string
  arrival: number
  price: number
  expiresAt: number
}

/** What a move sets besides the state: the ledger's id when money has moved. */
export type MoveDetail = { paymentId: string } | { refundId: string } | Record<string, never>

const IN_FLIGHT_SINCE: Record<InFlight, 'paying_since' | 'refunding_since'> = {
  PAYING: 'paying_since',
  REFUNDING: 'refunding_since',
}

/**
 * The orders of a concert (table `reservations`), and the only writer of it: every change of
 * an order's state is a `move` that order-states.ts allows. Seats are the seat plan's
 * (seats/seat-plan.ts); money is the ledger's, which payments.ts and refunds.ts settle with.
 */
export class OrderBook {
  constructor(
    private readonly sql: SqlStorage,
    /**
     * What else counts like seats bought: tickets the user holds that someone else bought
     * (tickets/ticket-book.ts), seats the user asks for on the waitlist (waitlist/waitlist-book.ts).
     */
    private readonly countedElsewhere: (userId: string) => number = () => 0,
    /** Told of every move, in its transaction: a waitlist offer's entry follows its order (waitlist/waitlist.ts). */
    private readonly moved: (r: ReservationRow, to: OrderState, now: number, detail: MoveDetail) => void = () => {},
  ) {}

  /** A new order, HELD until `expiresAt`. Call inside the hold's transaction. */
  create(order: NewOrder, now: number) {
    this.sql.exec(
      `INSERT INTO reservations (id, date, seat_number, seat_numbers, user_id, arrival, price, state, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'HELD', ?, ?)`,
      order.id,
      order.date,
      order.seatNumbers[0],
      JSON.stringify(order.seatNumbers),
      order.userId,
      order.arrival,
      order.price,
      order.expiresAt,
      now,
    )
  }

  /**
   * Moves an order to `to`: PAYING and REFUNDING start their clock of money in flight, PAID and
   * REFUNDED record the ledger's id, every other state stops the clocks. A move the order's life
   * does not allow is a bug in the caller, and throws (rolling back its transaction).
   */
  move(r: ReservationRow, to: OrderState, now: number, detail: MoveDetail = {}) {
    if (!canMove(r.state, to)) throw new Error(`order ${r.id}: no move from ${r.state} to ${to}`)
    this.sql.exec(
      `UPDATE reservations SET state = ?, paying_since = ?, refunding_since = ?,
         payment_id = COALESCE(?, payment_id), refund_id = COALESCE(?, refund_id) WHERE id = ?`,
      to,
      to === 'PAYING' ? now : null,
      to === 'REFUNDING' ? now : null,
      'paymentId' in detail ? detail.paymentId : null,
      'refundId' in detail ? detail.refundId : null,
      r.id,
    )
    r.state = to
    this.moved(r, to, now, detail)
  }

  get(id: string): ReservationRow | undefined {
    return this.sql.exec<ReservationRow>('SELECT * FROM reservations WHERE id = ?', id).toArray()[0]
  }

  /** The user's own order, or why not. */
  owned(userId: string, reservationId: string): Result<ReservationRow> {
    const reservation = this.get(reservationId)
    if (!reservation) return fail('RESERVATION_NOT_FOUND')
    if (reservation.user_id !== userId) return fail('NOT_YOUR_RESERVATION')
    return ok(reservation)
  }

  /** Seats held now over all orders, payments in flight included. */
  seatsHeld(): number {
    return this.sql
      .exec<{ n: number }>(
        `SELECT COALESCE(SUM(json_array_length(seat_numbers)), 0) AS n FROM reservations WHERE state IN (${sqlStates(HOLDING)})`,
      )
      .one().n
  }

  /** A user's orders held now, and seats held or bought (given away or not) plus tickets received and seats asked on the waitlist: what the per-user limits count. */
  userTotals(userId: string): { holds: number; tickets: number } {
    const mine = this.sql
      .exec<{ holds: number | null; tickets: number | null }>(
        `SELECT SUM(state IN (${sqlStates(HOLDING)})) AS holds, SUM(json_array_length(seat_numbers)) AS tickets
           FROM reservations WHERE user_id = ? AND state IN (${sqlStates(COUNTED)})`,
        userId,
      )
      .one()
    return { holds: mine.holds ?? 0, tickets: (mine.tickets ?? 0) + this.countedElsewhere(userId) }
  }

  /** Orders HELD by one place in line (a payment ends the place's other holds). */
  heldBy(arrival: number): ReservationRow[] {
    return this.sql
      .exec<ReservationRow>("SELECT * FROM reservations WHERE arrival = ? AND state = 'HELD'", arrival)
      .toArray()
  }

  /** HELD orders whose time has passed. */
  expiredHolds(now: number): ReservationRow[] {
    return this.sql
      .exec<ReservationRow>("SELECT * FROM reservations WHERE state = 'HELD' AND expires_at <= ?", now)
      .toArray()
  }

  /** When the next hold expires. */
  nextHoldExpiry(): number | null {
    return this.sql
      .exec<{ m: number | null }>("SELECT MIN(expires_at) AS m FROM reservations WHERE state = 'HELD'")
      .one().m
  }

  /** Orders whose money has been in flight longer than the grace: their Worker is gone, so the ledger must be asked. */
  stuck(state: InFlight, now: number): string[] {
    return this.sql
      .exec<{ id: string }>(
        `SELECT id FROM reservations WHERE state = ? AND ${IN_FLIGHT_SINCE[state]} <= ?`,
        state,
        now - PAYMENT_GRACE_MS,
      )
      .toArray()
      .map((r) => r.id)
  }

  /** When the oldest order in flight in this state is due to be asked about. */
  inFlightDeadline(state: InFlight): number | null {
    const since = this.sql
      .exec<{ m: number | null }>(`SELECT MIN(${IN_FLIGHT_SINCE[state]}) AS m FROM reservations WHERE state = ?`, state)
      .one().m
    return since === null ? null : since + PAYMENT_GRACE_MS
  }
}
