import { fail, ok, type Result } from '../../errors/catalogue'
import type { WaitlistEntryView, WaitlistStatsView } from '../../schemas'
import type { WaitlistNews } from '../../shared/rpc'
import { isBookable } from '../../shared/policy'
import { lastSeatOf, priceSeats } from '../../shared/venue'
import type { Outbox } from '../fan-out/outbox'
import type { MoveDetail, OrderBook, ReservationRow } from '../orders/order-book'
import type { OrderState } from '../orders/order-states'
import type { ConcertMeta } from '../runtime/meta'
import type { SeatPlan } from '../seats/seat-plan'
import { canMove, entryAfterOrder, whyNotLeave, type EntryState } from './entry-states'
import { ANY_SECTION, firstToOffer, offerExpiresAt, queuesThatFit } from './offer-order'
import type { EntryMoveDetail, EntryRow, NewEntry, WaitlistBook } from './waitlist-book'

const iso = (ms: number) => new Date(ms).toISOString()

/** A join as the Worker sends it: the ids are the Worker's, so D1 can name the entry and find its offer's concert. */
export type WaitlistJoin = Omit<NewEntry, 'section'> & { section?: string }
export type WaitlistJoined = { created: boolean; entry: WaitlistEntryView }

/**
 * The waitlist for returned seats, the concert object's side (the Worker's: src/waitlist/).
 * Seats that become AVAILABLE on a date with WAITING entries are offered in the same change
 * that freed them: the seat plan tells `seatsFreed`, and every change that frees seats calls
 * `offerFreed` before it ends (and before the line admits anyone), so nobody else can hold
 * them in between. An offer is an ordinary order of the object (orders/order-book.ts), HELD
 * for the entry's user under arrival -seq (no place in line), which the order book reports
 * back as it moves (`orderMoved`): paid, expired or released, the entry follows.
 */
export class Waitlist {
  /** Dates and sections whose seats came free in this change, not yet offered. */
  private pending = new Map<string, Set<string>>()
  /**
   * Entries that moved since the last push (by seq), while any relay listens: the object pushes
   * them with the line's next change (takeNews). Only ids are kept, read afresh at the push, so
   * a change rolled back pushes the entry as it is, never a state that was not stored.
   */
  private moved = new Set<number>()

  constructor(
    private readonly meta: ConcertMeta,
    private readonly seatPlan: SeatPlan,
    private readonly orders: OrderBook,
    private readonly outbox: Outbox,
    readonly book: WaitlistBook,
    /** Whether any relay follows the concert (else nobody could be told, and nothing is kept). */
    private readonly listened: () => boolean = () => false,
  ) {}

  /** A new WAITING entry, or the user's live one; only while the date (and section) has no seat AVAILABLE. */
  join(asked: WaitlistJoin, now: number): Result<WaitlistJoined> {
    const mine = this.book.liveOf(asked.userId)
    if (mine) return ok({ created: false, entry: this.view(mine) })
    const day = this.seatPlan.day(asked.date)
    if (!day) return fail('DATE_NOT_FOUND', `This concert has no show on ${asked.date}`)
    const venue = this.seatPlan.venue()
    const at = asked.section === undefined ? -1 : venue.findIndex((s) => s.name === asked.section)
    if (asked.section !== undefined && at < 0)
      return fail('SECTION_NOT_FOUND', `This concert has no section named ${asked.section}`)
    const { maxSeatsPerOrder, maxTicketsPerUser } = this.meta.policy
    if (asked.seats > maxSeatsPerOrder)
      return fail('VALIDATION_FAILED', `seats: at most ${maxSeatsPerOrder} seats in one order`)
    if (!isBookable(day.startsAt, now)) return fail('SEAT_UNAVAILABLE', `The show on ${asked.date} has already started`)
    const free = at < 0 ? day.availableTotal : day.available[at]!
    if (free > 0)
      return fail('SEATS_AVAILABLE', `${free} seat(s) ${at < 0 ? 'of this date' : 'of this section'} are on sale now`)
    const { tickets } = this.orders.userTotals(asked.userId)
    if (tickets + asked.seats > maxTicketsPerUser)
      return fail(
        'TICKET_LIMIT_REACHED',
        `You may have at most ${maxTicketsPerUser} ticket(s) for this concert; you have ${tickets} held, bought, received or asked for`,
      )
    const entry = this.book.add({ ...asked, section: asked.section ?? ANY_SECTION }, now)
    this.record('waitlist.joined', entry, now)
    return ok({ created: true, entry: this.view(entry) })
  }

  /** The user's entries of this concert, in the order they were made. */
  entriesOf(userId: string): WaitlistEntryView[] {
    return this.book.ofUser(userId).map((e) => this.view(e))
  }

  /** The user leaves: a WAITING entry is CANCELLED, an OFFERED one too and its seats go to the next that fits. */
  leave(userId: string, waitlistId: string, now: number): Result<null> {
    const e = this.book.byId(waitlistId)
    if (!e || e.user_id !== userId) return fail('WAITLIST_ENTRY_NOT_FOUND')
    const refused = whyNotLeave(e.state)
    if (refused) return refused
    if (e.state === 'CANCELLED') return ok(null)
    const offer = e.state === 'OFFERED' ? this.orders.get(e.reservation_id) : undefined
    if (offer?.state === 'PAYING') return fail('PAYMENT_IN_PROGRESS', 'The offer is being paid for')
    this.move(e, 'CANCELLED', now)
    this.record('waitlist.cancelled', e, now)
    if (offer?.state === 'HELD') this.seatPlan.free(offer, 'RELEASED', now)
    this.offerFreed(now)
    return ok(null)
  }

