import { firstIndexAfter, measuredAdmissionRate, rateAllowance } from '../../shared/policy'

/** Recent admission times kept: the rate cap's minute and the estimate's window. */
const MEMORY_MS = 5 * 60_000

/**
 * When users were admitted lately (table `admissions`), ascending, in memory: the rate cap's
 * rolling minute, the measured admission rate behind every estimate, and the operators'
 * admitted-in-the-last-minute. Survives restarts, so a cap holds across them.
 */
export class AdmissionLog {
  private recent: number[] = []

  constructor(private readonly sql: SqlStorage) {}

  load(now: number) {
    this.recent = this.sql
      .exec<{ at: number }>('SELECT at FROM admissions WHERE at > ? ORDER BY at', now - MEMORY_MS)
      .toArray()
      .map((r) => r.at)
  }

  rate(now: number): number {
    return measuredAdmissionRate(now, this.recent)
  }

  inLastMinute(now: number): number {
    return this.recent.length - firstIndexAfter(this.recent, now - 60_000)
  }

  allowance(now: number, admitPerMinute: number | null) {
    return rateAllowance(now, this.recent, admitPerMinute)
  }

  /** Admissions made now. Call inside their transaction. */
  record(now: number, count: number) {
    // Drop what is past the window now and then, not on every call: lookups binary-search it.
    const expired = firstIndexAfter(this.recent, now - MEMORY_MS)
    if (expired >= 1024 || expired * 2 >= this.recent.length) this.recent.splice(0, expired)
    for (let i = 0; i < count; i++) {
      this.recent.push(now)
      this.sql.exec('INSERT INTO admissions (at) VALUES (?)', now)
    }
    this.sql.exec('DELETE FROM admissions WHERE at <= ?', now - MEMORY_MS)
  }
}
