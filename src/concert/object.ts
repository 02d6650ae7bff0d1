import { DurableObject } from 'cloudflare:workers'
import { fail, ok, type Result } from '../errors/catalogue'
import { findPayment } from '../ledger/payments'
import { findRefund } from '../ledger/refunds'
import type { DateAvailabilityView, HoldView, QueueHistoryView, QueuePolicy, QueueStatsView, SaleDrawView, SaleStateView, SeatMapView, SectionListView } from '../schemas'
import { AlarmClock } from './alarm-clock'
import { GroupCommit } from './group-commit'
import { History } from './history'
import { WaitingLine, type QueueRow } from './line'
import { Listeners } from './listeners'
import { ConcertMeta } from './meta'
import { Outbox } from './outbox'
import { Payments } from './payments'
import { Places } from './places'
import { PreQueue } from './pre-queue'
import { Refunds } from './refunds'
import { socketOwner, type ConcertConfigured, type ConcertSetup, type PaymentStart, type PlaceInLine, type RefundStart, type PlaceStatus, type QueueEntryView, type QueueSnapshot } from './rpc'
import { migrate } from './schema'
import { Seats, type ReservationRow } from './seats'
import { SellOut } from './sell-out'
import type { Sockets } from './sockets'
import type { EventStreams } from './streams'

/**
 * One concert: its waiting queue and its seats, the one authority on both. The mechanisms it
 * wires (one file each under src/concert/) are synchronous: no change awaits, so the object's
 * single thread is the lock, and two holds of one seat or two admissions of one place cannot
 * interleave. The only awaits are here, in `alarm()` (the ledger's answer for a stuck payment)
 * and in the outbox's relay. Money is not here; see src/ledger.
 */
