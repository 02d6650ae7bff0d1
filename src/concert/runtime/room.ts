import { fail, ok, type Result } from '../../errors/catalogue'
import { findPayment } from '../../ledger/payments'
import { findRefund } from '../../ledger/refunds'
import { AlarmClock } from './alarm-clock'
import { GroupCommit } from './group-commit'
import { History } from '../line/history'
import { RefusedEntries } from '../line/refused-entries'
import { WaitingLine } from '../line/line'
import type { QueueRow } from '../line/queue-rows'
import { ConcertMeta } from './meta'
import { Outbox } from '../fan-out/outbox'
import { Payments } from '../orders/payments'
import { Places } from '../line/places'
import { PreQueue } from '../pre-queue/pre-queue'
import { Refunds } from '../orders/refunds'
import { Relays } from '../fan-out/relays'
import type { PlaceInLine } from '../../shared/rpc'
import { migrate } from './schema'
import { SeatPlan } from '../seats/seat-plan'
import { OrderBook, type ReservationRow } from '../orders/order-book'
import { SellOut } from '../line/sell-out'
import { UsedProofs } from '../line/used-proofs'
import { Scanners } from '../tickets/scanners'
import { TicketBook } from '../tickets/ticket-book'
import { GateDesk } from '../tickets/gate-desk'
import { AutoPay } from '../waitlist/auto-pay'
import { Waitlist } from '../waitlist/waitlist'
import { WaitlistBook } from '../waitlist/waitlist-book'

/**
 * The concert object's room: its mechanisms wired to its storage, what the runtime calls on
 * the object (the alarm) and what every change needs (the sweep of due deadlines, the push to
 * the relays after a change, the group commit). ConcertObject (object.ts), the RPC surface, is
 * built from it. It holds no socket: relays do (src/relay/). The mechanisms are synchronous: no change awaits, so the
 * object's single thread is the lock, and two holds of one seat or two admissions of one place
 * cannot interleave. The only awaits are in `alarm()` (the ledger's answer for a payment or a
 * refund in flight) and in the outbox's relay.
 */
export class ConcertRoom {
  readonly meta: ConcertMeta
  readonly outbox: Outbox
  readonly relays: Relays
  readonly sellOut: SellOut
  readonly preQueue: PreQueue
  readonly line: WaitingLine
  readonly places: Places
  readonly history: History
  readonly refused: RefusedEntries
  readonly orders: OrderBook
  readonly seatPlan: SeatPlan
  readonly payments: Payments
  readonly refunds: Refunds
  readonly group: GroupCommit
  readonly alarmClock: AlarmClock
  readonly usedProofs: UsedProofs
  readonly tickets: TicketBook
  readonly gate: GateDesk
  readonly waitlist: Waitlist
  readonly autoPay: AutoPay

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {
    const { storage } = ctx
    this.meta = new ConcertMeta(storage.sql)
    this.outbox = new Outbox(storage.sql, this.meta)
    this.relays = new Relays(
      storage.sql,
      (name) => env.RELAY.get(env.RELAY.idFromName(name)),
      () => this.pushToRelays(),
      Number(env.RELAY_TREE_WIDTH),
      (arrivals) => {
        const now = Date.now()
        for (const arrival of arrivals) this.line.seen(arrival, now)
      },
    )
    this.orders = new OrderBook(
      storage.sql,
      (userId) => this.tickets.received(userId) + this.waitlist.book.seatsAsked(userId),
      (r, to, now, detail) => this.waitlist.orderMoved(r, to, now, detail),
    )
    this.seatPlan = new SeatPlan(storage, this.meta, this.outbox, this.orders, (date, seats) =>
      this.waitlist.seatsFreed(date, seats),
    )
    this.waitlist = new Waitlist(
      this.meta,
      this.seatPlan,
      this.orders,
      this.outbox,
      new WaitlistBook(storage.sql),
      () => this.relays.count > 0,
    )
    this.tickets = new TicketBook(storage.sql, this.outbox, (seat) => this.seatPlan.sectionsOf([seat])[0]!)
    this.gate = new GateDesk(this.meta, this.seatPlan, this.orders, this.tickets, new Scanners(storage.sql))
    this.sellOut = new SellOut(storage.sql, this.meta, this.outbox)
    this.preQueue = new PreQueue(storage.sql, this.meta, this.outbox)
    this.line = new WaitingLine(storage, this.meta, this.outbox, this.sellOut, this.preQueue, (now) =>
      this.seatPlan.left(now),
    )
    this.places = new Places(this.preQueue, this.line)
    this.usedProofs = new UsedProofs(storage.sql)
    this.refused = new RefusedEntries(storage.sql)
    this.history = new History(storage.sql, () => {
      const { arrivals, ...line } = this.line.totals()
      const preQueue = this.preQueue.entries
      const entered = arrivals - preQueue.drawn + preQueue.made
      return {
        ...line,
        sold: this.seatPlan.sold,
        entered,
        checkedIn: this.tickets.checkedIn,
        refused: { ...this.refused.totals },
        ...this.waitlist.book.totals,
      }
    })
    const orderParts = [storage, this.meta, this.outbox, this.orders, this.seatPlan, this.line, this.sellOut] as const
    this.payments = new Payments(...orderParts, this.tickets, this.waitlist)
    this.refunds = new Refunds(...orderParts, this.tickets, this.waitlist)
    this.autoPay = new AutoPay(storage, this.waitlist.book, this.orders, this.payments, env.DB, (id, paymentId) =>
      this.settle(id, paymentId),
    )
    this.group = new GroupCommit(ctx, () => {
      this.line.arrivals.store()
      this.history.sample(Date.now())
      this.alarmClock.groupEnded()
    })
    this.alarmClock = new AlarmClock(storage, this.group, {
      sweep: (now) => [this.preQueue.nextDeadline(), this.line.nextDeadline(now), this.seatPlan.nextDeadline()],
      alarmOnly: () => [
        this.payments.nextDeadline(),
        this.refunds.nextDeadline(),
        this.autoPay.nextDeadline(),
        this.outbox.due,
      ],
    })
    void ctx.blockConcurrencyWhile(async () => {
      migrate(storage)
      const now = Date.now()
      this.meta.load()
      this.tickets.load()
      this.waitlist.book.load()
      this.sellOut.load()
      this.preQueue.load()
      this.line.load(now)
      this.relays.load()
      this.outbox.load(now)
      await this.alarmClock.load()
      this.alarmClock.rearm()
    })
  }

