import { fail, ok, type Result } from '../errors/catalogue'
import type {
  DateAvailabilityView,
  HoldView,
  QueueHistoryView,
  QueuePolicy,
  QueueStatsView,
  SaleDrawView,
  SaleStateView,
  ScannerView,
  SectionListView,
  WaitlistEntryView,
  WaitlistOptionsView,
} from '../schemas'
import { RecentSeatMaps, type PackedSeatMap } from '../shared/seat-map'
import type {
  ConcertConfigured,
  ConcertSetup,
  FollowedPlace,
  PaymentStart,
  PlaceInLine,
  PlaceStatus,
  EntryProof,
  QueueEntryView,
  RefundStart,
} from '../shared/rpc'
import type { LineView, ViewVersion } from '../shared/line-view'
import type { RefusedCounts } from '../shared/refused-entries'
import { DRAW_ORDER_PAGE, pageOf, type DrawOrderPage } from '../shared/draw-order'
import { DurableObject } from 'cloudflare:workers'
import { ConcertRoom, notFound } from './runtime/room'
import type { CheckedIn, Transferred } from './tickets/ticket-book'
import type { CodeClaims, ScannerScope } from './tickets/ticket-states'
import { waitlistOptions } from './waitlist/options'
import type { WaitlistJoin, WaitlistJoined } from './waitlist/waitlist'

/**
 * One concert: its waiting queue and its seats, the one authority on both. This is its RPC
 * surface, what the Worker calls (src/concert-client/), built from its room (runtime/room.ts):
 * the mechanisms, their wiring, and what the alarm does. Money is not here; see src/ledger.
 */