export class ConcertObject extends DurableObject<Env> {
  private readonly meta: ConcertMeta
  private readonly outbox: Outbox
  private readonly listeners: Listeners
  private readonly sellOut: SellOut
  private readonly preQueue: PreQueue
  private readonly line: WaitingLine
  private readonly places: Places
  private readonly history: History
  private readonly seatPlan: Seats
  private readonly payments: Payments
  private readonly refunds: Refunds
  private readonly group: GroupCommit
  private readonly alarmClock: AlarmClock

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const { storage } = ctx
    this.meta = new ConcertMeta(storage.sql)
    this.outbox = new Outbox(storage.sql, this.meta)
    this.listeners = new Listeners(ctx, (to) => this.pushAll(to))
    this.seatPlan = new Seats(storage, this.meta, this.outbox)
    this.sellOut = new SellOut(storage.sql, this.meta, this.outbox)
    this.preQueue = new PreQueue(storage.sql, this.meta, this.outbox)
    this.line = new WaitingLine(storage, this.meta, this.outbox, this.listeners, this.sellOut, this.preQueue, (now) => this.seatPlan.left(now))
    this.places = new Places(this.preQueue, this.line, this.listeners)
    this.history = new History(storage.sql, () => {
      const { arrivals, ...line } = this.line.totals()
      const preQueue = this.preQueue.entries
      return { ...line, sold: this.seatPlan.sold, entered: arrivals - preQueue.drawn + preQueue.made }
    })
    this.payments = new Payments(storage, this.meta, this.outbox, this.seatPlan, this.line, this.sellOut)
    this.refunds = new Refunds(storage, this.meta, this.outbox, this.seatPlan, this.line, this.sellOut)
    this.group = new GroupCommit(ctx, () => {
      this.line.storeLastArrival()
      this.history.sample(Date.now())
      this.alarmClock.groupEnded()
    })
    this.alarmClock = new AlarmClock(storage, this.group, {
      sweep: (now) => [this.preQueue.nextDeadline(), this.line.nextDeadline(now), this.seatPlan.nextDeadline()],
      alarmOnly: () => [this.payments.nextDeadline(), this.refunds.nextDeadline(), this.outbox.due],
    })
    void ctx.blockConcurrencyWhile(async () => {
      migrate(storage)
      const now = Date.now()
      this.meta.load()
      this.sellOut.load()
      this.preQueue.load()
      this.line.load(now)
      this.outbox.load(now)
      await this.alarmClock.load()
      this.alarmClock.rearm()
    })
  }

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
      return { concertId: this.meta.id!, ...this.line.counts(now), ...this.seatPlan.holdCounts(), seatsLeft: this.seatPlan.left(now), preQueue, policy: this.meta.policy }
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
  seats(date: string, section?: string): Result<SeatMapView> {
    return this.ready(Date.now()) ? this.seatPlan.map(date, section) : notFound()
  }

  seatMap(place: PlaceInLine, date: string, section?: string): Result<SeatMapView> {
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
        this.listeners.schedule()
      }
      return released
    })
  }

  /**
   * Gives each user a place in line, or the place they already have, in this order. The Worker
   * signs the arrival number into the queue token, so asking again yields the same token. A
   * Worker sends the entries that reached it together (src/concert-client/entry-batcher.ts).
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

  /** The status, and the place's arrival (0 in the pre-queue), which the Worker keeps for a token that names an entry. */
  status(place: PlaceInLine): Result<PlaceStatus> {
    const now = Date.now()
    return this.ready(now) ? this.places.status(place, now) : notFound()
  }

  /**
   * The queue as plain data, for Workers to answer status polls from for a moment. `seen` are
   * the arrivals that polled a Worker since its last snapshot: they count as present.
   */
  snapshot(seen: number[]): Result<QueueSnapshot> {
    if (!this.meta.id) return notFound()
    const now = Date.now()
    for (const arrival of seen) this.line.seen(arrival, now)
    this.sweep(now)
    return ok(this.line.snapshot(now))
  }

  /** WebSocket upgrades and event streams, whose place the Worker verified (rpc.ts, socketUpgrade). */
  override async fetch(request: Request): Promise<Response> {
    const now = Date.now()
    this.sweep(now)
    const owner = socketOwner(request)
    const live = this.meta.id !== null ? this.places.live(owner) : null
    if (live) this.line.seen(live.arrival, now)
    const final = !live && this.sellOut.ended(owner) ? 'SOLD_OUT' : 'EXPIRED'
    return this.listeners.follow(request, live, (place) => this.places.liveStatus(place, this.line.moment(now)), final)
  }

  /** Any message from the client (a ping) answers with the current status and counts as presence. */
  override webSocketMessage(ws: WebSocket): void {
    const owner = this.listeners.sockets.ownerOf(ws)
    if (!owner) return
    const now = Date.now()
    this.sweep(now)
    this.line.seen(owner.arrival, now)
    this.listeners.sockets.forgetSent(ws)
    this.listeners.sockets.push(ws, (place) => this.places.liveStatus(place, this.line.moment(now)))
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.listeners.sockets.closed(ws, code)
  }

  override webSocketError(ws: WebSocket): void {
    this.listeners.sockets.closed(ws, 1011)
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

  /** Alarms are at-least-once: everything here is safe to run again. */
  override async alarm(): Promise<void> {
    this.alarmClock.fired(Date.now())
    this.sweep(Date.now())
    // A payment whose Worker died between the ledger and us: ask the ledger what happened.
    for (const id of this.payments.stuck(Date.now())) {
      const payment = await findPayment(this.env.DB, id)
      this.settle(id, payment?.id ?? null)
    }
    for (const id of this.refunds.stuck(Date.now())) this.settleRefund(id, (await findRefund(this.env.DB, id)) ?? null)
    if (this.outbox.due !== null && this.outbox.due <= Date.now()) {
      await this.outbox.relay(async (events) => {
        await this.env.SALE_EVENTS.sendBatch(events.map((body) => ({ body, contentType: 'json' as const })))
      })
    }
    this.alarmClock.rearm()
  }

  private settle(reservationId: string, paymentId: string | null) {
    if (this.payments.settle(reservationId, paymentId, Date.now())) this.afterChange()
  }

  private settleRefund(reservationId: string, refund: { id: string; amount: number; fee: number } | null) {
    if (this.refunds.settle(reservationId, refund, Date.now())) this.afterChange()
  }

  private requireActive(place: PlaceInLine, now: number): Result<QueueRow> {
    return this.ready(now) ? this.places.requireActive(place, now) : notFound()
  }

  /** A read of a configured concert, swept to now; CONCERT_NOT_FOUND before it is configured. */
  private read<T>(view: (now: number) => T): Result<T> {
    const now = Date.now()
    return this.ready(now) ? ok(view(now)) : notFound()
  }

  /** A configured concert, swept to `now`: what every read needs first. */
  private ready(now: number): boolean {
    if (!this.meta.id) return false
    this.sweep(now)
    return true
  }

  /** Whether this user may hold these seats now: the entry and the priced seats the hold needs, or why not. */
  private holdable(place: PlaceInLine, date: string, seatNumbers: number[], now: number) {
    const admitted = this.requireActive(place, now)
    if (!admitted.ok) return admitted
    const seats = this.seatPlan.holdable(admitted.value, date, seatNumbers, now)
    return seats.ok ? ok({ entry: admitted.value, seats: seats.value }) : seats
  }

  /** A change to the caller's own reservation, in the group commit; the alarm is re-armed when it went through. */
  private changeOwnReservation<T>(place: PlaceInLine, reservationId: string, change: (reservation: ReservationRow, now: number) => Result<T>): Promise<Result<T>> {
    return this.group.run(() => {
      const now = Date.now()
      const admitted = this.requireActive(place, now)
      const owned = admitted.ok ? this.seatPlan.owned(admitted.value.user_id, reservationId) : admitted
      const changed = owned.ok ? change(owned.value, now) : owned
      if (changed.ok) this.alarmClock.rearm()
      return changed
    })
  }

  /** Expires admissions, holds and idle waiters whose time has passed, then refills. Cheap when nothing is due. */
  private sweep(now: number) {
    if (!this.alarmClock.sweepIsDue(now)) return
    this.ctx.storage.transactionSync(() => {
      this.places.openIfDue(now)
      this.seatPlan.expireHolds(now)
      this.line.expireActive(now)
      this.line.dropIdle(now)
      this.line.admit(now)
    })
    this.afterChange()
  }

  /** After anything that may move positions or deadlines: re-arm the alarm, push positions, sample the history. */
  private afterChange() {
    this.alarmClock.rearm()
    this.listeners.schedule()
    if (!this.group.running) this.history.sample(Date.now())
  }

  /** A coalesced push is due: sweep first, so what is pushed is exact, then push every status at one moment. */
  private pushAll(to: Sockets | EventStreams) {
    const now = Date.now()
    this.sweep(now)
    const moment = this.line.moment(now)
    to.pushAll((owner) => this.places.liveStatus(owner, moment))
  }
}

const notFound = () => fail('CONCERT_NOT_FOUND')
