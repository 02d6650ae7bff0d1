import { fail, ok, type Result } from '../errors/catalogue'
import type { DateAvailabilityView, HoldView, SeatMapView, SeatStatus } from '../schemas'
import type { QueueRow } from './line'
import type { ConcertMeta } from './meta'
import type { Outbox } from './outbox'
import { holdExpiresAt, isBookable } from './policy'
import type { ConcertSetup } from './rpc'

type DateRow = { starts_at: string; price: number; total_seats: number }

export type ReservationRow = {
  id: string
  date: string
  seat_number: number
  user_id: string
  arrival: number
  price: number
  state: 'HELD' | 'PAYING' | 'PAID' | 'RELEASED' | 'EXPIRED'
  expires_at: number
  paying_since: number | null
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The dates, their seats and the holds on them (tables `dates`, `seats`, `reservations`). A
 * seat is SOLD when `sold = 1`, HELD while a reservation points at it, AVAILABLE otherwise.
 * The paying and paid states of a reservation are payments.ts's.
 */
export class Seats {
  /** AVAILABLE seats by date, as last counted; a date's count is null once one of its seats changed. */
  private availableByDate: Map<string, { startsAt: number; available: number | null }> | null = null
  private soldCount: number | null = null

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
  ) {}

  /** Call inside the configuring transaction. */
  create(setup: ConcertSetup) {
    this.availableByDate = null
    for (const d of setup.dates) {
      this.storage.sql.exec('INSERT INTO dates (date, starts_at, price, total_seats) VALUES (?, ?, ?, ?)', d.date, d.startsAt, d.price, setup.seatsPerDate)
      for (let seat = 1; seat <= setup.seatsPerDate; seat++) {
        this.storage.sql.exec('INSERT INTO seats (date, seat_number) VALUES (?, ?)', d.date, seat)
      }
    }
  }

  /** Dates still on sale with a seat AVAILABLE. */
  available(now: number): DateAvailabilityView[] {
    return this.countByDate()
      .filter((r) => r.available > 0 && isBookable(r.starts_at, now))
      .map((r) => ({ date: r.date, startsAt: r.starts_at, availableSeats: r.available, totalSeats: r.total_seats }))
  }

  /** Seats AVAILABLE over the dates still on sale: told in every status, so counted again only after a seat changed. */
  left(now: number): number {
    this.availableByDate ??= new Map(this.countByDate().map((r) => [r.date, { startsAt: Date.parse(r.starts_at), available: r.available }]))
    let left = 0
    for (const [date, day] of this.availableByDate) {
      if (day.startsAt <= now) continue
      day.available ??= this.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM seats WHERE date = ? AND sold = 0 AND reservation_id IS NULL', date).one().n
      left += day.available
    }
    return left
  }

  /** Every seat of every date still on sale is SOLD: none AVAILABLE, HELD or being paid for. */
  allSold(now: number): boolean {
    if (this.left(now) > 0) return false
    const onSale = [...this.availableByDate!].filter(([, day]) => day.startsAt > now).map(([date]) => date)
    if (onSale.length === 0) return false
    return this.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM seats WHERE sold = 0 AND date IN (SELECT value FROM json_each(?))', JSON.stringify(onSale)).one().n === 0
  }

  private seatChanged(date: string) {
    const day = this.availableByDate?.get(date)
    if (day) day.available = null
  }

  private countByDate() {
    return this.storage.sql
      .exec<{ date: string; starts_at: string; total_seats: number; available: number }>(
        `SELECT d.date, d.starts_at, d.total_seats,
                SUM(s.sold = 0 AND s.reservation_id IS NULL) AS available
           FROM dates d JOIN seats s ON s.date = d.date
          GROUP BY d.date ORDER BY d.date`,
      )
      .toArray()
  }

  /** The reservation's seat is SOLD to it (payments.ts decides when). Call inside a transaction. */
  markSold(r: ReservationRow) {
    this.storage.sql.exec('UPDATE seats SET sold = 1, reservation_id = ? WHERE date = ? AND seat_number = ?', r.id, r.date, r.seat_number)
    this.seatChanged(r.date)
    this.soldCount = this.sold + 1
  }

  /** Seats sold, counted once and then kept. */
  get sold(): number {
    return (this.soldCount ??= this.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM seats WHERE sold = 1').one().n)
  }

  map(date: string): Result<SeatMapView> {
    const day = this.dateRow(date)
    if (!day) return dateNotFound(date)
    const seats = this.storage.sql
      .exec<{ seat_number: number; sold: number; reservation_id: string | null }>('SELECT seat_number, sold, reservation_id FROM seats WHERE date = ? ORDER BY seat_number', date)
      .toArray()
      .map((s) => ({
        seatNumber: s.seat_number,
        status: (s.sold ? 'SOLD' : s.reservation_id ? 'HELD' : 'AVAILABLE') as SeatStatus,
        price: day.price,
      }))
    return ok({ concertId: this.meta.id!, date, seats })
  }

  counts() {
    const holds = this.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM reservations WHERE state IN ('HELD', 'PAYING')").one().n
    return { holds, sold: this.sold }
  }

  /** Whether this ACTIVE entry may hold this seat now: the date the hold needs, or why not. */
  holdable(entry: QueueRow, date: string, seatNumber: number, now: number): Result<DateRow> {
    const day = this.dateRow(date)
    if (!day) return dateNotFound(date)
    if (!isBookable(day.starts_at, now)) return fail('SEAT_UNAVAILABLE', `The show on ${date} has already started`)
    if (seatNumber > day.total_seats) return fail('SEAT_NOT_FOUND', `The show on ${date} has seats 1 to ${day.total_seats}`)
    const seat = this.storage.sql.exec<{ sold: number; reservation_id: string | null }>('SELECT sold, reservation_id FROM seats WHERE date = ? AND seat_number = ?', date, seatNumber).one()
    if (seat.sold || seat.reservation_id) return fail('SEAT_UNAVAILABLE', `Seat ${seatNumber} on ${date} is already taken`)
    const held = this.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM reservations WHERE user_id = ? AND state IN ('HELD', 'PAYING')", entry.user_id).one().n
    const { maxHoldsPerUser } = this.meta.policy
    if (held >= maxHoldsPerUser) return fail('HOLD_LIMIT_REACHED', `You may hold at most ${maxHoldsPerUser} seat(s) at once`)
    return ok(day)
  }

  /** Holds a seat that `holdable` allowed in this same change. */
  hold(entry: QueueRow, day: DateRow, date: string, seatNumber: number, now: number): HoldView {
    const reservationId = crypto.randomUUID()
    const expiresAt = holdExpiresAt(now, this.meta.policy, entry.active_until!)
    this.storage.transactionSync(() => {
      this.storage.sql.exec(
        `INSERT INTO reservations (id, date, seat_number, user_id, arrival, price, state, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'HELD', ?, ?)`,
        reservationId,
        date,
        seatNumber,
        entry.user_id,
        entry.arrival,
        day.price,
        expiresAt,
        now,
      )
      this.storage.sql.exec('UPDATE seats SET reservation_id = ? WHERE date = ? AND seat_number = ?', reservationId, date, seatNumber)
      this.seatChanged(date)
      this.outbox.record('seat.held', now, { userId: entry.user_id, arrival: entry.arrival, reservationId, date, seatNumber, price: day.price, expiresAt: iso(expiresAt) })
    })
    return { reservationId, concertId: this.meta.id!, date, seatNumber, price: day.price, status: 'HELD', expiresAt: iso(expiresAt) }
  }

  reservation(id: string): ReservationRow | undefined {
    return this.storage.sql.exec<ReservationRow>('SELECT * FROM reservations WHERE id = ?', id).toArray()[0]
  }

  /** The entry's own reservation, or why not. */
  owned(entry: QueueRow, reservationId: string): Result<ReservationRow> {
    const reservation = this.reservation(reservationId)
    if (!reservation) return fail('RESERVATION_NOT_FOUND')
    if (reservation.user_id !== entry.user_id) return fail('NOT_YOUR_RESERVATION')
    return ok(reservation)
  }

  release(reservation: ReservationRow, now: number): Result<{ date: string }> {
    if (reservation.state === 'PAYING') return fail('PAYMENT_IN_PROGRESS')
    if (reservation.state !== 'HELD') return gone(reservation)
    this.storage.transactionSync(() => this.free(reservation, 'RELEASED', now))
    return ok({ date: reservation.date })
  }

  /** The seat goes back on sale. Call inside a transaction. */
  free(r: ReservationRow, state: 'RELEASED' | 'EXPIRED', now: number) {
    this.storage.sql.exec('UPDATE reservations SET state = ?, paying_since = NULL WHERE id = ?', state, r.id)
    this.storage.sql.exec('UPDATE seats SET reservation_id = NULL WHERE date = ? AND seat_number = ? AND reservation_id = ?', r.date, r.seat_number, r.id)
    this.seatChanged(r.date)
    this.outbox.record(state === 'RELEASED' ? 'seat.released' : 'seat.expired', now, {
      userId: r.user_id,
      arrival: r.arrival,
      reservationId: r.id,
      date: r.date,
      seatNumber: r.seat_number,
    })
  }

  /** Holds whose time has passed. Call inside a transaction. */
  expireHolds(now: number) {
    for (const r of this.storage.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE state = 'HELD' AND expires_at <= ?", now).toArray()) {
      this.free(r, 'EXPIRED', now)
    }
  }

  nextDeadline(): number | null {
    return this.storage.sql.exec<{ m: number | null }>("SELECT MIN(expires_at) AS m FROM reservations WHERE state = 'HELD'").one().m
  }

  private dateRow(date: string): DateRow | undefined {
    return this.storage.sql.exec<DateRow>('SELECT starts_at, price, total_seats FROM dates WHERE date = ?', date).toArray()[0]
  }
}

const dateNotFound = (date: string) => fail('DATE_NOT_FOUND', `This concert has no show on ${date}`)

/** Why a reservation that is no longer held cannot be released or paid. */
export const gone = (r: ReservationRow) => (r.state === 'PAID' ? fail('ALREADY_PAID') : fail('RESERVATION_EXPIRED', r.state === 'RELEASED' ? 'This reservation was released' : undefined))
