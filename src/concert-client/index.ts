import type { ConcertObject } from '../concert'
import type { ConcertGate } from '../gate/gate'
import type { ConcertMirror } from '../mirror/mirror'
import { unpackSeatMap } from '../shared/seat-map'
import {
  placeOnly,
  socketUpgrade,
  type ConcertConfigured,
  type ConcertSetup,
  type EntryProof,
  type PlaceInLine,
  type QueueEntryView,
  type SocketOwner,
} from '../shared/rpc'
import { ApiError, unwrap, type Result } from '../errors'
import type {
  DateAvailabilityView,
  HoldView,
  QueueHistoryView,
  QueuePolicy,
  QueueStatsView,
  QueueStatusView,
  SaleDrawView,
  SaleStateView,
  SeatMapView,
  SectionListView,
} from '../schemas'
import { rememberDrawnArrival, withDrawnArrival } from './drawn-places'
import { gateName, placeGate } from '../shared/gate-names'
import { IsolateCaches, type KeepAlive, type LoadReason } from './isolate-cache'
import { relayName } from './relay-names'
import { mirrorOf, type RequestLocation } from './mirrors'
import { cachedStatus, freshHeldLine, invalidateHeldLine, SNAPSHOT_MAX_AGE_MS, type LoadLineView } from './status-polls'
import { sharedLineView, sharedRead, type SharedRead } from './shared-views'
import { cachedSeatMap, invalidateSeats, recentRefusal, rememberRefusal } from './seat-views'
import { availableDates, sales } from './sale-views'

/** A draw never changes once made: kept until the isolate goes (a minute at most, so a bounded number of them stays). */
const draws = new IsolateCaches<SaleDrawView>(60_000)
/** The policy, for entries, when no status poll keeps a view of the line: as old as such a view at most. */
const policies = new IsolateCaches<QueuePolicy>(SNAPSHOT_MAX_AGE_MS)

/**
 * The Worker's side of one concert: its Durable Object stub and this isolate's views of it.
 * Reads come from the views when they may (each at most a moment old), changes always go to
 * the object, and every change made here invalidates the views it touches, so routes never
 * do (the object's half of a payment or a refund: order-calls.ts). Failures are thrown as
 * ApiError. With the request's context, a view may be refreshed, or an entry batch sent, after
 * its response.
 */
export class ConcertClient {
  constructor(
    private readonly env: Env,
    readonly concertId: string,
    ctx?: Pick<ExecutionContext, 'waitUntil'>,
    /** Where the request came from: its region's mirror serves the reads. */
    cf?: Request['cf'],
  ) {
    this.keepAlive = ctx && ((work) => ctx.waitUntil(work))
    this.location = cf as RequestLocation | undefined
  }

  private readonly keepAlive: KeepAlive | undefined
  private readonly location: RequestLocation | undefined

  /** The mirror that serves this request's reads (src/mirror/): exact reads, after a change made here, go to the object. */
  private get mirror(): DurableObjectStub<ConcertMirror> {
    return mirrorOf(this.env, this.concertId, this.location)
  }

