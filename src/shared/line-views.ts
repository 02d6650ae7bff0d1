import { packBits, type LineView, type LineViewHeader, type ViewVersion } from './line-view'
import type { WaitingIndex } from './waiting-index'

/** How far back a change can be told: past it the asker gets the whole line. At a few hundred departures a second, minutes. */
const LOG_CAPACITY = 1 << 16

/**
 * The arrivals that stopped waiting, numbered by version (one version per departure): a ring,
 * so a view holder can be sent only what changed since the version it has. The object keeps
 * one under a new epoch per wake; a mirror (src/mirror/) keeps one from the changes it is sent.
 */
export class DepartureLog {
  private readonly ring = new Int32Array(LOG_CAPACITY)

  constructor(
    readonly epoch: string,
    public version = 0,
    /** The first version it can tell a change since. */
    private readonly oldest = version,
  ) {}

  left(arrival: number) {
    this.ring[this.version % LOG_CAPACITY] = arrival
    this.version++
  }

  /** The departures since `have`, or null when this log cannot tell them (another epoch, too old, or ahead of it). */
  since(have: ViewVersion | undefined): number[] | null {
    if (
      have?.epoch !== this.epoch ||
      have.version > this.version ||
      have.version < Math.max(this.oldest, this.version - LOG_CAPACITY)
    )
      return null
    const left: number[] = []
    for (let v = have.version; v < this.version; v++) left.push(this.ring[v % LOG_CAPACITY]!)
    return left
  }
}

/**
 * The object's side of line views (src/shared/line-view.ts): the change since the version
 * a view holder has; the whole line when it has none, another epoch, or one too old.
 */
export class LineViews {
  /** Memory only: after a wake versions start again, under a new epoch. */
  private readonly log = new DepartureLog(crypto.randomUUID())

  left(arrival: number) {
    this.log.left(arrival)
  }

  view(header: Omit<LineViewHeader, 'epoch' | 'version'>, waiting: WaitingIndex, have?: ViewVersion): LineView {
    const stamped = { ...header, epoch: this.log.epoch, version: this.log.version }
    const left = this.log.since(have)
    if (left) return { kind: 'change', ...stamped, since: have!.version, left }
    const from = waiting.front(header.lastArrival) & ~31
    return { kind: 'whole', ...stamped, from, bits: packBits(waiting.bits(from, header.lastArrival)) }
  }
}
