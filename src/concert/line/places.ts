import { ok, type Failure, type Result } from '../../errors/catalogue'
import type { QueueStatusView } from '../../schemas'
import type { WaitingLine } from './line'
import type { QueueRow } from './queue-rows'
import type { Moment } from '../../shared/policy'
import type { PreQueue } from '../pre-queue/pre-queue'
import type { PlaceInLine, PlaceStatus, QueueEntryView } from '../../shared/rpc'

/**
 * Where a queue token's place is: in the pre-queue until the draw, in the line from then on.
 * From the opening every entry has its place, waiting; the draw gives the places to the
 * rows slice by slice, and a place still to come is in the line's memory alone. The object
 * asks here for a token's status, admission and liveness, never the pre-queue or the line
 * alone; and here, at the opening, the pre-queue is drawn into the line.
 */
export class Places {
  constructor(
    private readonly preQueue: PreQueue,
    private readonly line: WaitingLine,
  ) {}

  /** Entries: refused before the pre-queue opens, into it until opensAt, into the line after. Call after the sweep (which draws when due). */
  enter(
    userIds: string[],
    now: number,
    transaction: <T>(change: () => T) => T,
    /** Why a user may not have a new place (its proof of work), or null. */
    refuse?: (userId: string) => Failure | null,
  ): { entries: Array<Result<QueueEntryView>>; moved: boolean } {
    const phase = this.preQueue.phase(now)
    if (phase === 'SCHEDULED') return { entries: userIds.map(() => this.preQueue.notOpen()), moved: false }
    if (phase === 'PRE_QUEUE')
      return { entries: transaction(() => this.preQueue.enter(userIds, this.line.moment(now), refuse)), moved: false }
    if (phase !== 'DRAWING') return this.line.enter(userIds, now, refuse)
    // While the draw is under way, a user whose entry it has not reached keeps that entry (and its place).
    const moment = this.line.moment(now)
    const undrawn = this.preQueue.undrawnEntriesOf(userIds)
    const { entries, moved } = this.line.enter(
      userIds.filter((userId) => !undrawn.has(userId)),
      now,
      refuse,
    )
    let next = 0
    return {
      entries: userIds.map((userId) => {
        const entryId = undrawn.get(userId)
        if (entryId === undefined) return entries[next++]!
        // The token still names the entry (arrival 0); the status is its place's.
        const place = { arrival: this.preQueue.arrivalOf({ entryId, userId })!, userId, entryId }
        return ok({ created: false, arrival: 0, userId, entryId, status: this.line.liveStatus(place, moment)! })
      }),
      moved,
    }
  }

  /** The status, with the place's arrival (0 in the pre-queue), which a Worker keeps for a token that names an entry. */
  status(place: PlaceInLine, now: number): Result<PlaceStatus> {
    const placed = this.preQueue.placed(place)
    if (this.preQueue.undrawn(placed))
      return ok({ arrival: 0, status: this.preQueue.status(placed, this.line.moment(now))! })
    if (this.preQueue.toCome(placed.arrival))
      return ok({ arrival: placed.arrival, status: this.line.liveStatus(placed, this.line.moment(now))! })
    const status = this.line.status(placed, now)
    return status.ok ? ok({ arrival: placed.arrival, status: status.value }) : status
  }

  requireActive(place: PlaceInLine, now: number): Result<QueueRow> {
    const placed = this.preQueue.placed(place)
    return this.preQueue.undrawn(placed) ? this.preQueue.notDrawn() : this.line.requireActive(placed, now)
  }

  /** The place of a new listener, its arrival filled in from the opening; null when it has ended. */
  live<P extends PlaceInLine>(owner: P): P | null {
    const placed = this.preQueue.placed(owner)
    return this.line.entryFor(placed) !== undefined ||
      this.preQueue.undrawn(placed) ||
      this.preQueue.toCome(placed.arrival)
      ? placed
      : null
  }

  /** What a listener is told now: its place in line, or in the pre-queue before the draw; null once it has ended. */
  liveStatus(place: PlaceInLine, moment: Moment): QueueStatusView | null {
    return place.arrival === 0 ? this.preQueue.status(place, moment) : this.line.liveStatus(place, moment)
  }

  /**
   * At opensAt the draw begins, its places reserved at the back of the line; then slice by
   * slice the pre-queue is drawn into them (their listeners' relays ask for them). Call inside
   * the sweep's transaction.
   */
  openIfDue(now: number) {
    if (this.preQueue.phase(now) === 'DUE')
      this.line.reserveDrawn(this.preQueue.beginDraw(this.line.arrivals.last, now))
    if (!this.preQueue.draw.sliceDue(now)) return
    const { first, count } = this.preQueue.draw.drawSlice(now)
    this.line.joinDrawn(first, count, now)
  }
}
