import { fail, ok, type Result } from '../errors/catalogue'
import type { DateAvailabilityView, HoldView, OrderSeatView, SectionListView } from '../schemas'
import type { QueueRow } from './queue-rows'
import type { ConcertMeta } from './meta'
import type { Outbox } from './outbox'
import { holdExpiresAt, isBookable } from './policy'
import type { ConcertSetup } from './rpc'
import type { PackedSeatMap } from './seat-map'
import { SeatCounts, type DayCounts } from './seat-counts'
import { general, lastSeatOf, layOut, priceSeats, total, type Section } from './venue'

type ReservationState = 'HELD' | 'PAYING' | 'PAID' | 'RELEASED' | 'EXPIRED' | 'REFUNDING' | 'REFUNDED'

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
  state: ReservationState
  expires_at: number
  /** Since when money has been moving for it: a payment (PAYING) or a refund (REFUNDING) in flight. */
  paying_since: number | null
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

const iso = (ms: number) => new Date(ms).toISOString()
const IN_ORDER = 'SELECT value FROM json_each(?)'

/**
 * The dates, their sections and seats, and the orders on them (tables `dates`, `sections`,
 * `seats`, `reservations`). A seat is SOLD when `sold = 1`, HELD while an order points at it,
 * AVAILABLE otherwise. Counts live in seat-counts.ts; the paying and refunding states are
 * payments.ts's and refunds.ts's.
 */
