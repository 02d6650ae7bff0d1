import type { ConcertMeta } from '../runtime/meta'

/**
 * Arrival numbers: each place in line, joined or drawn, takes the next one, and none is ever
 * given twice (a token names its place by it). The last one given is stored once per group
 * commit, with the entries that moved it, not once per entry.
 */
export class Arrivals {
  private lastGiven = 0
  private stored = 0

  constructor(private readonly meta: ConcertMeta) {}

  load() {
    this.lastGiven = this.stored = this.meta.number('lastArrival')
  }

  get last(): number {
    return this.lastGiven
  }

  /** Gives the next `count` numbers; returns the first. */
  take(count: number): number {
    const first = this.lastGiven + 1
    this.lastGiven += count
    return first
  }

  /** Once per group commit, inside its transaction. */
  store() {
    if (this.lastGiven === this.stored) return
    this.meta.save('lastArrival', String(this.lastGiven))
    this.stored = this.lastGiven
  }
}