export class ConcertObject extends DurableObject<Env> {
  private readonly room: ConcertRoom
  private readonly recentMaps = new RecentSeatMaps()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.room = new ConcertRoom(ctx, env)
  }

  /** Alarms are at-least-once: what the room does then is safe to run again. */
  override alarm(): Promise<void> {
    return this.room.alarm()
  }

  configure(setup: ConcertSetup): Result<ConcertConfigured> {
    if (this.room.meta.id) return fail('CONCERT_EXISTS')
    const seedCommitment = this.ctx.storage.transactionSync(() => {
      this.room.seatPlan.create(setup)
      const commitment = setup.sale && this.room.preQueue.configure(setup.sale)
      this.room.meta.configure(setup.concertId, setup.policy, setup.refundPolicy)
      this.room.history.sample(Date.now())
      return commitment
    })
    // The alarm is set for the opening: the draw needs no request.
    this.room.alarmClock.rearm()
    return ok(seedCommitment ? { policy: this.room.meta.policy, seedCommitment } : { policy: this.room.meta.policy })
  }

  /** Live: the waiting order is kept; a larger cap admits at once. */
  updatePolicy(patch: Partial<QueuePolicy>): Result<QueuePolicy> {
    if (!this.room.meta.id) return notFound()
    const now = Date.now()
    this.ctx.storage.transactionSync(() => {
      this.room.meta.setPolicy({ ...this.room.meta.policy, ...patch })
      this.room.history.policyChanged(patch, now)
      this.room.line.admit(now)
    })
    this.room.afterChange()
    return ok(this.room.meta.policy)
  }

  /** The policy in force: what the Worker checks an entry against before it reaches a gate (requireVerifiedIdentity, entryProofCost). */
  policy(): Result<QueuePolicy> {
    return this.room.meta.id ? ok(this.room.meta.policy) : notFound()
  }

  stats(): Result<QueueStatsView> {
    return this.room.read((now) => {
      const { made } = this.room.preQueue.entries
      const preQueue = this.room.preQueue.phase(now) === 'OPEN' ? 0 : made
      return {
        concertId: this.room.meta.id!,
        ...this.room.line.counts(now),
        ...this.room.seatPlan.holdCounts(),
        seatsLeft: this.room.seatPlan.left(now),
        preQueue,
        events: this.room.outbox.counts(),
        refusedEntries: { ...this.room.refused.totals },
        checkIns: this.room.tickets.countsByDate(),
        ...this.room.waitlist.stats(),
        policy: this.room.meta.policy,
      }
    })
  }

  /** The last `minutes` minutes of the queue, for operators. */
  queueHistory(minutes: number): Result<QueueHistoryView> {
    return this.room.read((now) => this.room.history.read(minutes, now))
  }

  availableDates(): Result<DateAvailabilityView[]> {
    return this.room.read((now) => this.room.seatPlan.available(now))
  }

  sale(): Result<SaleStateView> {
    return this.room.read((now) => this.room.preQueue.saleState(now, this.room.sellOut.happened))
  }

  /** The pre-queue in drawn order with the seed, once the draw is made. */
  saleDraw(): Result<SaleDrawView> {
    return this.room.ready(Date.now()) ? this.room.preQueue.drawn() : notFound()
  }

  /** The seats of a date (or of one section), for whoever is allowed to see them (the caller checks admission). */
  seats(date: string, section?: string): Result<PackedSeatMap> {
    return this.room.ready(Date.now()) ? this.room.seatPlan.map(date, section) : notFound()
  }

  /** The same for mirrors: built at most 4 times a second however many mirrors ask (seat-map.ts). */
  sharedSeats(date: string, section?: string): Result<PackedSeatMap> {
    const now = Date.now()
    return this.room.ready(now)
      ? this.recentMaps.get(date, section, now, () => this.room.seatPlan.map(date, section))
      : notFound()
  }

  seatMap(place: PlaceInLine, date: string, section?: string): Result<PackedSeatMap> {
    const admitted = this.room.requireActive(place, Date.now())
    return admitted.ok ? this.room.seatPlan.map(date, section) : admitted
  }

  sections(place: PlaceInLine, date: string): Result<SectionListView> {
    const admitted = this.room.requireActive(place, Date.now())
    return admitted.ok ? this.room.seatPlan.sectionsOn(date) : admitted
  }

  /** Holds an order's seats together, or none of them. */
  hold(place: PlaceInLine, date: string, seatNumbers: number[]): Result<HoldView> | Promise<Result<HoldView>> {
    // A refusal changes nothing, so it needs no commit: it is answered at once. A hold waits
    // for its group and is checked again there.
    const refused = this.room.holdable(place, date, seatNumbers, Date.now())
    if (!refused.ok) return refused
    return this.room.group.run(() => {
      const now = Date.now()
      const holdable = this.room.holdable(place, date, seatNumbers, now)
      if (!holdable.ok) return holdable
      const held = this.room.seatPlan.hold(holdable.value.entry, date, holdable.value.seats, now)
      this.room.alarmClock.rearm()
      return ok(held)
    })
  }

  /** A released seat is AVAILABLE again: the next user may be admitted to it. */
  release(place: PlaceInLine, reservationId: string): Promise<Result<{ date: string }>> {
    return this.room.changeOwnReservation(place, reservationId, (reservation, now) => {
      const released = this.room.seatPlan.release(reservation, now)
      if (released.ok) {
        this.room.waitlist.offerFreed(now)
        this.room.line.admit(now)
        this.room.relays.schedule()
      }
      return released
    })
  }

  /**
   * Gives each user a place in line, or the place they already have, in this order. The Worker
   * signs the arrival number into the queue token, so asking again yields the same token. A
   * concert's gates send the entries that reached them together (src/gate/gate.ts). While the
   * policy asks for a proof of work, a new place needs `proofs[i]` (checked by the Worker),
   * unused: it is used in this same change, by the entry that makes the place.
   */
  enterAll(userIds: string[], proofs: ReadonlyArray<EntryProof | null> = []): Promise<Array<Result<QueueEntryView>>> {
    return this.room.group.run(() => {
      if (!this.room.meta.id) return userIds.map(() => notFound())
      const now = Date.now()
      this.room.sweep(now)
      this.room.usedProofs.prune(now)
      const proofsOf = this.room.usedProofs.forBatch(userIds, proofs, this.room.meta.policy.entryProofCost, now)
      const { entries, moved } = this.room.places.enter(
        userIds,
        now,
        (change) => this.ctx.storage.transactionSync(change),
        proofsOf.refuse,
      )
      proofsOf.spend(entries)
      // Joining the back of a line moves nobody's place and no deadline, unless it is admitted
      // at once or starts the idle clock, or its event finds the relay not yet armed: only then
      // re-arm the alarm and push.
      const joined = entries.some((e) => e.ok && e.value.created)
      if (joined && (moved || this.room.alarmClock.at === null || this.room.alarmClock.at > this.room.outbox.due!))
        this.room.afterChange()
      return entries
    })
  }

  /**
   * Queue entries the Worker refused (verification, proof, Turnstile, rate; the proofs this
   * object refused are counted there from its answers), summed in its isolates and handed on by
   * a gate about once a second (src/gate/gate.ts): one small write.
   */
  countRefusals(counts: Partial<RefusedCounts>): Promise<void> {
    return this.room.group.run(() => {
      if (this.room.meta.id) this.room.refused.add(counts)
    })
  }

  /** The places the draw gives these pre-queue entries (0: the draw has not begun, or not the user's): for a gate, entries whose key's prefix another shares. */
  drawnArrivals(places: PlaceInLine[]): Result<number[]> {
    return this.room.read(() => this.room.preQueue.arrivalsOf(places))
  }

  /** Once the draw has begun, a page of its order, for a gate to find any entry's place itself; null before. */
  drawOrder(offset = 0, limit = DRAW_ORDER_PAGE): Result<DrawOrderPage | null> {
    return this.room.read(() => {
      const view = this.room.preQueue.orderView()
      return view && pageOf(view, offset, limit)
    })
  }

  /** The status, and the place's arrival (0 in the pre-queue), which the Worker keeps for a token that names an entry. */
  status(place: PlaceInLine): Result<PlaceStatus> {
    const now = Date.now()
    return this.room.ready(now) ? this.room.places.status(place, now) : notFound()
  }

  /**
   * The line, for Workers and relays to answer statuses from for a moment: what changed since
   * the version they `have`, or the whole line. `seen` are the arrivals that polled a Worker
   * (or follow on a relay) since its last view: they count as present. A `relay` asking is
   * sent each change from then on.
   */
  queueView(seen: number[], have?: ViewVersion, relay?: string): Result<LineView> {
    if (!this.room.meta.id) return notFound()
    const now = Date.now()
    for (const arrival of seen) this.room.line.seen(arrival, now)
    this.room.sweep(now)
    const view = this.room.line.view(now, have)
    if (relay) this.room.relays.fetched(relay, { epoch: view.epoch, version: view.version })
    return ok(view)
  }

  /** What a relay cannot tell from its view (a place drawn or ended since, a new listener's): each place's status, or how it ended. */
  follow(places: PlaceInLine[]): Result<FollowedPlace[]> {
    return this.room.read((now) => {
      const moment = this.room.line.moment(now)
      // Entries the draw has placed are looked up in one statement, not one each.
      const drawn = this.room.preQueue.arrivalsOf(places)
      return places.map((asked, i): FollowedPlace => {
        const place = asked.arrival === 0 && drawn[i]! > 0 ? { ...asked, arrival: drawn[i]! } : asked
        const live = this.room.places.live(place)
        const status = live && this.room.places.liveStatus(live, moment)
        if (!live || !status) return { final: this.room.sellOut.ended(place) ? 'SOLD_OUT' : 'EXPIRED' }
        this.room.line.seen(live.arrival, now)
        return { arrival: live.arrival, status }
      })
    })
  }

  /** The object's half of a payment begins (the ledger's half is one D1 batch between begin and complete). */
  beginPayment(place: PlaceInLine, reservationId: string): Promise<Result<PaymentStart>> {
    return this.room.changeOwnReservation(place, reservationId, (reservation, now) =>
      this.room.payments.begin(reservation, now),
    )
  }

  /** The ledger refused (e.g. insufficient balance): the seat stays held until its expiry. */
  abortPayment(reservationId: string): Promise<void> {
    return this.room.group.run(() => this.room.settle(reservationId, null))
  }

  /** The ledger recorded the sale: the seat is SOLD, the payer's token ends, the next user is admitted. */
  completePayment(reservationId: string, paymentId: string): Promise<void> {
    return this.room.group.run(() => this.room.settle(reservationId, paymentId))
  }

  /** What refunding the user's paid order now would credit (no change). */
  refundQuote(userId: string, reservationId: string): Result<RefundStart> {
    const now = Date.now()
    if (!this.room.ready(now)) return notFound()
    const owned = this.room.orders.owned(userId, reservationId)
    return owned.ok ? this.room.refunds.quote(owned.value, now) : owned
  }

  /** The object's half of a refund begins: the order is REFUNDING, its seats still SOLD (see refunds.ts). */
  beginRefund(userId: string, reservationId: string): Promise<Result<RefundStart>> {
    return this.room.group.run(() => {
      const now = Date.now()
      if (!this.room.ready(now)) return notFound()
      const owned = this.room.orders.owned(userId, reservationId)
      const begun = owned.ok ? this.room.refunds.begin(owned.value, now) : owned
      if (begun.ok) this.room.alarmClock.rearm()
      return begun
    })
  }

  /** The ledger refused the refund: the order is PAID again. */
  abortRefund(reservationId: string): Promise<void> {
    return this.room.group.run(() => this.room.settleRefund(reservationId, null))
  }

  /** The ledger recorded the refund: the seats are AVAILABLE, the next user may be admitted. */
  completeRefund(reservationId: string, refund: { id: string; amount: number; fee: number }): Promise<void> {
    return this.room.group.run(() => this.room.settleRefund(reservationId, refund))
  }

  // --- tickets at the gate (tickets/gate-desk.ts) ---

  /** A gate device of this concert, of one of its dates when given (the Worker signs its token). */
  addScanner(scanner: { scannerId: string; name: string; date?: string }): Promise<Result<null>> {
    return this.room.change((now) => this.room.gate.addScanner(scanner, now))
  }

  scanners(): Result<ScannerView[]> {
    return this.room.read(() => this.room.gate.scanners())
  }

  /** The gate's decision on a code the Worker verified: of any number of check-ins of one ticket, one goes through. */
  checkIn(scanner: ScannerScope, code: CodeClaims): Promise<Result<CheckedIn>> {
    return this.room.change((now) => this.room.gate.checkIn(scanner, code, now))
  }

  /** Gives a ticket its holder has to another user, whose maxTicketsPerUser is counted in the same change. */
  transferTicket(ticketId: string, fromUserId: string, toUserId: string): Promise<Result<Transferred>> {
    return this.room.change((now) => this.room.gate.transfer(ticketId, fromUserId, toUserId, now))
  }

  // --- the waitlist for returned seats (waitlist/waitlist.ts) ---

  /** A new WAITING entry of this user (the Worker checked identity and verification), or the live one they have. */
  joinWaitlist(join: WaitlistJoin): Promise<Result<WaitlistJoined>> {
    return this.room.change((now) => this.room.waitlist.join(join, now))
  }

  /** What a fan may join: every date not started, sold out or not, with its sections, and the policy's bounds (waitlist/options.ts). */
  waitlistOptions(): Result<WaitlistOptionsView> {
    return this.room.read((now) => waitlistOptions(this.room.meta, this.room.seatPlan, now))
  }

  waitlistOf(userId: string): Result<WaitlistEntryView[]> {
    return this.room.read(() => this.room.waitlist.entriesOf(userId))
  }

  /** An OFFERED entry's seats go to the next entry that fits, or back on sale (and the line may admit). */
  leaveWaitlist(userId: string, waitlistId: string): Promise<Result<null>> {
    return this.room.change((now) => this.room.admitAfter(this.room.waitlist.leave(userId, waitlistId, now), now))
  }

  /** The object's half of paying a waitlist offer, asked with the user's access token alone: only the offer's own user. */
  beginOfferPayment(userId: string, reservationId: string): Promise<Result<PaymentStart>> {
    return this.room.change((now) => {
      const offer = this.room.waitlist.offerOf(userId, reservationId)
      return offer.ok ? this.room.payments.begin(offer.value, now) : offer
    })
  }
}