  /** The order of the user's offer, to pay it without a place in line; not found unless it is an offer of theirs. */
  offerOf(userId: string, reservationId: string): Result<ReservationRow> {
    const order = this.orders.get(reservationId)
    if (order && order.arrival < 0 && order.user_id !== userId) return fail('NOT_YOUR_RESERVATION')
    if (!order || order.arrival >= 0)
      return fail(
        'RESERVATION_NOT_FOUND',
        'No waitlist offer of yours has this id (yet: see GET /api/users/me/waitlist)',
      )
    return ok(order)
  }

  /** From the seat plan: these seats of a date became AVAILABLE in the change under way. */
  seatsFreed(date: string, seatNumbers: number[]) {
    if (!this.book.hasWaiting(date)) return
    const sections = this.pending.get(date) ?? new Set<string>()
    for (const name of this.seatPlan.sectionsOf(seatNumbers)) sections.add(name)
    this.pending.set(date, sections)
  }

  /**
   * Offers the seats freed in this change to the waitlist, in the offer order (offer-order.ts),
   * until no entry fits the seats free. Call inside the change, before the line admits anyone.
   */
  offerFreed(now: number) {
    if (this.pending.size === 0) return
    const pending = this.pending
    this.pending = new Map()
    const { maxSeatsPerOrder } = this.meta.policy
    for (const [date, sections] of pending) {
      for (;;) {
        const day = this.seatPlan.day(date)
        if (!day || day.availableTotal === 0 || !isBookable(day.startsAt, now) || !this.book.hasWaiting(date)) break
        const venue = this.seatPlan.venue()
        const freeIn = (name: string) => day.available[venue.findIndex((s) => s.name === name)] ?? 0
        const queues = queuesThatFit(sections, freeIn, day.availableTotal, maxSeatsPerOrder)
        const first = firstToOffer(queues.map((q) => this.book.head(date, q.section, q.seats)))
        if (!first || !this.offer(this.book.get(first.seq)!, now)) break
      }
    }
  }

  /** From the order book: an order moved. An offer's entry follows its order (entry-states.ts, entryAfterOrder). */
  orderMoved(r: ReservationRow, to: OrderState, now: number, detail: MoveDetail) {
    if (r.arrival >= 0) return
    const e = this.book.get(-r.arrival)
    const next = entryAfterOrder(to)
    if (!e || !next || !canMove(e.state, next)) return
    this.move(e, next, now, 'paymentId' in detail ? { paymentId: detail.paymentId } : {})
    this.record(
      next === 'FULFILLED' ? 'waitlist.fulfilled' : next === 'EXPIRED' ? 'waitlist.expired' : 'waitlist.cancelled',
      e,
      now,
    )
  }

  /** The entries that moved since the last call, as their users' pages show them: what the relays are told (src/relay/). */
  takeNews(): WaitlistNews[] {
    if (this.moved.size === 0) return []
    const seqs = [...this.moved]
    this.moved.clear()
    return this.book.bySeqs(seqs).map((e) => ({ userId: e.user_id, entry: this.view(e) }))
  }

  /** For operators: entries WAITING or OFFERED, and per date and section. */
  stats(): WaitlistStatsView {
    return {
      waitlisted: this.book.totals.waitlisted,
      waitlist: this.book.detail().map(({ section, ...d }) => (section === ANY_SECTION ? d : { ...d, section })),
    }
  }

  /** Holds free seats of the entry's date (and section) for its user: the offer. False if they are not there after all. */
  private offer(e: EntryRow, now: number): boolean {
    const venue = this.seatPlan.venue()
    const day = this.seatPlan.day(e.date)!
    const section = venue.find((s) => s.name === e.section)
    const [from, to] = section ? [section.firstSeat, lastSeatOf(section)] : [1, day.total]
    const seatNumbers = this.seatPlan.freeSeats(e.date, from, to, e.seats)
    if (seatNumbers.length < e.seats) return false
    const expiresAt = offerExpiresAt(now, this.meta.policy.waitlistOfferSeconds)
    const seats = priceSeats(venue, seatNumbers, day.price)
    this.seatPlan.holdFor({ id: e.reservation_id, userId: e.user_id, arrival: -e.seq }, e.date, seats, expiresAt, now)
    this.move(e, 'OFFERED', now, { expiresAt, autoPayDue: e.auto_pay === 1 })
    this.record('waitlist.offered', e, now)
    return true
  }

  private move(e: EntryRow, to: EntryState, now: number, detail?: EntryMoveDetail) {
    this.book.move(e, to, now, detail)
    if (this.listened()) this.moved.add(e.seq)
  }

  private record(type: `waitlist.${string}` & Parameters<Outbox['record']>[0], e: EntryRow, now: number) {
    this.outbox.record(type, now, {
      userId: e.user_id,
      waitlistId: e.waitlist_id,
      date: e.date,
      ...(e.section === ANY_SECTION ? {} : { section: e.section }),
      seats: e.seats,
      reservationId: e.reservation_id,
      ...(e.expires_at !== null ? { expiresAt: iso(e.expires_at) } : {}),
    })
  }

  private view(e: EntryRow): WaitlistEntryView {
    const offered = e.expires_at !== null
    return {
      waitlistId: e.waitlist_id,
      concertId: this.meta.id!,
      date: e.date,
      ...(e.section === ANY_SECTION ? {} : { section: e.section }),
      seats: e.seats,
      autoPay: e.auto_pay === 1,
      status: e.state,
      ...(e.state === 'WAITING' ? { position: this.book.position(e) } : {}),
      ...(offered ? { reservationId: e.reservation_id, expiresAt: iso(e.expires_at!) } : {}),
      ...(e.payment_id ? { paymentId: e.payment_id } : {}),
      createdAt: iso(e.created_at),
    }
  }
}
