import { AdmissionLog } from './admission-log'
import type { ConcertMeta } from '../runtime/meta'
import { admissionsAvailable } from '../../shared/policy'

/**
 * The ACTIVE places (arrival → when its admission ends) and the admissions that made them: the
 * rate cap's recent times and the total since the concert was created (meta `admitted`). How
 * many may be admitted is answered here; who is admitted is the line's (line.ts).
 */
export class ActivePlaces {
  private readonly until = new Map<number, number>()
  private readonly log: AdmissionLog
  private total = 0

  constructor(
    sql: SqlStorage,
    private readonly meta: ConcertMeta,
  ) {
    this.log = new AdmissionLog(sql)
  }

  /** On waking; the places themselves come from the line's rows (`add`). */
  load(now: number) {
    this.total = this.meta.number('admitted')
    this.log.load(now)
  }

  add(arrival: number, activeUntil: number) {
    this.until.set(arrival, activeUntil)
  }

  has(arrival: number): boolean {
    return this.until.has(arrival)
  }

  /** When this place's admission ends, if it is ACTIVE. */
  untilOf(arrival: number): number | undefined {
    return this.until.get(arrival)
  }

  delete(arrival: number) {
    this.until.delete(arrival)
  }

  get size(): number {
    return this.until.size
  }

  /** Every ACTIVE place, as views carry them. */
  list(): Array<{ arrival: number; until: number }> {
    return Array.from(this.until, ([arrival, until]) => ({ arrival, until }))
  }

  /** Admissions since the concert was created, for the history. */
  get admittedTotal(): number {
    return this.total
  }

  inLastMinute(now: number): number {
    return this.log.inLastMinute(now)
  }

  /** The measured admission rate behind every estimate. */
  rate(now: number): number {
    return this.log.rate(now)
  }

  /** How many of `waiting` may be admitted now: free places within the policy and the rate cap (none while paused or with no seat left). */
  room(now: number, waiting: number, seatsLeft: number): number {
    const { policy } = this.meta
    return Math.min(
      admissionsAvailable(this.until.size, waiting, policy, seatsLeft),
      this.log.allowance(now, policy.admitPerMinute).allowed,
    )
  }

  /** When the next admission is due with this many waiting: now, when the rate cap allows, or null when none may be. */
  nextAdmissionAt(now: number, waiting: number, seatsLeft: number): number | null {
    const { policy } = this.meta
    if (admissionsAvailable(this.until.size, waiting, policy, seatsLeft) === 0) return null
    const allowance = this.log.allowance(now, policy.admitPerMinute)
    return allowance.allowed > 0 ? now : allowance.nextAt
  }

  /** These places were admitted now, until `activeUntil`. Call inside their transaction. */
  admitted(places: ReadonlyArray<{ arrival: number }>, activeUntil: number, now: number) {
    for (const { arrival } of places) this.until.set(arrival, activeUntil)
    this.log.record(now, places.length)
    this.total += places.length
    this.meta.save('admitted', String(this.total))
  }
}
