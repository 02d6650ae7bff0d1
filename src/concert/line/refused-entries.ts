import { noRefusals, REFUSAL_REASONS, type RefusedCounts } from '../../shared/refused-entries'

/**
 * Queue entries refused since the concert was made, by reason (table `refused_entries`),
 * counted by the Worker from its answers and handed on in sums by a gate
 * (src/concert-client/refusal-counts.ts). The history
 * samples the totals with the queue's own (history.ts), which gives the counts per minute.
 */
export class RefusedEntries {
  private counts: RefusedCounts | null = null

  constructor(private readonly sql: SqlStorage) {}

  /** Read once, after the schema is migrated (the object's constructor runs before that). */
  get totals(): RefusedCounts {
    if (this.counts) return this.counts
    const counts = noRefusals()
    for (const row of this.sql.exec<{ reason: string; count: number }>('SELECT reason, count FROM refused_entries'))
      if (row.reason in counts) counts[row.reason as keyof RefusedCounts] = row.count
    return (this.counts = counts)
  }

  /** Adds these counts (negative or fractional ones are ignored). Call inside a change. */
  add(counts: Partial<RefusedCounts>) {
    const totals = this.totals
    for (const reason of REFUSAL_REASONS) {
      const n = counts[reason]
      if (n === undefined || !Number.isSafeInteger(n) || n <= 0) continue
      totals[reason] += n
      this.sql.exec(
        'INSERT INTO refused_entries (reason, count) VALUES (?, ?) ON CONFLICT (reason) DO UPDATE SET count = excluded.count',
        reason,
        totals[reason],
      )
    }
  }
}
