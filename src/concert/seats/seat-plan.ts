import { fail, ok, type Result } from '../../errors/catalogue'
import type { DateAvailabilityView, HoldView, OrderSeatView, SectionListView } from '../../schemas'
import type { QueueRow } from '../line/queue-rows'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import { holdExpiresAt, isBookable } from '../../shared/policy'
import type { ConcertSetup } from '../../shared/rpc'
import type { PackedSeatMap } from '../../shared/seat-map'
import { SeatCounts, sectionsOfDay, type DayCounts } from './seat-counts'
import { lastSeatOf, priceSeats, total, type Section } from '../../shared/venue'
import { VenueRows } from './venue-rows'
import { orderFields, seatNumbersOf, type OrderBook, type ReservationRow } from '../orders/order-book'
import { whyNotHeld } from '../orders/order-states'

const iso = (ms: number) => new Date(ms).toISOString()
const IN_ORDER = 'SELECT value FROM json_each(?)'

/**
 * The dates, their sections and seats (tables `dates`, `sections`, `seats`), and the holds of
 * orders on them. A seat is SOLD when `sold = 1`, HELD while an order points at it,
 * AVAILABLE otherwise. Counts live in seat-counts.ts; the orders' states are the order book's
 * (orders/order-book.ts), which the seat plan asks to move an order as its seats change.
 */
export class SeatPlan {
  private readonly venueRows: VenueRows
  private readonly counts: SeatCounts

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
    private readonly orders: OrderBook,
    /** Seats of a date became AVAILABLE (the waitlist offers them before the change ends: waitlist/waitlist.ts). */
    private readonly freed: (date: string, seatNumbers: number[]) => void = () => {},
  ) {
    this.venueRows = new VenueRows(storage.sql)
    this.counts = new SeatCounts(storage.sql, () => this.venue())
  }

  /** Call inside the configuring transaction. */
  create(setup: ConcertSetup) {
    this.venueRows.create(setup)
    this.counts.reset()
  }

  /** The sections every date has: those the operator gave, or one "General" of every seat. */
  venue(): Section[] {
    return this.venueRows.venue()
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
    // Sections are consecutive ranges of seats: each one's states start at its first seat.
    const all = this.venueRows.states(date, shown[0]!.firstSeat, lastSeatOf(shown[shown.length - 1]!))
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
    return ok({ sections: sectionsOfDay(this.venue(), day) })
  }

  holdCounts() {
    return { holds: this.orders.seatsHeld(), sold: this.sold }
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
    const { holds, tickets } = this.orders.userTotals(entry.user_id)
    if (holds >= maxHoldsPerUser)
      return fail('HOLD_LIMIT_REACHED', `You may hold at most ${maxHoldsPerUser} order(s) at once`)
    if (tickets + seatNumbers.length > maxTicketsPerUser) {
      return fail(
        'TICKET_LIMIT_REACHED',
        `You may have at most ${maxTicketsPerUser} ticket(s) for this concert; you have ${tickets} held, bought or received`,
      )
    }
    return ok(priceSeats(this.venue(), seatNumbers, day.price))
  }

  /** Holds the seats that `holdable` allowed in this same change, together. */
  hold(entry: QueueRow, date: string, seats: OrderSeatView[], now: number): HoldView {
    const expiresAt = holdExpiresAt(now, this.meta.policy, entry.active_until!)
    return this.holdFor(
      { id: crypto.randomUUID(), userId: entry.user_id, arrival: entry.arrival },
      date,
      seats,
      expiresAt,
      now,
    )
  }

  /** Holds free seats for an order of this holder (a place in line, or a waitlist offer) until `expiresAt`. */
  holdFor(
    holder: { id: string; userId: string; arrival: number },
    date: string,
    seats: OrderSeatView[],
    expiresAt: number,
    now: number,
  ): HoldView {
    const { id: reservationId, userId, arrival } = holder
    const seatNumbers = seats.map((s) => s.seatNumber)
    const price = total(seats)
    this.storage.transactionSync(() => {
      this.orders.create({ id: reservationId, date, seatNumbers, userId, arrival, price, expiresAt }, now)
      this.storage.sql.exec(
        `UPDATE seats SET reservation_id = ? WHERE date = ? AND seat_number IN (${IN_ORDER})`,
        reservationId,
        date,
        JSON.stringify(seatNumbers),
      )
      this.counts.changed(date, seatNumbers, -1, 0)
      this.outbox.record('seat.held', now, {
        userId,
        arrival,
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

  /** The section of each of these seats, in their order. */
  sectionsOf(seatNumbers: readonly number[]): string[] {
    return priceSeats(this.venue(), seatNumbers, 0).map((s) => s.section)
  }

  day(date: string): DayCounts | undefined {
    return this.counts.get(date)
  }

  /** Every date's counts, in date order. */
  days(): Iterable<DayCounts> {
    return this.counts.all().values()
  }

  release(reservation: ReservationRow, now: number): Result<{ date: string }> {
    if (reservation.state === 'PAYING') return fail('PAYMENT_IN_PROGRESS')
    if (reservation.state !== 'HELD') return whyNotHeld(reservation.state)
    this.storage.transactionSync(() => this.free(reservation, 'RELEASED', now))
    return ok({ date: reservation.date })
  }

  /** The order's seats go back on sale. Call inside a transaction. */
  free(r: ReservationRow, state: 'RELEASED' | 'EXPIRED', now: number) {
    this.orders.move(r, state, now)
    const freed = this.storage.sql
      .exec<{ seat_number: number }>(
        `UPDATE seats SET reservation_id = NULL WHERE date = ? AND seat_number IN (${IN_ORDER}) AND reservation_id = ? AND sold = 0 RETURNING seat_number`,
        r.date,
        r.seat_numbers,
        r.id,
      )
      .toArray()
    const seatNumbers = freed.map((f) => f.seat_number)
    this.counts.changed(r.date, seatNumbers, 1, 0)
    this.outbox.record(state === 'RELEASED' ? 'seat.released' : 'seat.expired', now, orderFields(r))
    if (seatNumbers.length > 0) this.freed(r.date, seatNumbers)
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
    if (freed.length > 0) this.freed(r.date, freed)
  }

  /** Up to `limit` AVAILABLE seats of a date between two seat numbers, lowest first. */
  freeSeats(date: string, from: number, to: number, limit: number): number[] {
    return this.venueRows.freeSeats(date, from, to, limit)
  }

  /** Holds whose time has passed. Call inside a transaction. */
  expireHolds(now: number) {
    for (const r of this.orders.expiredHolds(now)) this.free(r, 'EXPIRED', now)
  }

  nextDeadline(): number | null {
    return this.orders.nextHoldExpiry()
  }
}

const dateNotFound = (date: string) => fail('DATE_NOT_FOUND', `This concert has no show on ${date}`)
const seatList = (seats: number[]) => (seats.length === 1 ? `Seat ${seats[0]} is` : `Seats ${seats.join(', ')} are`)
