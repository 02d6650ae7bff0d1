import { changeAppliesTo, type LineView, type LineViewHeader, type ViewVersion } from './line-view'
import { WaitingArrivals } from './waiting-arrivals'
import { placeStatus, preQueueStatus, type Place } from './policy'
import type { PlaceInLine } from './rpc'
import type { QueueStatusView } from '../schemas'

/** A status, 'gone' when the view shows the place ended, 'unknown' when the object must answer. */
export type CachedStatus = QueueStatusView | 'gone' | 'unknown'

/**
 * Statuses worked out from a line view, as the object would answer them, by a Worker (status
 * polls) or a relay (its sockets): a place's position is exact for the view's version.
 */
export class HeldLine {
  private active = new Map<number, number>()

  private constructor(
    private header: LineViewHeader,
    private readonly line: WaitingArrivals,
  ) {
    this.active = new Map(header.active.map((a) => [a.arrival, a.until]))
  }

  static of(view: LineView): HeldLine {
    if (view.kind !== 'whole') throw new Error('a change needs a view to apply to')
    return new HeldLine(view, new WaitingArrivals(view))
  }

  get policy() {
    return this.header.policy
  }

  get version(): ViewVersion {
    return { epoch: this.header.epoch, version: this.header.version }
  }

  /** What `view` makes of `previous`: a whole line replaces it; a change moves it on, or is null when not made from its version. */
  static after(previous: HeldLine | null | undefined, view: LineView): HeldLine | null {
    if (view.kind === 'whole') return HeldLine.of(view)
    if (!previous || !changeAppliesTo(previous.header, view)) return null
    previous.line.apply(view)
    previous.header = view
    previous.active = new Map(view.active.map((a) => [a.arrival, a.until]))
    return previous
  }

  describe({ arrival, userId, entryId }: PlaceInLine, now: number): CachedStatus {
    const { header } = this
    const moment = { now, admissionRate: header.admissionRate, seatsLeft: header.seatsLeft }
    // A token naming a pre-queue entry (genuine: it is signed) is PRE_QUEUE until the opening; an entry cannot end before it.
    if (arrival === 0) {
      if (entryId === undefined || header.preQueueUntil === null || now >= header.preQueueUntil) return 'unknown'
      return { userId, concertId: header.concertId, ...preQueueStatus(entryId, header.preQueueUntil, moment) }
    }
    if (arrival > header.lastArrival) return 'unknown'
    const activeUntil = this.active.get(arrival)
    let place: Place
    if (activeUntil !== undefined) {
      if (activeUntil <= now) return 'gone'
      place = { activeUntil }
    } else {
      if (!this.line.has(arrival)) return header.soldOut ? 'unknown' : 'gone'
      place = { position: this.line.position(arrival) }
    }
    return {
      userId,
      concertId: header.concertId,
      ...(entryId ? { entryId } : {}),
      ...placeStatus(place, moment, header.policy),
    }
  }
}
