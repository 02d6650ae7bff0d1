import type { ConcertMeta } from '../runtime/meta'
import type { PreQueueOrder } from './pre-queue-order'

/**
 * The draw writes its places to the line in slices of about this many entries, in the order of
 * their draw keys, one change each, the next DRAW_SLICE_SPACING_MS after one began: the object
 * answers everyone between slices. Statuses do not wait for it (every entry has its place from
 * the opening: pre-queue-order.ts); admission does, so this bounds the opening's burst of
 * admissions to this many a second. A slice costs the object about 19 µs an entry
 * (`npm run bench:costs`, "the draw's slices"; docs/scale.md).
 */
export const DRAW_SLICE = 5_000
const DRAW_SLICE_SPACING_MS = 1_000

/** A draw under way (meta `drawing`): its places are base + 1 to base + size, `drawn` of them given so far. */
interface Drawing {
  base: number
  size: number
  drawn: number
  nextAt: number
}

/**
 * The draw's progress: from the opening, under way slice by slice (meta `drawing`), then made
 * (meta `drawnEntries`). Each slice gives the next entries of the pre-queue (`pre_queue`,
 * which pre-queue.ts owns) their arrivals.
 */
export class DrawSlices {
  private drawing: Drawing | null = null
  /** Entries drawn, once the draw is made. */
  private drawnCount: number | null = null

  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: ConcertMeta,
    private readonly order: PreQueueOrder,
  ) {}

  load() {
    const drawn = this.meta.text('drawnEntries')
    this.drawnCount = drawn === undefined ? null : Number(drawn)
    const drawing = this.meta.text('drawing')
    this.drawing = drawing ? (JSON.parse(drawing) as Drawing) : null
  }

  /** Whether the draw has begun: under way or made. */
  get begun(): boolean {
    return this.drawing !== null || this.drawnCount !== null
  }

  get underWay(): boolean {
    return this.drawing !== null
  }

  get made(): boolean {
    return this.drawnCount !== null
  }

  /** The entries it places (all of them from its beginning); undefined before. */
  get size(): number | undefined {
    return this.drawnCount ?? this.drawing?.size
  }

  /** While under way: the arrival after which its places begin. */
  get base(): number | undefined {
    return this.drawing?.base
  }

  /** While under way: the places given so far end at this arrival (admission stops there). */
  get drawnUpTo(): number | null {
    return this.drawing && this.drawing.base + this.drawing.drawn
  }

  /** While under way: the places reserved but not yet given. */
  undrawnPlaces(): { from: number; to: number } | null {
    return (
      this.drawing && { from: this.drawing.base + this.drawing.drawn + 1, to: this.drawing.base + this.drawing.size }
    )
  }

  /** The opening: `size` places after `base`, the first slice due now. Call inside the opening's transaction. */
  begin(base: number, size: number, now: number) {
    this.save({ base, size, drawn: 0, nextAt: now })
  }

  /** When the next slice is due; null unless under way. */
  get nextAt(): number | null {
    return this.drawing?.nextAt ?? null
  }

  sliceDue(now: number): boolean {
    return this.drawing !== null && now >= this.drawing.nextAt
  }

  /**
   * The next slice: the next DRAW_SLICE entries by draw key (a few more when keys share a
   * prefix at its end) get the next places. Returns the places given. Call inside a transaction.
   */
  drawSlice(now: number): { first: number; count: number } {
    const d = this.drawing!
    const first = d.base + d.drawn + 1
    const { from, to, count } = this.order.slice(d.drawn, DRAW_SLICE)
    // Within the slice the whole keys' order is the draw's (a key's prefix is its beginning).
    // One statement per row: an UPDATE ... FROM the ranked slice scanned the whole table here
    // (525 ms a slice of 100,000, bench:costs).
    const rows = this.sql
      .exec<{ id: number }>(
        'SELECT rowid AS id FROM pre_queue WHERE substr(draw_key, 1, 8) BETWEEN ? AND ? ORDER BY draw_key',
        from,
        to,
      )
      .toArray()
    rows.forEach((row, i) => this.sql.exec('UPDATE pre_queue SET arrival = ? WHERE rowid = ?', first + i, row.id))
    const drawn = d.drawn + count
    if (drawn < d.size) {
      this.save({ ...d, drawn, nextAt: now + DRAW_SLICE_SPACING_MS })
      return { first, count }
    }
    this.save(null)
    this.drawnCount = d.size
    this.meta.save('drawnEntries', String(d.size))
    return { first, count }
  }

  private save(drawing: Drawing | null) {
    this.drawing = drawing
    this.meta.save('drawing', drawing ? JSON.stringify(drawing) : '')
  }
}
