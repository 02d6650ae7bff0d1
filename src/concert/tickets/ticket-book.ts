import { ok, type Result } from '../../errors/catalogue'
import { ticketIdOf } from '../../tickets/ticket-ids'
import type { Outbox } from '../fan-out/outbox'
import { seatNumbersOf, type ReservationRow } from '../orders/order-book'
import {
  canMove,
  whyNotCheckIn,
  whyNotRefund,
  whyNotTransfer,
  type CodeClaims,
  type GateTicket,
  type ScannerScope,
  type TicketState,
} from './ticket-states'

type Row = {
  ticket_id: string
  reservation_id: string
  date: string
  seat_number: number
  buyer_id: string
  holder_id: string
  version: number
  state: TicketState
  checked_in_at: number | null
  order_state: string
}

const SELECT = `SELECT t.*, r.state AS order_state FROM tickets t JOIN reservations r ON r.id = t.reservation_id`

const gateTicket = (r: Row): GateTicket => ({
  ticketId: r.ticket_id,
  reservationId: r.reservation_id,
  date: r.date,
  seatNumber: r.seat_number,
  buyerId: r.buyer_id,
  holderId: r.holder_id,
  version: r.version,
  state: r.state,
  checkedInAt: r.checked_in_at,
  refunding: r.order_state === 'REFUNDING',
})

/** A check-in the gate made: the contract's answer, and what the ledger's row and the outbox need. */
export interface CheckedIn {
  ticketId: string
  date: string
  seatNumber: number
  section: string
  checkedInAt: string
  holderId: string
  version: number
}

export interface Transferred {
  ticketId: string
  toUserId: string
  version: number
  transferredAt: string
}

/**
 * The concert's tickets at the gate (table `tickets`), and the only writer of it: each sold
 * seat's ticket, its holder, version and state, changed only by the moves ticket-states.ts
 * allows. Every method is synchronous and runs inside the caller's change, so the object's
 * single thread decides between two check-ins of one ticket, or a check-in and a transfer.
 */
export class TicketBook {
  /** Tickets checked in since the concert was created, for the history's per-minute counts. */
  checkedIn = 0

  constructor(
    private readonly sql: SqlStorage,
    private readonly outbox: Outbox,
    private readonly sectionOf: (seatNumber: number) => string,
  ) {}

  load() {
    this.checkedIn = this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM tickets WHERE state = 'CHECKED_IN'")
      .one().n
  }

  /** The tickets of an order just PAID, under the ids the ledger gave them (ticket-ids.ts). Again for the same order: nothing. */
  issue(r: ReservationRow, now: number) {
    for (const seatNumber of seatNumbersOf(r))
      this.sql.exec(
        `INSERT INTO tickets (ticket_id, reservation_id, date, seat_number, buyer_id, holder_id, version, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 1, 'VALID', ?) ON CONFLICT (ticket_id) DO NOTHING`,
        ticketIdOf(r.id, seatNumber),
        r.id,
        r.date,
        seatNumber,
        r.user_id,
        r.user_id,
        now,
      )
  }

  get(ticketId: string): GateTicket | undefined {
    const row = this.sql.exec<Row>(`${SELECT} WHERE t.ticket_id = ?`, ticketId).toArray()[0]
    return row && gateTicket(row)
  }

  /** Whether an order's tickets still allow its refund: none given away, none used. */
  whyNotRefund(reservationId: string) {
    const rows = this.sql.exec<Row>(`${SELECT} WHERE t.reservation_id = ?`, reservationId).toArray()
    return whyNotRefund(rows.map(gateTicket))
  }

  /** The order was refunded: its tickets are void. Call inside the refund's transaction. */
  voidOrder(reservationId: string) {
    this.sql.exec("UPDATE tickets SET state = 'VOID' WHERE reservation_id = ? AND state = 'VALID'", reservationId)
  }

