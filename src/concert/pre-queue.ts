import { fail, type Failure } from '../errors/catalogue'
import type { SaleStateView } from '../schemas'
import { drawOrder, newSeed } from './draw'
import type { ConcertMeta } from './meta'
import type { Outbox } from './outbox'
import type { PlaceInLine } from './rpc'

/** When a scheduled sale's pre-queue opens and when it is drawn, in ms. */
export interface SaleTimes {
  opensAt: number
  preQueueOpensAt: number
}

type Schedule = SaleTimes & { seed: string; commitment: string }

/** Where a scheduled sale stands: DUE is past opensAt with the draw not yet made (the next sweep makes it). */
export type SalePhase = 'SCHEDULED' | 'PRE_QUEUE' | 'DUE' | 'OPEN'

export interface PreQueueEntry {
  entryId: string
  userId: string
}

/** A drawn entry and the place in line the draw gave it. */
export interface DrawnPlace extends PreQueueEntry {
  arrival: number
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * A scheduled sale (meta `sale`) and its pre-queue (table `pre_queue`): entries carry no
 * order until opensAt, when they are drawn (src/concert/draw.ts) into the first places of the
 * line. The seed is made with the schedule and published only once the draw is made; its
 * commitment from the start. Each entry keeps the arrival the draw gave it, so a token that
 * names the entry finds its place, and the draw can be listed afterwards.
 */
export class PreQueue {
  private schedule: Schedule | null = null
  /** Entries drawn, once the draw is made. */
  private drawnCount: number | null = null
  /** Entries made. */
  private size = 0

  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
  ) {}

  load() {
    const sale = this.meta.text('sale')
    this.schedule = sale ? JSON.parse(sale) : null
    const drawn = this.meta.text('drawnEntries')
    this.drawnCount = drawn === undefined ? null : Number(drawn)
    this.size = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pre_queue').one().n
  }

  /** Call inside the configuring transaction. Returns the commitment to publish. */
  configure(times: SaleTimes): string {
    const { seed, commitment } = newSeed()
    this.schedule = { ...times, seed, commitment }
    this.meta.save('sale', JSON.stringify(this.schedule))
    return commitment
  }

  get scheduled(): boolean {
    return this.schedule !== null
  }

  get opensAt(): number | null {
    return this.schedule?.opensAt ?? null
  }

  phase(now: number): SalePhase {
    const s = this.schedule
    if (!s || this.drawnCount !== null) return 'OPEN'
    if (now >= s.opensAt) return 'DUE'
    return now >= s.preQueueOpensAt ? 'PRE_QUEUE' : 'SCHEDULED'
  }

  /** The refusal of an entry before the pre-queue opens. */
  notOpen(): Failure {
    return fail('SALE_NOT_OPEN', `The pre-queue opens at ${iso(this.schedule!.preQueueOpensAt)}`)
  }

  /**
   * Each user's entry, made unless they have one, while fewer than `room` are in: null for a
   * newcomer past it. Arriving early gives nothing, so the entries are unordered.
   */
  enter(userIds: string[], now: number, room: number | null): Array<(PreQueueEntry & { created: boolean }) | null> {
    const existing = new Map<string, string>()
    for (const row of this.sql.exec<{ entry_id: string; user_id: string }>('SELECT entry_id, user_id FROM pre_queue WHERE user_id IN (SELECT value FROM json_each(?))', JSON.stringify(userIds))) {
      existing.set(row.user_id, row.entry_id)
    }
    const made: PreQueueEntry[] = []
    for (const userId of userIds) {
      if (existing.has(userId) || (room !== null && this.size + made.length >= room)) continue
      const entry = { entryId: crypto.randomUUID(), userId }
      existing.set(userId, entry.entryId)
      made.push(entry)
    }
    if (made.length > 0) {
      this.sql.exec("INSERT INTO pre_queue (entry_id, user_id, entered_at) SELECT value ->> '$.entryId', value ->> '$.userId', ? FROM json_each(?)", now, JSON.stringify(made))
      this.outbox.recordAll('token.issued', now, made)
      this.size += made.length
    }
    const unanswered = new Set(made.map((m) => m.userId))
    return userIds.map((userId) => {
      const entryId = existing.get(userId)
      return entryId === undefined ? null : { entryId, userId, created: unanswered.delete(userId) }
    })
  }

