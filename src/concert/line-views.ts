import { packBits, type LineView, type LineViewHeader, type ViewVersion } from './line-view'
import type { WaitingIndex } from './waiting-index'

/** How far back a change can be told: past it the asker gets the whole line. At a few hundred departures a second, minutes. */
const LOG_CAPACITY = 1 << 16

/**
 * The object's side of line views (src/concert/line-view.ts): a ring of the arrivals that
 * stopped waiting, numbered by version, so a view holder is sent only what changed since the
 * version it has; the whole line when it has none, another epoch, or one too old.
 */
export class LineViews {
  /** Memory only: after a wake versions start again, under a new epoch. */
  readonly epoch = crypto.randomUUID()
  private version = 0
  private readonly ring = new Int32Array(LOG_CAPACITY)

  left(arrival: number) {
    this.ring[this.version % LOG_CAPACITY] = arrival
    this.version++
  }

  view(header: Omit<LineViewHeader, 'epoch' | 'version'>, waiting: WaitingIndex, have?: ViewVersion): LineView {
    const stamped = { ...header, epoch: this.epoch, version: this.version }
    const since = have?.epoch === this.epoch && have.version <= this.version && have.version >= this.version - LOG_CAPACITY ? have.version : null
    if (since !== null) {
      const left: number[] = []
      for (let v = since; v < this.version; v++) left.push(this.ring[v % LOG_CAPACITY]!)
      return { kind: 'change', ...stamped, since, left }
    }
    const from = waiting.front(header.lastArrival) & ~31
    return { kind: 'whole', ...stamped, from, bits: packBits(waiting.bits(from, header.lastArrival)) }
  }
}
