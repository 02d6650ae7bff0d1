import { DurableObject } from 'cloudflare:workers'
import type { ConcertObject } from '../concert'
import type { LineView, ViewVersion } from '../shared/line-view'
import { released } from '../shared/rpc'
import { ok, type Result } from '../errors'
import type { PackedSeatMap } from '../shared/seat-map'
import type { DateAvailabilityView, QueuePolicy, SaleStateView } from '../schemas'
import { MirroredLine } from './mirrored-line'
import { Pulled } from './pulled'

/** The line is pulled at most this often (a Worker's view of it is as old again at most). */
export const MIRROR_LINE_MAX_AGE_MS = 250
/** Dates and the sale's state change by the second; a seat map costs the object milliseconds to build (docs/scale.md). */
const MIRROR_SALE_MAX_AGE_MS = 1_000
/** Seat maps of different dates and sections kept at once, at most. */
const MAX_SEAT_MAPS = 1_000

/**
 * A mirror of one concert in one region (src/concert-client/mirrors.ts names it and places it
 * by locationHint): what Workers read to answer fans, the line views, dates, sale state and
 * seat maps, pulled from the concert object at most once per short interval whatever the
 * number of isolates asking, and handed on as the object would. So the concert object's calls
 * for reads are a constant per mirror, and a Worker's view still moves on by changes (the
 * mirror keeps the object's versions). Arrivals seen polling go to the object with the next
 * pull. It holds nothing a restart would lose but the presence not yet passed on, which
 * Workers report three times per idle timeout. Its methods are named `mirrored…`, apart from
 * the object's, so that a CPU profile tells the two apart (bench/object-costs.mjs).
 */
export class ConcertMirror extends DurableObject<Env> {
  private concertId = ''
  private readonly seen = new Set<number>()
  private readonly line = new Pulled<MirroredLine>(MIRROR_LINE_MAX_AGE_MS, (previous) => this.pullLine(previous))
  private readonly dates = new Pulled<DateAvailabilityView[]>(MIRROR_SALE_MAX_AGE_MS, () =>
    this.concert.availableDates(),
  )
  private readonly sale = new Pulled<SaleStateView>(MIRROR_SALE_MAX_AGE_MS, () => this.concert.sale())
  private readonly seatMaps = new Map<string, Pulled<PackedSeatMap>>()
  /** As old as the line at most: entries are checked against it (src/identity/verified-entry.ts). */
  private readonly policy = new Pulled<QueuePolicy>(MIRROR_LINE_MAX_AGE_MS, () => this.concert.policy())
  /** Calls made to the concert object (one per use of `concert`): for tests and the simulation's costs. */
  private calls = 0

  private get concert(): DurableObjectStub<ConcertObject> {
    this.calls++
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  /** The line: what changed since the version `have` (the object's own), or the whole of it. `seen` polled since the asker's last call. */
  async mirroredLine(concertId: string, seen: number[], have?: ViewVersion): Promise<Result<LineView>> {
    this.concertId = concertId
    for (const arrival of seen) this.seen.add(arrival)
    let line = await this.line.get()
    // The asker read the object itself after a change of its own: this copy is behind it.
    if (line.ok && line.value.behind(have)) line = await this.line.refresh()
    return line.ok ? ok(line.value.view(have)) : line
  }

  mirroredDates(concertId: string): Promise<Result<DateAvailabilityView[]>> {
    this.concertId = concertId
    return this.dates.get()
  }

  mirroredSale(concertId: string): Promise<Result<SaleStateView>> {
    this.concertId = concertId
    return this.sale.get()
  }

  mirroredPolicy(concertId: string): Promise<Result<QueuePolicy>> {
    this.concertId = concertId
    return this.policy.get()
  }

  mirroredSeats(concertId: string, date: string, section?: string): Promise<Result<PackedSeatMap>> {
    this.concertId = concertId
    const key = `${date}#${section ?? ''}`
    let map = this.seatMaps.get(key)
    if (!map) {
      if (this.seatMaps.size >= MAX_SEAT_MAPS) this.seatMaps.clear()
      this.seatMaps.set(key, (map = new Pulled(MIRROR_SALE_MAX_AGE_MS, () => this.concert.sharedSeats(date, section))))
    }
    return map.get()
  }

  objectCalls(): number {
    return this.calls
  }

  private async pullLine(previous: MirroredLine | undefined): Promise<Result<MirroredLine>> {
    const seen = [...this.seen]
    this.seen.clear()
    const fetched = released(
      await this.concert.queueView(seen, previous?.version).catch((error) => {
        for (const arrival of seen) this.seen.add(arrival)
        throw error
      }),
    )
    // Asked for what changed since its own version, so a change always applies.
    return fetched.ok ? ok(MirroredLine.after(previous ?? null, fetched.value)!) : { ...fetched }
  }
}