export class Seats {
  private sections: Section[] | null = null
  private readonly counts: SeatCounts

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
  ) {
    this.counts = new SeatCounts(storage.sql, () => this.venue())
  }

  /** Call inside the configuring transaction. One statement a date makes its seats. */
  create(setup: ConcertSetup) {
    const { sql } = this.storage
    const venue = setup.sections ? layOut(setup.sections) : general(setup.seatsPerDate)
    venue.forEach((s, position) => {
      if (s.price !== null)
        sql.exec(
          'INSERT INTO sections (position, name, price, first_seat, seats) VALUES (?, ?, ?, ?, ?)',
          position,
          s.name,
          s.price,
          s.firstSeat,
          s.seats,
        )
    })
    const seats = lastSeatOf(venue[venue.length - 1]!)
    for (const d of setup.dates) {
      sql.exec(
        'INSERT INTO dates (date, starts_at, price, total_seats) VALUES (?, ?, ?, ?)',
        d.date,
        d.startsAt,
        d.price ?? 0,
        seats,
      )
      sql.exec(
        'INSERT INTO seats (date, seat_number) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) SELECT ?, x FROM n',
        seats,
        d.date,
      )
    }
    this.sections = null
    this.counts.reset()
  }

  /** The sections every date has: those the operator gave, or one "General" of every seat. */
  venue(): Section[] {
    if (this.sections) return this.sections
    const rows = this.storage.sql
      .exec<{ name: string; price: number; first_seat: number; seats: number }>(
        'SELECT name, price, first_seat, seats FROM sections ORDER BY position',
      )
      .toArray()
    if (rows.length > 0)
      return (this.sections = rows.map((r) => ({
        name: r.name,
        price: r.price,
        firstSeat: r.first_seat,
        seats: r.seats,
      })))
    const seats = this.storage.sql.exec<{ n: number | null }>('SELECT MAX(total_seats) AS n FROM dates').one().n
    return seats === null ? [] : (this.sections = general(seats))
  }

  /** Dates still on sale with a seat AVAILABLE. */
  available(now: number): DateAvailabilityView[] {
    return [...this.counts.all().values()]
      .filter((d) => d.availableTotal > 0 && isBookable(d.startsAt, now))
      .map((d) => ({ date: d.date, startsAt: d.startsAtIso, availableSeats: d.availableTotal, totalSeats: d.total }))
  }

  /** Seats AVAILABLE over the dates still on sale: told in every status. */
  left(now: number): number {
    let left = 0
    for (const day of this.counts.all().values()) if (isBookable(day.startsAt, now)) left += day.availableTotal
    return left
  }

  /** Every seat of every date still on sale is SOLD: none AVAILABLE, HELD or being paid for. */
  allSold(now: number): boolean {
    const onSale = [...this.counts.all().values()].filter((d) => isBookable(d.startsAt, now))
    return onSale.length > 0 && onSale.every((d) => d.sold === d.total)
  }

  /** Seats sold over all dates. */
  get sold(): number {
    let sold = 0
    for (const day of this.counts.all().values()) sold += day.sold
    return sold
  }

  /** The seats of a date, or of one of its sections: a range of the seats' key, so a section costs its own size only. */
  map(date: string, sectionName?: string): Result<PackedSeatMap> {
    const day = this.counts.get(date)
    if (!day) return dateNotFound(date)
    const venue = this.venue()
    const shown = sectionName === undefined ? venue : venue.filter((s) => s.name === sectionName)
    if (shown.length === 0) return fail('SECTION_NOT_FOUND', `This concert has no section named ${sectionName}`)
    const states = this.storage.sql.exec<{ state: string }>(
      "SELECT CASE WHEN sold THEN 'S' WHEN reservation_id IS NOT NULL THEN 'H' ELSE 'A' END AS state FROM seats WHERE date = ? AND seat_number BETWEEN ? AND ? ORDER BY seat_number",
      date,
      shown[0]!.firstSeat,
      lastSeatOf(shown[shown.length - 1]!),
    )
    // Sections are consecutive ranges of seats: each one's states start at its first seat.
    const all = Array.from(states, (row) => row.state).join('')
    const from = (section: Section) => section.firstSeat - shown[0]!.firstSeat
    const sections = shown.map((s) => ({
      name: s.name,
      price: s.price ?? day.price,
      firstSeat: s.firstSeat,
      states: all.slice(from(s), from(s) + s.seats),
    }))
    return ok({ concertId: this.meta.id!, date, sections })
  }

  /** Each section's price and seats, from the counts. */
  sectionsOn(date: string): Result<SectionListView> {
    const day = this.counts.get(date)
    if (!day) return dateNotFound(date)
    return ok({
      sections: this.venue().map((s, i) => ({
        name: s.name,
        price: s.price ?? day.price,
        totalSeats: s.seats,
        availableSeats: day.available[i]!,
      })),
    })
  }

  holdCounts() {
    const holds = this.storage.sql
      .exec<{ n: number }>(
        "SELECT COALESCE(SUM(json_array_length(seat_numbers)), 0) AS n FROM reservations WHERE state IN ('HELD', 'PAYING')",
      )
      .one().n
    return { holds, sold: this.sold }
  }

  /** Whether this ACTIVE entry may hold these seats now, all of them: the order's seats and prices, or why not. */
  holdable(entry: QueueRow, date: string, seatNumbers: number[], now: number): Result<OrderSeatView[]> {
    const day = this.counts.get(date)
    if (!day) return dateNotFound(date)
    if (!isBookable(day.startsAt, now)) return fail('SEAT_UNAVAILABLE', `The show on ${date} has already started`)
    const missing = seatNumbers.filter((n) => n > day.total)
    if (missing.length > 0)
      return fail('SEAT_NOT_FOUND', `The show on ${date} has seats 1 to ${day.total}; not ${missing.join(', ')}`)
    const { maxSeatsPerOrder, maxHoldsPerUser, maxTicketsPerUser } = this.meta.policy
    if (seatNumbers.length > maxSeatsPerOrder)
      return fail('VALIDATION_FAILED', `seatNumbers: at most ${maxSeatsPerOrder} seats in one order`)
    const taken = this.storage.sql
      .exec<{ seat_number: number }>(
        `SELECT seat_number FROM seats WHERE date = ? AND seat_number IN (${IN_ORDER}) AND (sold = 1 OR reservation_id IS NOT NULL)`,
        date,
        JSON.stringify(seatNumbers),
      )
      .toArray()
    if (taken.length > 0)
      return fail('SEAT_UNAVAILABLE', `${seatList(taken.map((t) => t.seat_number))} on ${date} already taken`)
    const mine = this.storage.sql
      .exec<{ holds: number; tickets: number | null }>(
        `SELECT SUM(state IN ('HELD', 'PAYING')) AS holds, SUM(json_array_length(seat_numbers)) AS tickets
           FROM reservations WHERE user_id = ? AND state IN ('HELD', 'PAYING', 'PAID', 'REFUNDING')`,
        entry.user_id,
      )
      .one()
    if ((mine.holds ?? 0) >= maxHoldsPerUser)
      return fail('HOLD_LIMIT_REACHED', `You may hold at most ${maxHoldsPerUser} order(s) at once`)
    const tickets = mine.tickets ?? 0
    if (tickets + seatNumbers.length > maxTicketsPerUser) {
      return fail(
        'TICKET_LIMIT_REACHED',
        `You may have at most ${maxTicketsPerUser} ticket(s) for this concert; you have ${tickets} held or bought`,
      )
    }
    return ok(priceSeats(this.venue(), seatNumbers, day.price))
  }

  /** Holds the seats that `holdable` allowed in this same change, together. */
  hold(entry: QueueRow, date: string, seats: OrderSeatView[], now: number): HoldView {
    const reservationId = crypto.randomUUID()
    const expiresAt = holdExpiresAt(now, this.meta.policy, entry.active_until!)
    const seatNumbers = seats.map((s) => s.seatNumber)
    const price = total(seats)
    this.storage.transactionSync(() => {
      this.storage.sql.exec(
        `INSERT INTO reservations (id, date, seat_number, seat_numbers, user_id, arrival, price, state, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'HELD', ?, ?)`,
        reservationId,
        date,
        seatNumbers[0],
        JSON.stringify(seatNumbers),
        entry.user_id,
        entry.arrival,
        price,
        expiresAt,
        now,
      )
      this.storage.sql.exec(
        `UPDATE seats SET reservation_id = ? WHERE date = ? AND seat_number IN (${IN_ORDER})`,
        reservationId,
        date,
        JSON.stringify(seatNumbers),
      )
      this.counts.changed(date, seatNumbers, -1, 0)
      this.outbox.record('seat.held', now, {
        userId: entry.user_id,
        arrival: entry.arrival,
        reservationId,
        date,
        seatNumber: seatNumbers[0],
        seatNumbers,
        price,
        expiresAt: iso(expiresAt),
      })
    })
    return {
      reservationId,
      concertId: this.meta.id!,
      date,
      seatNumber: seatNumbers[0]!,
      seatNumbers,
      seats,
      price,
      status: 'HELD',
      expiresAt: iso(expiresAt),
    }
  }

  reservation(id: string): ReservationRow | undefined {
    return this.storage.sql.exec<ReservationRow>('SELECT * FROM reservations WHERE id = ?', id).toArray()[0]
  }

  /** The user's own order, or why not. */
  owned(userId: string, reservationId: string): Result<ReservationRow> {
    const reservation = this.reservation(reservationId)
    if (!reservation) return fail('RESERVATION_NOT_FOUND')
    if (reservation.user_id !== userId) return fail('NOT_YOUR_RESERVATION')
    return ok(reservation)
  }

  /** When the show of a date starts. */
  day(date: string): DayCounts | undefined {
    return this.counts.get(date)
  }

  release(reservation: ReservationRow, now: number): Result<{ date: string }> {
    if (reservation.state === 'PAYING') return fail('PAYMENT_IN_PROGRESS')
    if (reservation.state !== 'HELD') return gone(reservation)
    this.storage.transactionSync(() => this.free(reservation, 'RELEASED', now))
    return ok({ date: reservation.date })
  }

  /** The order's seats go back on sale. Call inside a transaction. */
  free(r: ReservationRow, state: 'RELEASED' | 'EXPIRED', now: number) {
    this.storage.sql.exec('UPDATE reservations SET state = ?, paying_since = NULL WHERE id = ?', state, r.id)
    const freed = this.storage.sql
      .exec<{ seat_number: number }>(
        `UPDATE seats SET reservation_id = NULL WHERE date = ? AND seat_number IN (${IN_ORDER}) AND reservation_id = ? AND sold = 0 RETURNING seat_number`,
        r.date,
        r.seat_numbers,
        r.id,
      )
      .toArray()
    this.counts.changed(
      r.date,
      freed.map((f) => f.seat_number),
      1,
      0,
    )
    this.outbox.record(state === 'RELEASED' ? 'seat.released' : 'seat.expired', now, orderFields(r))
  }

  /** Other orders holding any of this order's seats (a late payment wins over them). */
  holdersOf(r: ReservationRow): ReservationRow[] {
    return this.storage.sql
      .exec<ReservationRow>(
        `SELECT DISTINCT r.* FROM seats s JOIN reservations r ON r.id = s.reservation_id WHERE s.date = ? AND s.seat_number IN (${IN_ORDER}) AND s.sold = 0 AND r.id != ?`,
        r.date,
        r.seat_numbers,
        r.id,
      )
      .toArray()
  }

  /** The order's seats are SOLD to it (payments.ts decides when). Call inside a transaction, after its seats' other holders are freed. */
  markSold(r: ReservationRow) {
    const { sql } = this.storage
    // Seats its hold lost when it expired under a late payment were AVAILABLE until now.
    const wereAvailable = sql
      .exec<{ seat_number: number }>(
        `SELECT seat_number FROM seats WHERE date = ? AND seat_number IN (${IN_ORDER}) AND sold = 0 AND reservation_id IS NULL`,
        r.date,
        r.seat_numbers,
      )
      .toArray()
    sql.exec(
      `UPDATE seats SET sold = 1, reservation_id = ? WHERE date = ? AND seat_number IN (${IN_ORDER})`,
      r.id,
      r.date,
      r.seat_numbers,
    )
    this.counts.changed(
      r.date,
      wereAvailable.map((s) => s.seat_number),
      -1,
      0,
    )
    this.counts.changed(r.date, seatNumbersOf(r), 0, 1)
  }

  /** A refunded order's seats are AVAILABLE again. Call inside a transaction. */
  unsell(r: ReservationRow) {
    const freed = this.storage.sql
      .exec<{ seat_number: number }>(
        `UPDATE seats SET sold = 0, reservation_id = NULL WHERE date = ? AND seat_number IN (${IN_ORDER}) AND reservation_id = ? AND sold = 1 RETURNING seat_number`,
        r.date,
        r.seat_numbers,
        r.id,
      )
      .toArray()
      .map((f) => f.seat_number)
    this.counts.changed(r.date, freed, 1, -1)
  }

  /** Holds whose time has passed. Call inside a transaction. */
  expireHolds(now: number) {
    for (const r of this.storage.sql
      .exec<ReservationRow>("SELECT * FROM reservations WHERE state = 'HELD' AND expires_at <= ?", now)
      .toArray()) {
      this.free(r, 'EXPIRED', now)
    }
  }

  nextDeadline(): number | null {
    return this.storage.sql
      .exec<{ m: number | null }>("SELECT MIN(expires_at) AS m FROM reservations WHERE state = 'HELD'")
      .one().m
  }
}

const dateNotFound = (date: string) => fail('DATE_NOT_FOUND', `This concert has no show on ${date}`)
const seatList = (seats: number[]) => (seats.length === 1 ? `Seat ${seats[0]} is` : `Seats ${seats.join(', ')} are`)

/** Why an order that is no longer held cannot be released or paid. */
export const gone = (r: ReservationRow) =>
  r.state === 'PAID' || r.state === 'REFUNDING' || r.state === 'REFUNDED'
    ? fail('ALREADY_PAID')
    : fail('RESERVATION_EXPIRED', r.state === 'RELEASED' ? 'This reservation was released' : undefined)
