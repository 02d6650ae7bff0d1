/**
 * When each WAITING user was last seen (entered, polled, or connected a socket). A Map keeps
 * insertion order, so re-inserting on every touch keeps it sorted by last sight: the idle are
 * always at the front, and finding them costs only as many steps as there are idle users.
 * Memory only: after a restart everyone counts as seen at wake-up, which errs towards keeping.
 */
export class Presence {
  private readonly seen = new Map<number, number>()

  touch(arrival: number, now: number): void {
    this.seen.delete(arrival)
    this.seen.set(arrival, now)
  }

  forget(arrival: number): void {
    this.seen.delete(arrival)
  }

  /** The earliest last-seen time, or null when nobody is tracked. */
  oldest(): number | null {
    for (const at of this.seen.values()) return at
    return null
  }

  /** Arrivals not seen since `cutoff`, oldest first. */
  idleSince(cutoff: number): number[] {
    const idle: number[] = []
    for (const [arrival, at] of this.seen) {
      if (at > cutoff) break
      idle.push(arrival)
    }
    return idle
  }
}
