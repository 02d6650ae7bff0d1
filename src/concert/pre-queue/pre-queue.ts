import { fail, ok, type Failure, type Result } from '../../errors/catalogue'
import type { QueueStatusView, SaleDrawView, SaleStateView } from '../../schemas'
import { drawKeys, newSeed } from '../../shared/draw'
import type { DrawOrderView } from '../../shared/draw-order'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import { DrawSlices } from './draw-slices'
import { KEY_ORDER, PreQueueOrder } from './pre-queue-order'
import { preQueueStatus, type Moment } from '../../shared/policy'
import type { PlaceInLine, QueueEntryView, SaleTimes } from '../../shared/rpc'
import { chooseNewcomers } from '../line/newcomers'

type Schedule = SaleTimes & { seed: string; commitment: string }

/** Where a scheduled sale stands: DUE is past opensAt with the draw not begun (the next sweep begins it); DRAWING, its slices being made. */
export type SalePhase = 'SCHEDULED' | 'PRE_QUEUE' | 'DUE' | 'DRAWING' | 'OPEN'

export interface PreQueueEntry {
  entryId: string
  userId: string
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * A scheduled sale (meta `sale`) and its pre-queue (table `pre_queue`): entries carry no
 * order until opensAt, when they are drawn (src/shared/draw.ts) into the first places of the
 * line. The seed is made with the schedule and published only once the draw is made; its
 * commitment from the start. Each entry keeps the arrival the draw gave it, so a token that
 * names the entry finds its place, and the draw can be listed afterwards.
 */
export class PreQueue {
  private schedule: Schedule | null = null
  /** Entries made. */
  private size = 0
  /** The keys' order, once the draw has begun: for places not yet given, and for gates. */
  private readonly order: PreQueueOrder
  readonly draw: DrawSlices

  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
  ) {
    this.order = new PreQueueOrder(sql)
    this.draw = new DrawSlices(sql, meta, this.order)
  }

  load() {
    const sale = this.meta.text('sale')
    this.schedule = sale ? (JSON.parse(sale) as Schedule) : null
    this.draw.load()
    this.size = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pre_queue').one().n
    this.order.load(this.size)
  }

  /** Call inside the configuring transaction. Returns the commitment to publish. */
  configure(times: SaleTimes): string {
    const { seed, commitment } = newSeed()
    this.schedule = { ...times, seed, commitment }
    this.meta.save('sale', JSON.stringify(this.schedule))
    return commitment
  }

  /** Entries made, and how many of them the draw has placed in the line (all of them once it begins): the history counts entries when they are made. */
  get entries(): { made: number; drawn: number } {
    return { made: this.size, drawn: this.draw.size ?? 0 }
  }

  get opensAt(): number | null {
    return this.schedule?.opensAt ?? null
  }

  phase(now: number): SalePhase {
    const s = this.schedule
    if (!s || this.draw.made) return 'OPEN'
    if (this.draw.underWay) return 'DRAWING'
    if (now >= s.opensAt) return 'DUE'
    return now >= s.preQueueOpensAt ? 'PRE_QUEUE' : 'SCHEDULED'
  }

  /** The refusal of an entry before the pre-queue opens. */
  notOpen(): Failure {
    return fail('SALE_NOT_OPEN', `The pre-queue opens at ${iso(this.schedule!.preQueueOpensAt)}`)
  }

  /** The refusal of anything but a status to a pre-queue entry. */
  notDrawn(): Failure {
    return fail('QUEUE_NOT_ACTIVE', `You are in the pre-queue; the order is drawn at ${iso(this.schedule!.opensAt)}`)
  }