  /** The gate's decision on a code whose signature and expiry the Worker checked. */
  checkIn(code: CodeClaims, scanner: ScannerScope, now: number): Result<CheckedIn> {
    const ticket = this.get(code.tid)
    const refused = whyNotCheckIn(code, scanner, ticket)
    if (refused) return refused
    const t = ticket!
    this.move(t, 'CHECKED_IN')
    this.sql.exec(
      "UPDATE tickets SET state = 'CHECKED_IN', checked_in_at = ?, checked_in_by = ? WHERE ticket_id = ?",
      now,
      scanner.scannerId,
      t.ticketId,
    )
    this.checkedIn++
    this.outbox.record('ticket.checked_in', now, {
      userId: t.holderId,
      reservationId: t.reservationId,
      ticketId: t.ticketId,
      date: t.date,
      seatNumber: t.seatNumber,
      version: t.version,
      scannerId: scanner.scannerId,
    })
    return ok({
      ticketId: t.ticketId,
      date: t.date,
      seatNumber: t.seatNumber,
      section: this.sectionOf(t.seatNumber),
      checkedInAt: new Date(now).toISOString(),
      holderId: t.holderId,
      version: t.version,
    })
  }

  /**
   * Gives the ticket to `toUserId`: a new version (codes made before fail at the gate), the
   * new holder. `mayReceive` is the recipient's limit, counted by the caller in this same change.
   */
  transfer(
    ticketId: string,
    fromUserId: string,
    toUserId: string,
    now: number,
    mayReceive: (ticket: GateTicket) => Result<unknown>,
  ): Result<Transferred> {
    const ticket = this.get(ticketId)
    const refused = whyNotTransfer(ticket, fromUserId)
    if (refused) return refused
    const t = ticket!
    const allowed = mayReceive(t)
    if (!allowed.ok) return allowed
    this.move(t, 'VALID')
    const version = t.version + 1
    this.sql.exec(
      'UPDATE tickets SET holder_id = ?, version = ?, transferred_at = ? WHERE ticket_id = ?',
      toUserId,
      version,
      now,
      t.ticketId,
    )
    this.outbox.record('ticket.transferred', now, {
      userId: fromUserId,
      toUserId,
      reservationId: t.reservationId,
      ticketId: t.ticketId,
      date: t.date,
      seatNumber: t.seatNumber,
      version,
    })
    return ok({ ticketId: t.ticketId, toUserId, version, transferredAt: new Date(now).toISOString() })
  }

  /** Tickets a user holds that someone else bought: what they received, for `maxTicketsPerUser`. */
  received(userId: string): number {
    return this.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM tickets WHERE holder_id = ? AND buyer_id <> ? AND state <> 'VOID'",
        userId,
        userId,
      )
      .one().n
  }

  /** Every date of the concert (the seat plan's `dates`, read here): tickets sold and not refunded, and of those checked in (operators' stats). */
  countsByDate(): Array<{ date: string; tickets: number; checkedIn: number }> {
    return this.sql
      .exec<{ date: string; tickets: number; checkedIn: number }>(
        `SELECT d.date AS date, COUNT(t.ticket_id) AS tickets, COALESCE(SUM(t.state = 'CHECKED_IN'), 0) AS checkedIn
           FROM dates d LEFT JOIN tickets t ON t.date = d.date AND t.state <> 'VOID'
          GROUP BY d.date ORDER BY d.date`,
      )
      .toArray()
  }

  /** Check-ins by scanner: how many, and the last one's time (epoch ms). */
  checkInsByScanner(): Map<string, { checkIns: number; last: number }> {
    const rows = this.sql
      .exec<{ scanner: string; n: number; last: number }>(
        `SELECT checked_in_by AS scanner, COUNT(*) AS n, MAX(checked_in_at) AS last
           FROM tickets WHERE checked_in_by IS NOT NULL GROUP BY checked_in_by`,
      )
      .toArray()
    return new Map(rows.map((r) => [r.scanner, { checkIns: r.n, last: r.last }]))
  }

  /** A move the ticket's life does not allow is a bug in the caller, and throws (rolling back its transaction). */
  private move(t: GateTicket, to: TicketState) {
    if (!canMove(t.state, to)) throw new Error(`ticket ${t.ticketId}: no move from ${t.state} to ${to}`)
  }
}
