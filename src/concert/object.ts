import { fail, ok, type Result } from '../errors/catalogue'
import type {
  DateAvailabilityView,
  HoldView,
  QueueHistoryView,
  QueuePolicy,
  QueueStatsView,
  SaleDrawView,
  SaleStateView,
  SectionListView,
} from '../schemas'
import { RecentSeatMaps, type PackedSeatMap } from '../shared/seat-map'
import type {
  ConcertConfigured,
  ConcertSetup,
  FollowedPlace,
  PaymentStart,
  PlaceInLine,
  PlaceStatus,
  QueueEntryView,
  RefundStart,
} from '../shared/rpc'
import type { LineView, ViewVersion } from '../shared/line-view'
import type { DrawOrderView } from '../shared/draw-order'
import { ConcertRoom, notFound } from './runtime/room'

/**
 * One concert: its waiting queue and its seats, the one authority on both. This is its RPC
 * surface, what the Worker calls (src/concert-client/); the mechanisms, their wiring and what
 * the runtime calls on the object are its room (room.ts). Money is not here; see src/ledger.
 */
export class ConcertObject extends ConcertRoom {
  private readonly recentMaps = new RecentSeatMaps()

  configure(setup: ConcertSetup): Result<ConcertConfigured> {
    if (this.meta.id) return fail('CONCERT_EXISTS')
    const seedCommitment = this.ctx.storage.transactionSync(() => {
      this.seatPlan.create(setup)
      const commitment = setup.sale && this.preQueue.configure(setup.sale)
      this.meta.configure(setup.concertId, setup.policy, setup.refundPolicy)
      this.history.sample(Date.now())
      return commitment
    })
    // The alarm is set for the opening: the draw needs no request.
    this.alarmClock.rearm()
    return ok(seedCommitment ? { policy: this.meta.policy, seedCommitment } : { policy: this.meta.policy })
  }

  /** Live: the waiting order is kept; a larger cap admits at once. */
  updatePolicy(patch: Partial<QueuePolicy>): Result<QueuePolicy> {
    if (!this.meta.id) return notFound()
    const now = Date.now()
    this.ctx.storage.transactionSync(() => {
      this.meta.setPolicy({ ...this.meta.policy, ...patch })
      this.history.policyChanged(patch, now)
      this.line.admit(now)
    })
    this.afterChange()
    return ok(this.meta.policy)
  }

  stats(): Result<QueueStatsView> {
    return this.read((now) => {
      const { made } = this.preQueue.entries
      const preQueue = this.preQueue.phase(now) === 'OPEN' ? 0 : made
      return {
        concertId: this.meta.id!,
        ...this.line.counts(now),
        ...this.seatPlan.holdCounts(),
        seatsLeft: this.seatPlan.left(now),
        preQueue,
        events: this.outbox.counts(),
        policy: this.meta.policy,
      }
    })
  }

  /** The last `minutes` minutes of the queue, for operators. */
  queueHistory(minutes: number): Result<QueueHistoryView> {
    return this.read((now) => this.history.read(minutes, now))
  }

  availableDates(): Result<DateAvailabilityView[]> {
    return this.read((now) => this.seatPlan.available(now))
  }

  sale(): Result<SaleStateView> {
    return this.read((now) => this.preQueue.saleState(now, this.sellOut.happened))
  }

  /** The pre-queue in drawn order with the seed, once the draw is made. */
  saleDraw(): Result<SaleDrawView> {
    return this.ready(Date.now()) ? this.preQueue.drawn() : notFound()
  }

  /** The seats of a date (or of one section), for whoever is allowed to see them (the caller checks admission). */
  seats(date: string, section?: string): Result<PackedSeatMap> {
    return this.ready(Date.now()) ? this.seatPlan.map(date, section) : notFound()
  }

  /** The same for mirrors: built at most 4 times a second however many mirrors ask (seat-map.ts). */
  sharedSeats(date: string, section?: string): Result<PackedSeatMap> {
    const now = Date.now()
    return this.ready(now)
      ? this.recentMaps.get(date, section, now, () => this.seatPlan.map(date, section))
      : notFound()
  }

  seatMap(place: PlaceInLine, date: string, section?: string): Result<PackedSeatMap> {
    const admitted = this.requireActive(place, Date.now())
    return admitted.ok ? this.seatPlan.map(date, section) : admitted
  }

  sections(place: PlaceInLine, date: string): Result<SectionListView> {
    const admitted = this.requireActive(place, Date.now())
    return admitted.ok ? this.seatPlan.sectionsOn(date) : admitted
  }

  /** Holds an order's seats together, or none of them. */
  hold(place: PlaceInLine, date: string, seatNumbers: number[]): Result<HoldView> | Promise<Result<HoldView>> {
    // A refusal changes nothing, so it needs no commit: it is answered at once. A hold waits
    // for its group and is checked again there.
    const refused = this.holdable(place, date, seatNumbers, Date.now())
    if (!refused.ok) return refused
    return this.group.run(() => {
      const now = Date.now()
      const holdable = this.holdable(place, date, seatNumbers, now)
      if (!holdable.ok) return holdable
      const held = this.seatPlan.hold(holdable.value.entry, date, holdable.value.seats, now)
      this.alarmClock.rearm()
      return ok(held)
    })
  }

  /** A released seat is AVAILABLE again: the next user may be admitted to it. */
  release(place: PlaceInLine, reservationId: string): Promise<Result<{ date: string }>> {
    return this.changeOwnReservation(place, reservationId, (reservation, now) => {
      const released = this.seatPlan.release(reservation, now)
      if (released.ok) {
        this.line.admit(now)
        this.relays.schedule()
      }
      return released
    })
  }