  /** Whether this undrawn place (a token naming an entry) is in the pre-queue. */
  has({ entryId, userId }: PlaceInLine): boolean {
    return entryId !== undefined && this.sql.exec('SELECT 1 FROM pre_queue WHERE entry_id = ? AND user_id = ?', entryId, userId).toArray().length > 0
  }

  /** The place the draw gave this entry, if it was drawn and is this user's. */
  arrivalOf({ entryId, userId }: PlaceInLine): number | undefined {
    if (entryId === undefined || this.drawnCount === null) return undefined
    const row = this.sql.exec<{ arrival: number | null; user_id: string }>('SELECT arrival, user_id FROM pre_queue WHERE entry_id = ?', entryId).toArray()[0]
    return row?.user_id === userId ? (row.arrival ?? undefined) : undefined
  }

  /** The entry drawn into this place, if one was. */
  entryIdAt(arrival: number): string | undefined {
    if (this.drawnCount === null || arrival > this.drawnCount) return undefined
    return this.sql.exec<{ entry_id: string }>('SELECT entry_id FROM pre_queue WHERE arrival = ?', arrival).toArray()[0]?.entry_id
  }

  /**
   * Draws the pre-queue into the places after `lastArrival`, in the contract's order, and
   * publishes the seed (event `sale.opened`). Call inside the opening's transaction.
   */
  draw(lastArrival: number, now: number): DrawnPlace[] {
    const { seed } = this.schedule!
    const entries = this.sql.exec<{ entry_id: string; user_id: string }>('SELECT entry_id, user_id FROM pre_queue').toArray()
    const drawn = drawOrder(
      seed,
      entries.map((e) => ({ entryId: e.entry_id, userId: e.user_id })),
    ).map((e, i) => ({ ...e, arrival: lastArrival + i + 1 }))
    this.sql.exec("UPDATE pre_queue SET arrival = j.value ->> '$.arrival' FROM json_each(?) AS j WHERE pre_queue.entry_id = j.value ->> '$.entryId'", JSON.stringify(drawn))
    this.drawnCount = drawn.length
    this.meta.save('drawnEntries', String(drawn.length))
    this.outbox.record('sale.opened', now, { seed, drawnEntries: drawn.length })
    return drawn
  }

  /** The draw in order, once made. */
  drawnEntries(): string[] {
    return this.sql
      .exec<{ entry_id: string }>('SELECT entry_id FROM pre_queue WHERE arrival IS NOT NULL ORDER BY arrival')
      .toArray()
      .map((r) => r.entry_id)
  }

  get seed(): string | null {
    return this.drawnCount === null ? null : this.schedule!.seed
  }

  /** The opening is a deadline: the alarm fires at opensAt to draw with no request needed. */
  nextDeadline(): number | null {
    return this.schedule && this.drawnCount === null ? this.schedule.opensAt : null
  }

  /** The scheduled sale's fields of GET .../sale (none for a concert without one). */
  view(now: number): Omit<SaleStateView, 'concertId' | 'state'> & { phase: SalePhase } {
    const s = this.schedule
    if (!s) return { phase: 'OPEN' }
    const fields = { phase: this.phase(now), opensAt: iso(s.opensAt), preQueueOpensAt: iso(s.preQueueOpensAt), seedCommitment: s.commitment }
    return this.drawnCount === null ? fields : { ...fields, seed: s.seed, drawnEntries: this.drawnCount }
  }
}
