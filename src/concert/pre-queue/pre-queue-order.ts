import { DrawOrder, lowerBound, PrefixCollector } from '../../shared/draw-order'

/** The keys' order as the index on their first 8 hex digits gives it (schema.ts, version 9): ties sorted by whole key. */
export const KEY_ORDER = 'substr(draw_key, 1, 8), draw_key'

/**
 * The pre-queue's draw order in memory (draw-order.ts), for the places the draw has not given
 * yet and for gates: gathered as entries are made and sorted as the draw begins, or, after a
 * restart, read back from the table's index of the keys' first digits on first need. Owns no table; reads
 * `pre_queue`, which pre-queue.ts owns.
 */
export class PreQueueOrder {
  private order: DrawOrder | null = null
  /** The prefixes of the entries made since the pre-queue was empty in this object's memory. */
  private collected: PrefixCollector | null = null
  /** Entries made. */
  private entries = 0

  constructor(private readonly sql: SqlStorage) {}

  /** On waking: with entries already made, the order will be read back from the table. */
  load(entries: number) {
    this.entries = entries
    this.order = null
    this.collected = entries === 0 ? new PrefixCollector() : null
  }

  /** Entries made with these keys. */
  entered(keys: readonly string[]) {
    this.entries += keys.length
    this.collected?.add(keys)
  }

  /** The draw begins: what was gathered is sorted, unless keys were made outside `entered` (schema version 3). */
  begin(keysMadeElsewhere: boolean) {
    if (!keysMadeElsewhere && this.collected) this.order = this.collected.order()
    this.collected = null
  }

  /** How many keys are less than this one (one of them). */
  rankOf(key: string): number {
    const order = this.sorted()
    return (
      order.rankOf(key) ??
      order.sharingBelow(key) +
        this.sql
          .exec<{ n: number }>(
            'SELECT COUNT(*) AS n FROM pre_queue WHERE substr(draw_key, 1, 8) = ? AND draw_key < ?',
            key.slice(0, 8),
            key,
          )
          .one().n
    )
  }

  /**
   * The draw's next slice after the first `drawn` entries: about `size` entries, ending where a
   * prefix ends (entries sharing one are drawn together), as the range of their prefixes in hex:
   * the index on them finds the slice's rows, where an ORDER BY ... LIMIT sorted every row not
   * yet drawn (250 ms a slice of 100,000 here).
   */
  slice(drawn: number, size: number): { from: string; to: string; count: number } {
    const prefixes = this.sorted().prefixes
    const last = prefixes[Math.min(drawn + size, prefixes.length) - 1]!
    const hex = (prefix: number) => prefix.toString(16).padStart(8, '0')
    return { from: hex(prefixes[drawn]!), to: hex(last), count: lowerBound(prefixes, last + 1) - drawn }
  }

  /** Every key's prefix in the keys' order. */
  prefixes(): Uint32Array {
    return this.sorted().prefixes
  }

  private sorted(): DrawOrder {
    if (!this.order) {
      const rows = this.sql.exec<{ draw_key: string }>(`SELECT draw_key FROM pre_queue ORDER BY ${KEY_ORDER}`)
      this.order = DrawOrder.ofSortedKeys(
        (function* () {
          for (const row of rows) yield row.draw_key
        })(),
        this.entries,
      )
    }
    return this.order
  }
}
