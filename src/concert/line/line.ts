import type { TokenEndReason } from '../../events/sale-event'
import { fail, ok, type Failure, type Result } from '../../errors/catalogue'
import type { QueueStatusView } from '../../schemas'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import { ActivePlaces } from './active-places'
import { Arrivals } from './arrivals'
import type { SellOut } from './sell-out'
import { hasRoomToWait, nextDeadline, placeStatus, SOLD_OUT_STATUS, type Moment } from '../../shared/policy'
import { Presence } from './presence'
import type { PreQueue } from '../pre-queue/pre-queue'
import type { PlaceInLine, QueueEntryView } from '../../shared/rpc'
import type { LineView, ViewVersion } from '../../shared/line-view'
import { LineViews } from '../../shared/line-views'
import { QueueRows, type QueueRow } from './queue-rows'
import { chooseNewcomers } from './newcomers'
import { WaitingIndex } from '../../shared/waiting-index'

/**
 * The waiting line (table `queue`): places by arrival, admission within the policy's caps,
 * presence and idleness, and the end of a place. Positions and admissions are answered from
 * memory (a Fenwick tree, the ACTIVE places: active-places.ts), rebuilt from SQLite on wake.
 */
export class WaitingLine {
  readonly arrivals: Arrivals
  private abandoned = 0
  /** Live WAITING arrivals: positions in O(log n). */
  private waiting = new WaitingIndex()
  private readonly active: ActivePlaces
  private readonly presence = new Presence()
  private readonly views = new LineViews()
  private readonly rows: QueueRows

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
    private readonly sellOut: SellOut,
    /** Whose entries join the line at the draw, and whether a view tells the pre-queue's phase. */
    private readonly preQueue: PreQueue,
    /** Seats AVAILABLE now, told in every status; while none is, nobody is admitted. */
    private readonly seatsLeft: (now: number) => number,
  ) {
    this.arrivals = new Arrivals(meta)
    this.active = new ActivePlaces(storage.sql, meta)
    this.rows = new QueueRows(storage.sql)
  }

  load(now: number) {
    this.arrivals.load()
    this.abandoned = this.meta.number('abandoned')
    this.active.load(now)
    const waiting: number[] = []
    for (const r of this.rows.all()) {
      if (r.status === 'ACTIVE') this.active.add(r.arrival, r.active_until!)
      else {
        waiting.push(r.arrival)
        this.presence.touch(r.arrival, now)
      }
    }
    // A draw under way: the places it has reserved but not yet given wait too.
    this.waiting = new WaitingIndex(waiting)
    const undrawn = this.preQueue.draw.undrawnPlaces()
    if (undrawn) this.waiting.addRange(undrawn.from, undrawn.to)
  }

  counts(now: number) {
    return {
      waiting: this.waiting.size,
      active: this.active.size,
      admittedLastMinute: this.active.inLastMinute(now),
      abandoned: this.abandoned,
    }
  }

  /** What statuses told now are told against; one per push to every socket. */
  moment(now: number): Moment {
    return { now, admissionRate: this.active.rate(now), seatsLeft: this.seatsLeft(now) }
  }

  /**
   * Gives each user a place at the back, or the place they already have, in this order; the
   * new rows and their events are written by one statement each. When places were made,
   * `moved` says whether more than the back of the line changed: an admission at once, or
   * the first one waiting (which starts the idle clock). `refuse` may refuse a user a new place
   * (its proof of work: used-proofs.ts); a place already had is answered whatever it says.
   */
  enter(
    userIds: string[],
    now: number,
    refuse: (userId: string) => Failure | null = () => null,
  ): { entries: Array<Result<QueueEntryView>>; moved: boolean } {
    const places = new Map<string, number>()
    const entryIds = new Map<string, string>()
    for (const row of this.rows.placesOf(userIds)) {
      places.set(row.user_id, row.arrival)
      if (row.entry_id !== null) entryIds.set(row.user_id, row.entry_id)
      this.seen(row.arrival, now)
    }
    // Those admitted as soon as they join never wait: the cap on waiting counts the rest.
    const admittedAtOnce = this.active.room(now, Number.POSITIVE_INFINITY, this.seatsLeft(now))
    const chosen = chooseNewcomers(
      userIds,
      (userId) => places.has(userId),
      (newcomersSoFar) =>
        !this.sellOut.happened && hasRoomToWait(this.waiting.size + newcomersSoFar - admittedAtOnce, this.meta.policy),
      refuse,
    )
    const newcomers = chosen.newcomers.map((userId, i) => ({ userId, arrival: this.arrivals.last + 1 + i }))
    for (const { userId, arrival } of newcomers) places.set(userId, arrival)
    const firstWaiting = this.waiting.size === 0
    if (newcomers.length > 0) this.joinTheBack(newcomers, now)
    const moved = firstWaiting || newcomers.some(({ arrival }) => this.active.has(arrival))
    // Only the first of a user's entries in the batch made the place; a repeat finds it made.
    const unanswered = new Set(newcomers.map((n) => n.userId))
    // One moment for the whole batch: the seats left and the admission rate are the same for every entry in it.
    const moment = this.moment(now)
    const entries = userIds.map((userId) => {
      const arrival = places.get(userId)
      if (arrival === undefined)
        return chosen.refused.get(userId) ?? fail(this.sellOut.happened ? 'SOLD_OUT' : 'QUEUE_FULL')
      const entryId = entryIds.get(userId)
      const place = entryId ? { userId, arrival, entryId } : { userId, arrival }
      return ok({ created: unanswered.delete(userId), ...place, status: this.describe(place, moment) })
    })
    return { entries, moved }
  }

  /**
   * A slice of the draw (places `first` to `first + count - 1`, as draw-slices.ts numbered them)
   * joins the line, everyone counted as seen now: its rows come straight from the pre-queue's
   * table in one statement. Call inside the slice's transaction.
   */
  joinDrawn(first: number, count: number, now: number) {
    if (this.sellOut.happened) {
      // Every seat sold while the draw was under way: the places it gives now end as the waiting did.
      const ended = this.rows.drawnPlaces(first, first + count - 1)
      for (const { arrival } of ended) this.leave(arrival)
      this.sellOut.record(ended, now)
      return
    }
    this.rows.joinDrawn(first, first + count - 1, now)
    for (let arrival = first; arrival < first + count; arrival++) this.presence.touch(arrival, now)
    this.admit(now)
  }

  /** The draw begins: its places, the next `count` arrivals, wait from now on (their rows come with their slice). */
  reserveDrawn(count: number) {
    const first = this.arrivals.take(count)
    this.waiting.addRange(first, first + count - 1)
    this.arrivals.store()
  }

  /** The line's part of the history's totals (src/concert/line/history.ts). */
  totals() {
    return {
      waiting: this.waiting.size,
      active: this.active.size,
      admitted: this.active.admittedTotal,
      abandoned: this.abandoned,
      arrivals: this.arrivals.last,
    }
  }

  private joinTheBack(newcomers: Array<{ userId: string; arrival: number }>, now: number) {
    this.storage.transactionSync(() => {
      this.rows.join(newcomers, now)
      this.outbox.recordAll('token.issued', now, newcomers)
      for (const { arrival } of newcomers) {
        this.waiting.add(arrival)
        this.presence.touch(arrival, now)
      }
      this.arrivals.take(newcomers.length)
      this.admit(now)
    })
  }

  /** The live entry at this arrival, if it is this user's (arrivals are never reused). */
  entryFor({ arrival, userId }: PlaceInLine): QueueRow | undefined {
    const row = this.rows.at(arrival)
    return row?.user_id === userId ? row : undefined
  }

  /** A poll, a socket or an entry shows this waiting user is still there. (A place the draw has still to give starts its idle clock with its slice.) */
  seen(arrival: number, now: number) {
    if (this.waiting.has(arrival) && !this.preQueue.toCome(arrival)) this.presence.touch(arrival, now)
  }

  status(place: PlaceInLine, now: number): Result<QueueStatusView> {
    if (!this.entryFor(place))
      return this.sellOut.ended(place)
        ? ok({ userId: place.userId, concertId: this.meta.id!, ...SOLD_OUT_STATUS })
        : tokenInvalid()
    this.seen(place.arrival, now)
    return ok(this.describe(place, this.moment(now)))
  }

  /** The entry of an ACTIVE place, or why it may not act yet. */
  requireActive(place: PlaceInLine, now: number): Result<QueueRow> {
    const entry = this.entryFor(place)
    if (!entry) return this.preQueue.toCome(place.arrival) ? this.stillWaiting(place.arrival) : tokenInvalid()
    if (entry.status !== 'ACTIVE') {
      this.seen(entry.arrival, now)
      return this.stillWaiting(entry.arrival)
    }
    return ok(entry)
  }

  private stillWaiting(arrival: number): Failure {
    return fail('QUEUE_NOT_ACTIVE', `You are still waiting in line (position ${this.waiting.position(arrival)})`)
  }

  /** A live place's status, or null once it has ended: from memory alone, cheap enough to push to thousands. */
  liveStatus(place: PlaceInLine, moment: Moment): QueueStatusView | null {
    return this.isLive(place.arrival) ? this.describe(place, moment) : null
  }

  private describe({ userId, arrival, entryId }: PlaceInLine, moment: Moment): QueueStatusView {
    const activeUntil = this.active.untilOf(arrival)
    const place = activeUntil !== undefined ? { activeUntil } : { position: this.waiting.position(arrival) }
    return {
      userId,
      concertId: this.meta.id!,
      ...(entryId ? { entryId } : {}),
      ...placeStatus(place, moment, this.meta.policy),
    }
  }

  /** The line as Workers and relays answer statuses from it: whole, or what changed since the version they have. */
  view(now: number, have?: ViewVersion): LineView {
    const { admissionRate, seatsLeft } = this.moment(now)
    const phase = this.preQueue.phase(now)
    const header = {
      concertId: this.meta.id!,
      lastArrival: this.arrivals.last,
      active: this.active.list(),
      admissionRate,
      seatsLeft,
      soldOut: this.sellOut.happened,
      preQueueUntil: phase === 'PRE_QUEUE' || phase === 'DRAWING' ? this.preQueue.opensAt : null,
      policy: this.meta.policy,
    }
    return this.views.view(header, this.waiting, have)
  }

  /** A WAITING arrival stops waiting: admitted, idle, or ended; views are told. */
  private leave(arrival: number) {
    if (!this.waiting.has(arrival)) return
    this.waiting.remove(arrival)
    this.views.left(arrival)
  }

  /** Fills free ACTIVE places with the longest-waiting users, within the rate cap. Call inside a transaction. */
  admit(now: number) {
    const count = this.active.room(now, this.waiting.size, this.seatsLeft(now))
    if (count === 0) return
    const activeUntil = now + this.meta.policy.activeTtlSeconds * 1000
    // While the draw is under way, nobody past the places it has given (their rows are still to come).
    const admitted = this.rows.admitFront(count, this.preQueue.draw.drawnUpTo ?? Number.MAX_SAFE_INTEGER, activeUntil)
    for (const { arrival, userId } of admitted) {
      this.outbox.record('token.admitted', now, { userId, arrival })
      this.leave(arrival)
      this.presence.forget(arrival)
    }
    this.active.admitted(admitted, activeUntil, now)
  }

  /** Ends a place if it is still live: its row and its place in memory (relays tell its listeners from the next view). */
  end(arrival: number, reason: TokenEndReason, now: number) {
    const userId = this.rows.remove(arrival)
    if (userId !== undefined) this.outbox.record('token.expired', now, { userId, arrival, reason })
    this.leave(arrival)
    this.active.delete(arrival)
    this.presence.forget(arrival)
  }

  /** Every seat is sold: each WAITING place ends (its listeners are told SOLD_OUT by the object, asked by their relay). Returns those places. Call inside a transaction. */
  endAllWaiting(): PlaceInLine[] {
    const ended = this.rows.removeAllWaiting()
    for (const { arrival } of ended) {
      this.leave(arrival)
      this.presence.forget(arrival)
    }
    return ended
  }

  isLive(arrival: number): boolean {
    return this.waiting.has(arrival) || this.active.has(arrival)
  }

  /** ACTIVE places whose admission has run out. Call inside a transaction. */
  expireActive(now: number) {
    for (const arrival of this.rows.activeEndedBy(now)) this.end(arrival, 'ACTIVE_TIMEOUT', now)
  }

  /** WAITING users unseen for idleTimeoutSeconds leave (a relay reports those with a socket or a stream as seen). */
  dropIdle(now: number) {
    const idle = this.presence.idleSince(now - this.meta.policy.idleTimeoutSeconds * 1000)
    if (idle.length === 0) return
    let dropped = 0
    for (const arrival of idle) {
      if (!this.waiting.has(arrival)) {
        this.presence.forget(arrival)
      } else {
        this.end(arrival, 'IDLE', now)
        dropped++
      }
    }
    if (dropped > 0) {
      this.abandoned += dropped
      this.meta.save('abandoned', String(this.abandoned))
    }
  }

  /** The line's earliest deadline: an admission ending, a waiter going idle, or an admission due (now, or when the rate cap allows). */
  nextDeadline(now: number): number | null {
    const idleSince = this.presence.oldest()
    return nextDeadline([
      this.rows.earliestActiveEnd(),
      idleSince === null ? null : idleSince + this.meta.policy.idleTimeoutSeconds * 1000,
      this.active.nextAdmissionAt(now, this.waiting.size, this.seatsLeft(now)),
    ])
  }
}

const tokenInvalid = () => fail('QUEUE_TOKEN_INVALID')