  /** A stub per call: a stub is an I/O object of the request that made it, and a refresh ahead runs past it (waitUntil). */
  private get stub(): DurableObjectStub<ConcertObject> {
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  // --- operators ---

  async configure(setup: ConcertSetup): Promise<ConcertConfigured> {
    return unwrap(await this.stub.configure(setup))
  }

  async updatePolicy(patch: Partial<QueuePolicy>): Promise<QueuePolicy> {
    const policy = unwrap(await this.stub.updatePolicy(patch))
    invalidateHeldLine(this.concertId)
    policies.invalidate(this.concertId)
    return policy
  }

  async stats(): Promise<QueueStatsView> {
    return unwrap(await this.stub.stats())
  }

  async queueHistory(minutes: number): Promise<QueueHistoryView> {
    return unwrap(await this.stub.queueHistory(minutes))
  }

  /** The seat map (of a date, or of one section) as the object has it now, for operators (no admission check). */
  async seats(date: string, section?: string): Promise<SeatMapView> {
    return unpackSeatMap(unwrap(await this.stub.seats(date, section)))
  }

  // --- fans ---

  async availableDates(): Promise<DateAvailabilityView[]> {
    const load = this.readThrough(
      'dates',
      async () => unwrap(await this.mirror.mirroredDates(this.concertId)),
      () => this.stub.availableDates(),
    )
    return (
      (await availableDates.for(this.concertId).get((_, reason) => load(reason), this.keepAlive)) ??
      (await load('exact'))
    )
  }

  async sale(): Promise<SaleStateView> {
    const load = this.readThrough(
      'sale',
      async () => unwrap(await this.mirror.mirroredSale(this.concertId)),
      () => this.stub.sale(),
    )
    return (await sales.for(this.concertId).get((_, reason) => load(reason), this.keepAlive)) ?? (await load('exact'))
  }

  async saleDraw(): Promise<SaleDrawView> {
    const load = async () => unwrap(await this.stub.saleDraw())
    return (await draws.for(this.concertId).get(load)) ?? (await load())
  }

  /**
   * The policy in force: from the view of the line that status polls keep, when this isolate
   * has a fresh one; else from the mirror, kept as briefly (exact after a change made here).
   */
  async policy(): Promise<QueuePolicy> {
    const held = freshHeldLine(this.concertId)
    if (held) return held.policy
    const load = async (_: QueuePolicy | undefined, reason: LoadReason) =>
      unwrap(await (reason === 'exact' ? this.stub.policy() : this.mirror.mirroredPolicy(this.concertId)))
    return (await policies.for(this.concertId).get(load, this.keepAlive)) ?? (await load(undefined, 'waited'))
  }

  /** A place in line, or in the pre-queue, through one of the concert's gates (src/gate/gate.ts). */
  async enter(userId: string, proof: EntryProof | null = null): Promise<QueueEntryView> {
    return unwrap(await this.gate(gateName(this.concertId, this.gates)).enter(this.concertId, userId, proof))
  }

  private get gates(): number {
    return Number(this.env.GATES_PER_CONCERT)
  }

  private gate(name: string): DurableObjectStub<ConcertGate> {
    return this.env.GATE.get(this.env.GATE.idFromName(name))
  }

  async status(token: PlaceInLine): Promise<QueueStatusView> {
    let place = withDrawnArrival(this.concertId, token)
    let status = await this.cachedStatus(place)
    // From the opening a pre-queue token still names its entry, not its place: a gate finds
    // the place from the draw's order, and it is remembered here.
    if (status === 'unknown' && place.arrival === 0 && place.entryId !== undefined) {
      const { name, orderFrom } = placeGate(this.concertId, this.gates)
      const [arrival = 0] = unwrap(await this.gate(name).drawnArrivals(this.concertId, [placeOnly(place)], orderFrom))
      if (arrival > 0) {
        rememberDrawnArrival(this.concertId, place.entryId, arrival)
        place = { ...place, arrival }
        status = await this.cachedStatus(place)
      }
    }
    if (status === 'gone') throw new ApiError('QUEUE_TOKEN_INVALID')
    if (status !== 'unknown') return status
    const answer = unwrap(await this.stub.status(placeOnly(place)))
    if (place.entryId !== undefined && answer.arrival > 0)
      rememberDrawnArrival(this.concertId, place.entryId, answer.arrival)
    return answer.status
  }

  /** From this isolate's views when its queue view shows the place ACTIVE; else the object checks admission. */
  async seatMap(place: PlaceInLine, date: string, section?: string): Promise<SeatMapView> {
    const status = await this.cachedStatus(place)
    const load = this.readThrough(
      `seats/${date}/${section ?? ''}`,
      async () => unwrap(await this.mirror.mirroredSeats(this.concertId, date, section)),
      () => this.stub.seats(date, section),
    )
    const cached =
      typeof status === 'object' && status.status === 'ACTIVE'
        ? await cachedSeatMap(
            this.concertId,
            date,
            section,
            async (reason) => unpackSeatMap(await load(reason)),
            this.keepAlive,
          )
        : null
    return cached ?? unpackSeatMap(unwrap(await this.stub.seatMap(placeOnly(place), date, section)))
  }

  async sections(place: PlaceInLine, date: string): Promise<SectionListView> {
    return unwrap(await this.stub.sections(placeOnly(place), date))
  }

  /**
   * Holds the seat through the object, unless the object refused this seat to someone in the
   * last moment and this isolate's queue view shows the user ACTIVE: then the same refusal is
   * repeated from here. (A user not ACTIVE hears from the object why they may not hold at all.)
   */
  async hold(place: PlaceInLine, date: string, seatNumbers: number[]): Promise<HoldView> {
    // Only a one-seat order is refused from here: an order's refusal names all its taken seats.
    const single = seatNumbers.length === 1 ? seatNumbers[0]! : null
    const refused = single !== null && recentRefusal(this.concertId, date, single)
    if (refused) {
      const status = await this.cachedStatus(place)
      if (
        typeof status === 'object' &&
        status.status === 'ACTIVE' &&
        recentRefusal(this.concertId, date, single) === refused
      )
        throw new ApiError(refused.code, refused.message)
    }
    const result = await this.stub.hold(placeOnly(place), date, seatNumbers)
    if (result.ok) invalidateSeats(this.concertId, date)
    else if (result.code === 'SEAT_UNAVAILABLE' && single !== null)
      rememberRefusal(this.concertId, date, single, result)
    return unwrap(result)
  }

  async release(place: PlaceInLine, reservationId: string): Promise<void> {
    const { date } = unwrap(await this.stub.release(placeOnly(place), reservationId))
    invalidateSeats(this.concertId, date)
  }

  /** A WebSocket upgrade, or an event stream, for the place of a verified queue token: its relay answers it. */
  follow(request: Request, owner: SocketOwner): Promise<Response> {
    const placed = { ...owner, ...withDrawnArrival(this.concertId, owner) }
    const relay = relayName(this.concertId, placed, Number(this.env.SOCKETS_PER_RELAY))
    return this.env.RELAY.get(this.env.RELAY.idFromName(relay)).fetch(socketUpgrade(request, placed, relay))
  }

  /**
   * A read by why it is made: after a change made here, of the object itself; refreshed ahead,
   * off the requests' path, through the answer the location shares (its mirror's on a miss);
   * waited for, of the mirror at once rather than after a miss of the location's cache too.
   */
  private readThrough<T extends SharedRead>(what: string, mirrored: () => Promise<T>, exact: () => Promise<Result<T>>) {
    return async (reason: LoadReason): Promise<T> => {
      if (reason === 'exact') return unwrap(await exact())
      return reason === 'ahead' ? sharedRead(this.concertId, what, mirrored, this.keepAlive) : mirrored()
    }
  }

  private cachedStatus(place: PlaceInLine) {
    const load: LoadLineView = async (seen, have, reason) => {
      if (reason === 'exact') return unwrap(await this.stub.queueView(seen, have))
      const fromMirror = async () => unwrap(await this.mirror.mirroredLine(this.concertId, seen, have))
      return seen.length > 0 || reason === 'waited'
        ? fromMirror()
        : sharedLineView(this.concertId, have, fromMirror, this.keepAlive)
    }
    return cachedStatus(this.concertId, withDrawnArrival(this.concertId, place), load, this.keepAlive)
  }
}

export const concertClient = (
  env: Env,
  concertId: string,
  ctx?: Pick<ExecutionContext, 'waitUntil'>,
  cf?: Request['cf'],
) => new ConcertClient(env, concertId, ctx, cf)
