/**
 * When each WAITING user was last seen (entered, polled, or connected a socket). A Map keeps
 * insertion order, so re-inserting on every touch keeps it sorted by last sight: the idle are
 * always at the front, and finding them costs only as many steps as there are idle users.
 * Memory only: after a restart everyone counts as seen at wake-up, which errs towards keeping.
 */
export class Presence {
  /** Arrival → when last seen, in ms after `base`: small integers, which V8 keeps in the map itself (29 against 43 MB at 856,000 waiting, npm run bench:views). */
  private readonly seen = new Map<number, number>()
  private readonly base = Date.now()

  touch(arrival: number, now: number): void {
    this.seen.delete(arrival)
    this.seen.set(arrival, now - this.base)
  }

  forget(arrival: number): void {
    this.seen.delete(arrival)
  }

  /** The earliest last-seen time, or null when nobody is tracked. */
  oldest(): number | null {
    for (const at of this.seen.values()) return this.base + at
    return null
  }

  /** Arrivals not seen since `cutoff`, oldest first. */
  idleSince(cutoff: number): number[] {
    const idle: number[] = []
    for (const [arrival, at] of this.seen) {
      if (this.base + at > cutoff) break
      idle.push(arrival)
    }
    return idle
  }
}