  /**
   * Gives each user a place in line, or the place they already have, in this order. The Worker
   * signs the arrival number into the queue token, so asking again yields the same token. A
   * concert's gates send the entries that reached them together (src/gate/gate.ts).
   */
  enterAll(userIds: string[]): Promise<Array<Result<QueueEntryView>>> {
    return this.group.run(() => {
      if (!this.meta.id) return userIds.map(() => notFound())
      const now = Date.now()
      this.sweep(now)
      const { entries, moved } = this.places.enter(userIds, now, (change) => this.ctx.storage.transactionSync(change))
      // Joining the back of a line moves nobody's place and no deadline, unless it is admitted
      // at once or starts the idle clock, or its event finds the relay not yet armed: only then
      // re-arm the alarm and push.
      const joined = entries.some((e) => e.ok && e.value.created)
      if (joined && (moved || this.alarmClock.at === null || this.alarmClock.at > this.outbox.due!)) this.afterChange()
      return entries
    })
  }

  /** The places the draw gives these pre-queue entries (0: the draw has not begun, or not the user's): for a gate, entries whose key's prefix another shares. */
  drawnArrivals(places: PlaceInLine[]): Result<number[]> {
    return this.read(() => this.preQueue.arrivalsOf(places))
  }

  /** Once the draw has begun, its order, for a gate to find any entry's place itself; null before. */
  drawOrder(): Result<DrawOrderView | null> {
    return this.read(() => this.preQueue.orderView())
  }

  /** The status, and the place's arrival (0 in the pre-queue), which the Worker keeps for a token that names an entry. */
  status(place: PlaceInLine): Result<PlaceStatus> {
    const now = Date.now()
    return this.ready(now) ? this.places.status(place, now) : notFound()
  }

  /**
   * The line, for Workers and relays to answer statuses from for a moment: what changed since
   * the version they `have`, or the whole line. `seen` are the arrivals that polled a Worker
   * (or follow on a relay) since its last view: they count as present. A `relay` asking is
   * sent each change from then on.
   */
  queueView(seen: number[], have?: ViewVersion, relay?: string): Result<LineView> {
    if (!this.meta.id) return notFound()
    const now = Date.now()
    for (const arrival of seen) this.line.seen(arrival, now)
    this.sweep(now)
    const view = this.line.view(now, have)
    if (relay) this.relays.fetched(relay, { epoch: view.epoch, version: view.version })
    return ok(view)
  }

  /** What a relay cannot tell from its view (a place drawn or ended since, a new listener's): each place's status, or how it ended. */
  follow(places: PlaceInLine[]): Result<FollowedPlace[]> {
    return this.read((now) => {
      const moment = this.line.moment(now)
      // Entries the draw has placed are looked up in one statement, not one each.
      const drawn = this.preQueue.arrivalsOf(places)
      return places.map((asked, i): FollowedPlace => {
        const place = asked.arrival === 0 && drawn[i]! > 0 ? { ...asked, arrival: drawn[i]! } : asked
        const live = this.places.live(place)
        const status = live && this.places.liveStatus(live, moment)
        if (!live || !status) return { final: this.sellOut.ended(place) ? 'SOLD_OUT' : 'EXPIRED' }
        this.line.seen(live.arrival, now)
        return { arrival: live.arrival, status }
      })
    })
  }

  /** The object's half of a payment begins (the ledger's half is one D1 batch between begin and complete). */
  beginPayment(place: PlaceInLine, reservationId: string): Promise<Result<PaymentStart>> {
    return this.changeOwnReservation(place, reservationId, (reservation, now) => this.payments.begin(reservation, now))
  }

  /** The ledger refused (e.g. insufficient balance): the seat stays held until its expiry. */
  abortPayment(reservationId: string): Promise<void> {
    return this.group.run(() => this.settle(reservationId, null))
  }

  /** The ledger recorded the sale: the seat is SOLD, the payer's token ends, the next user is admitted. */
  completePayment(reservationId: string, paymentId: string): Promise<void> {
    return this.group.run(() => this.settle(reservationId, paymentId))
  }

  /** What refunding the user's paid order now would credit (no change). */
  refundQuote(userId: string, reservationId: string): Result<RefundStart> {
    const now = Date.now()
    if (!this.ready(now)) return notFound()
    const owned = this.seatPlan.owned(userId, reservationId)
    return owned.ok ? this.refunds.quote(owned.value, now) : owned
  }

  /** The object's half of a refund begins: the order is REFUNDING, its seats still SOLD (see refunds.ts). */
  beginRefund(userId: string, reservationId: string): Promise<Result<RefundStart>> {
    return this.group.run(() => {
      const now = Date.now()
      if (!this.ready(now)) return notFound()
      const owned = this.seatPlan.owned(userId, reservationId)
      const begun = owned.ok ? this.refunds.begin(owned.value, now) : owned
      if (begun.ok) this.alarmClock.rearm()
      return begun
    })
  }

  /** The ledger refused the refund: the order is PAID again. */
  abortRefund(reservationId: string): Promise<void> {
    return this.group.run(() => this.settleRefund(reservationId, null))
  }

  /** The ledger recorded the refund: the seats are AVAILABLE, the next user may be admitted. */
  completeRefund(reservationId: string, refund: { id: string; amount: number; fee: number }): Promise<void> {
    return this.group.run(() => this.settleRefund(reservationId, refund))
  }
}