  /** Alarms are at-least-once: everything here is safe to run again. */
  async alarm(): Promise<void> {
    this.alarmClock.fired(Date.now())
    this.sweep(Date.now())
    this.usedProofs.prune(Date.now())
    // A payment whose Worker died between the ledger and us: ask the ledger what happened.
    for (const id of this.payments.stuck(Date.now())) {
      const payment = await findPayment(this.env.DB, id)
      this.settle(id, payment?.id ?? null)
    }
    for (const id of this.refunds.stuck(Date.now())) this.settleRefund(id, (await findRefund(this.env.DB, id)) ?? null)
    await this.autoPay.run()
    if (this.outbox.due !== null && this.outbox.due <= Date.now()) {
      await this.outbox.relay(async (events) => {
        await this.env.SALE_EVENTS.sendBatch(events.map((body) => ({ body, contentType: 'json' as const })))
      })
    }
    this.alarmClock.rearm()
  }

  settle(reservationId: string, paymentId: string | null) {
    if (this.payments.settle(reservationId, paymentId, Date.now())) this.afterChange()
  }

  settleRefund(reservationId: string, refund: { id: string; amount: number; fee: number } | null) {
    if (this.refunds.settle(reservationId, refund, Date.now())) this.afterChange()
  }

  requireActive(place: PlaceInLine, now: number): Result<QueueRow> {
    return this.ready(now) ? this.places.requireActive(place, now) : notFound()
  }

  /** A read of a configured concert, swept to now; CONCERT_NOT_FOUND before it is configured. */
  read<T>(view: (now: number) => T): Result<T> {
    const now = Date.now()
    return this.ready(now) ? ok(view(now)) : notFound()
  }

  /** A configured concert, swept to `now`: what every read needs first. */
  ready(now: number): boolean {
    if (!this.meta.id) return false
    this.sweep(now)
    return true
  }

  /** Whether this user may hold these seats now: the entry and the priced seats the hold needs, or why not. */
  holdable(place: PlaceInLine, date: string, seatNumbers: number[], now: number) {
    const admitted = this.requireActive(place, now)
    if (!admitted.ok) return admitted
    const seats = this.seatPlan.holdable(admitted.value, date, seatNumbers, now)
    return seats.ok ? ok({ entry: admitted.value, seats: seats.value }) : seats
  }

  /** A change to the caller's own reservation, in the group commit; the alarm is re-armed when it went through. */
  changeOwnReservation<T>(
    place: PlaceInLine,
    reservationId: string,
    change: (reservation: ReservationRow, now: number) => Result<T>,
  ): Promise<Result<T>> {
    return this.group.run(() => {
      const now = Date.now()
      const admitted = this.requireActive(place, now)
      const owned = admitted.ok ? this.orders.owned(admitted.value.user_id, reservationId) : admitted
      const changed = owned.ok ? change(owned.value, now) : owned
      if (changed.ok) this.alarmClock.rearm()
      return changed
    })
  }

  /** A change in the group commit, in a nested transaction of its own (a change that throws is rolled back alone), of a configured concert. */
  change<T>(change: (now: number) => Result<T>): Promise<Result<T>> {
    return this.group.run(() => {
      const now = Date.now()
      if (!this.ready(now)) return notFound()
      const changed = this.ctx.storage.transactionSync(() => change(now))
      // Its outbox event is due: the alarm relays it.
      if (changed.ok) this.alarmClock.rearm()
      return changed
    })
  }

  /** After a change that may have freed seats (the waitlist was offered them first): the rest may admit the next users. */
  admitAfter<T>(changed: Result<T>, now: number): Result<T> {
    if (changed.ok) {
      this.line.admit(now)
      this.relays.schedule()
    }
    return changed
  }

  /** Expires admissions, holds and idle waiters whose time has passed, then refills. Cheap when nothing is due. */
  sweep(now: number) {
    if (!this.alarmClock.sweepIsDue(now)) return
    this.ctx.storage.transactionSync(() => {
      this.places.openIfDue(now)
      this.seatPlan.expireHolds(now)
      this.line.expireActive(now)
      this.waitlist.offerFreed(now)
      this.line.dropIdle(now)
      this.line.admit(now)
    })
    this.afterChange()
  }

  /** After anything that may move positions or deadlines: re-arm the alarm, tell the relays, sample the history. */
  afterChange() {
    this.alarmClock.rearm()
    this.relays.schedule()
    if (!this.group.running) this.history.sample(Date.now())
  }

  /** A coalesced push is due: sweep first, so what is pushed is exact, then send each relay what changed (and the waitlist's news). */
  private pushToRelays() {
    const now = Date.now()
    this.sweep(now)
    this.relays.push((have) => this.line.view(now, have), this.waitlist.takeNews())
  }
}

export const notFound = () => fail('CONCERT_NOT_FOUND')