  /**
   * Each user's entry, made unless they have one; maxWaitingUsers bounds the pre-queue as it
   * bounds the line it becomes. Arriving early gives nothing, so the entries are unordered.
   * Call inside a transaction.
   */
  enter(
    userIds: string[],
    moment: Moment,
    refuse: (userId: string) => Failure | null = () => null,
  ): Array<Result<QueueEntryView>> {
    const { now } = moment
    const room = this.meta.policy.maxWaitingUsers
    const existing = new Map<string, string>()
    for (const row of this.sql.exec<{ entry_id: string; user_id: string }>(
      'SELECT entry_id, user_id FROM pre_queue WHERE user_id IN (SELECT value FROM json_each(?))',
      JSON.stringify(userIds),
    )) {
      existing.set(row.user_id, row.entry_id)
    }
    const { newcomers, refused } = chooseNewcomers(
      userIds,
      (userId) => existing.has(userId),
      (newcomersSoFar) => room === null || this.size + newcomersSoFar < room,
      refuse,
    )
    const made: PreQueueEntry[] = newcomers.map((userId) => ({ entryId: crypto.randomUUID(), userId }))
    for (const { userId, entryId } of made) existing.set(userId, entryId)
    if (made.length > 0) {
      const keys = drawKeys(
        this.schedule!.seed,
        made.map((m) => m.entryId),
      )
      this.sql.exec(
        "INSERT INTO pre_queue (entry_id, user_id, entered_at, draw_key) SELECT value ->> '$.entryId', value ->> '$.userId', ?, value ->> '$.key' FROM json_each(?)",
        now,
        JSON.stringify(made.map((m, i) => ({ ...m, key: keys[i] }))),
      )
      this.outbox.recordAll('token.issued', now, made)
      this.order.entered(keys)
      this.size += made.length
    }
    const unanswered = new Set(made.map((m) => m.userId))
    return userIds.map((userId) => {
      const entryId = existing.get(userId)
      if (entryId === undefined) return refused.get(userId) ?? fail('QUEUE_FULL')
      return ok({
        created: unanswered.delete(userId),
        arrival: 0,
        entryId,
        status: this.status({ arrival: 0, userId, entryId }, moment)!,
      })
    })
  }

  /** The status of an entry while the pre-queue is open (from the opening each has its place); null otherwise. */
  status({ userId, entryId }: PlaceInLine, moment: Moment): QueueStatusView | null {
    if (entryId === undefined || this.phase(moment.now) !== 'PRE_QUEUE') return null
    return { userId, concertId: this.meta.id!, ...preQueueStatus(entryId, this.schedule!.opensAt, moment) }
  }

  /** A place whose token names a pre-queue entry, with its arrival once the draw has begun (still 0 before). */
  placed<P extends PlaceInLine>(place: P): P {
    if (place.arrival !== 0 || place.entryId === undefined) return place
    const arrival = this.arrivalOf(place)
    return arrival === undefined ? place : { ...place, arrival }
  }

  /** Whether this place (a token naming an entry, given no arrival: the draw has not begun) is in the pre-queue. */
  undrawn({ arrival, entryId, userId }: PlaceInLine): boolean {
    return (
      arrival === 0 &&
      entryId !== undefined &&
      this.sql.exec('SELECT 1 FROM pre_queue WHERE entry_id = ? AND user_id = ?', entryId, userId).toArray().length > 0
    )
  }

  /** The place the draw gives this entry, once it has begun, if it is this user's. */
  arrivalOf(place: Pick<PlaceInLine, 'entryId' | 'userId'>): number | undefined {
    return this.arrivalsOf([place])[0] || undefined
  }

  /** Of these users, those with an entry the draw has not reached yet: their entry ids. */
  undrawnEntriesOf(userIds: string[]): Map<string, string> {
    const rows = this.sql.exec<{ entry_id: string; user_id: string }>(
      'SELECT entry_id, user_id FROM pre_queue WHERE arrival IS NULL AND user_id IN (SELECT value FROM json_each(?))',
      JSON.stringify(userIds),
    )
    return new Map(Array.from(rows, (r) => [r.user_id, r.entry_id]))
  }

  /**
   * The places the draw gives these entries, in one statement: from its beginning, those of its
   * slices still to come too (their rank among the keys). 0 before it, and for an entry not
   * the user's.
   */
  arrivalsOf(places: Array<Pick<PlaceInLine, 'entryId' | 'userId'>>): number[] {
    if (!this.draw.begun) return places.map(() => 0)
    const found = new Map<string, { entry_id: string; arrival: number | null; draw_key: string }>()
    for (const row of this.sql.exec<{ entry_id: string; arrival: number | null; user_id: string; draw_key: string }>(
      'SELECT entry_id, arrival, user_id, draw_key FROM pre_queue WHERE user_id IN (SELECT value FROM json_each(?))',
      JSON.stringify(places.map((p) => p.userId)),
    )) {
      found.set(row.user_id, row)
    }
    return places.map(({ entryId, userId }) => {
      const row = found.get(userId)
      return row !== undefined && row.entry_id === entryId ? (row.arrival ?? this.placeToCome(row.draw_key)) : 0
    })
  }

  /** While the draw is under way, whether this arrival is one of its places not yet given (it waits, with no row in the line yet). */
  toCome(arrival: number): boolean {
    const places = this.draw.undrawnPlaces()
    return places !== null && arrival >= places.from && arrival <= places.to
  }

  /** The place of an entry the draw has not reached: the places follow the keys' order. */
  private placeToCome(key: string): number {
    return this.draw.base! + 1 + this.order.rankOf(key)
  }

  /** Once the draw has begun: what a gate needs to find any entry's place itself (src/gate/gate.ts); null before. */
  orderView(): DrawOrderView | null {
    if (!this.draw.begun) return null
    // After the draw its places are the rows' arrivals, the first of them base + 1.
    const base =
      this.draw.base ??
      (this.sql.exec<{ first: number | null }>('SELECT MIN(arrival) AS first FROM pre_queue').one().first ?? 1) - 1
    return { seed: this.schedule!.seed, base, prefixes: this.order.prefixes() }
  }

  /**
   * The opening: the draw begins. Its places are every arrival after `lastArrival` up to the
   * size of the pre-queue (the line reserves them at once, so positions stay exact while they
   * are given); `draw` gives them, slice by slice, in the contract's order. Returns how many. Call inside
   * the opening's transaction.
   */
  beginDraw(lastArrival: number, now: number): number {
    const { seed } = this.schedule!
    // Entries made before keys were kept (schema version 3) get theirs now (found by the index: its null keys).
    const keyless = this.sql
      .exec<{ entry_id: string }>('SELECT entry_id FROM pre_queue WHERE substr(draw_key, 1, 8) IS NULL')
      .toArray()
    drawKeys(
      seed,
      keyless.map((r) => r.entry_id),
    ).forEach((key, i) =>
      this.sql.exec('UPDATE pre_queue SET draw_key = ? WHERE entry_id = ?', key, keyless[i]!.entry_id),
    )
    this.order.begin(keyless.length > 0)
    this.draw.begin(lastArrival, this.size, now)
    // The order is fixed now (the keys' order): the seed is published as the draw begins.
    this.outbox.record('sale.opened', now, { seed, drawnEntries: this.size })
    return this.size
  }

  /** GET .../sale/draw: the seed and the entries in drawn order, once the draw is made. */
  drawn(): Result<SaleDrawView> {
    if (!this.schedule) return fail('NO_DRAW')
    if (!this.draw.begun) return fail('SALE_NOT_OPEN', `The draw is made at ${iso(this.schedule.opensAt)}`)
    // The drawn order is the keys' order, whole from the draw's beginning, while places are still being given.
    const entries = this.sql
      .exec<{ entry_id: string }>(`SELECT entry_id FROM pre_queue ORDER BY ${KEY_ORDER}`)
      .toArray()
    return ok({ seed: this.schedule.seed, entries: entries.map((r) => r.entry_id) })
  }

  /** The opening is a deadline: the alarm fires at opensAt to draw with no request needed. */
  nextDeadline(): number | null {
    if (this.draw.underWay) return this.draw.nextAt
    return this.schedule && !this.draw.made ? this.schedule.opensAt : null
  }

  /** GET .../sale: the state, and for a scheduled sale its times and commitment, then its seed. */
  saleState(now: number, soldOut: boolean): SaleStateView {
    const phase = this.phase(now)
    const state: SaleStateView['state'] = soldOut ? 'SOLD_OUT' : phase === 'DUE' || phase === 'DRAWING' ? 'OPEN' : phase
    const s = this.schedule
    if (!s) return { concertId: this.meta.id!, state }
    const fields = {
      concertId: this.meta.id!,
      opensAt: iso(s.opensAt),
      preQueueOpensAt: iso(s.preQueueOpensAt),
      state,
      seedCommitment: s.commitment,
    }
    const drawnEntries = this.draw.size
    return drawnEntries === undefined ? fields : { ...fields, seed: s.seed, drawnEntries }
  }
}
