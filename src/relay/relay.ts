import { DurableObject } from 'cloudflare:workers'
import type { ConcertObject } from '../concert'
import type { LineView } from '../shared/line-view'
import { HeldLine } from '../shared/held-line'
import { PUSH_INTERVAL_MS } from '../shared/coalesced-push'
import {
  isEventStream,
  isWaitlistStream,
  placeOnly,
  released,
  socketOwner,
  waitlistStreamUser,
  type FollowedPlace,
  type RelaysTold,
  type SocketOwner,
  type WaitlistNews,
} from '../shared/rpc'
import { placeGate } from '../shared/gate-names'
import { ERRORS, errorBody } from '../errors'
import type { Follower, WaitlistListener } from './follower'
import { Sockets } from './sockets'
import { EventStreams } from './streams'
import { WaitlistStreams } from './waitlist-streams'

/** Presence is reported at least this often, and three times per idle timeout: a listener's place never idles out. */
const MAX_PRESENCE_INTERVAL_MS = 10_000

/**
 * A relay: the queue's sockets and event streams of up to SOCKETS_PER_RELAY places of one
 * concert (the Worker picks it by arrival, src/concert-client/relay-names.ts). It keeps its
 * own view of the line (src/shared/held-line.ts), moved on by the one message the concert
 * object sends it per change, and works out each listener's status from it; only a place the
 * view cannot tell (drawn, or ended since) is asked of the object, in one call for all of them.
 * It reports its listeners as present in its answers to pushes, or on an alarm when none came,
 * and holds no state a restart would lose for good: sockets then close, clients reconnect and
 * are told their status. Some relays (named by a hash of the user, src/concert-client/relay-names.ts)
 * also hold users' waitlist streams; every relay tells its users' sockets and streams of the
 * waitlist entries the object's pushes bring (`news`).
 */
export class QueueRelay extends DurableObject<Env> {
  private readonly sockets: Sockets
  private readonly streams = new EventStreams()
  private readonly waitlistStreams = new WaitlistStreams()
  private view: HeldLine | null = null

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sockets = new Sockets(ctx)
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS relay (name TEXT PRIMARY KEY)')
  }

  /** A socket upgrade or an event stream, for the place of a token the Worker verified (rpc.ts, socketUpgrade). */
  override async fetch(request: Request): Promise<Response> {
    this.remember(request.headers.get('x-relay-name')!)
    if (this.following >= Number(this.env.SOCKETS_PER_RELAY)) {
      const { status, message } = ERRORS.OVERLOADED
      return Response.json(errorBody('OVERLOADED', message), { status, headers: { 'retry-after': '1' } })
    }
    if (isWaitlistStream(request)) return this.openWaitlistStream(waitlistStreamUser(request))
    const owner = socketOwner(request)
    const first = await this.firstStatus(owner)
    const told = 'final' in first ? first.final : first.status
    const placed = 'final' in first ? owner : { ...owner, arrival: first.arrival }
    const response = isEventStream(request)
      ? this.streams.open(placed, told)
      : new Response(null, { status: 101, webSocket: this.sockets.accept(placed, told) })
    await this.reportPresenceSoon()
    return response
  }

  /**
   * From the concert object or the relay carrying its message: the line changed. Passed on
   * to `also` at once, then told here. Answers how many follow here and at each of `also`
   * (RelaysTold); at 0 the object forgets that relay.
   */
  async update(view: LineView, also: string[] = [], news: WaitlistNews[] = []): Promise<RelaysTold> {
    const passedOn = Promise.allSettled(
      also.map((name) => this.env.RELAY.get(this.env.RELAY.idFromName(name)).update(view, [], news)),
    )
    const moved = HeldLine.after(this.view, view)
    if (moved) this.view = moved
    else await this.pull()
    await this.tellAll()
    if (news.length > 0) this.tellWaitlist(news)
    const following = this.following
    // Forgotten by the object now: the next listener makes this relay fetch (and so follow) the line again.
    if (following === 0) this.view = null
    // Reported a push early, so that the next push (at most PUSH_INTERVAL_MS later) comes before the alarm would.
    const seen = Date.now() - this.reportedAt >= this.presenceIntervalMs - PUSH_INTERVAL_MS ? this.reportSeen() : []
    return [
      { following, seen },
      ...(await passedOn).map((told) => (told.status === 'fulfilled' ? told.value[0]! : null)),
    ]
  }

  /** Any message from the client (a ping) is answered with the current status. */
  override async webSocketMessage(ws: WebSocket): Promise<void> {
    this.sockets.forgetSent(ws)
    await this.tell([this.sockets.follower(ws)])
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.sockets.closed(ws, code)
  }

  override webSocketError(ws: WebSocket): void {
    this.sockets.closed(ws, 1011)
  }

  /**
   * Presence: unless an answer to a push reported it within the interval, the line is fetched
   * with every arrival followed here counted as seen. At a rush pushes come every second, so a
   * relay makes no presence call of its own (docs/scale.md).
   */
  override async alarm(): Promise<void> {
    this.presenceArmed = false
    if (this.following === 0) return
    if (Date.now() - this.reportedAt < this.presenceIntervalMs) {
      this.presenceArmed = true
      return this.ctx.storage.setAlarm(this.reportedAt + this.presenceIntervalMs)
    }
    await this.pull()
    await this.tellAll()
    await this.reportPresenceSoon()
  }

  private get following(): number {
    return this.sockets.count + this.streams.count + this.waitlistStreams.count
  }

  /**
   * A user's waitlist stream: the relay follows the concert (so that the object's pushes reach
   * it), then asks for the user's entries, which the stream is told first. In that order, a
   * change after the entries were read comes in a later push.
   */
  private async openWaitlistStream(userId: string): Promise<Response> {
    if (!this.view) await this.pull()
    const entries = released(await this.concert.waitlistOf(userId))
    if (!entries.ok) return Response.json(errorBody(entries.code, entries.message), { status: entries.status })
    return this.waitlistStreams.open(userId, entries.value.reverse())
  }

  /**
   * The waitlist's news to the sockets and streams of the users concerned. Only pushes that
   * carry news (an offer made, paid, run out or left: rare) look over the listeners; the
   * line's ordinary pushes do not.
   */
  private tellWaitlist(news: WaitlistNews[]) {
    const byUser = new Map<string, WaitlistNews['entry'][]>()
    for (const { userId, entry } of news) byUser.set(userId, [...(byUser.get(userId) ?? []), entry])
    const listeners: WaitlistListener[] = [
      ...this.followers().map((f) => ({ userId: f.owner.userId, tellWaitlist: f.tellWaitlist })),
      ...this.waitlistStreams.listeners(),
    ]
    for (const listener of listeners)
      for (const entry of byUser.get(listener.userId) ?? []) listener.tellWaitlist(entry)
  }

  private followers(): Follower[] {
    return [...this.sockets.all(), ...this.streams.all()]
  }

  /** Its name, kept for the alarm (which has no request to read it from); written once, not per listener. */
  private known: string | null = null

  private get name(): string {
    this.known ??= this.ctx.storage.sql.exec<{ name: string }>('SELECT name FROM relay').one().name
    return this.known
  }

  private remember(name: string) {
    if (this.known === name) return
    this.ctx.storage.sql.exec('INSERT OR IGNORE INTO relay (name) VALUES (?)', name)
    this.known = name
  }

  private get concertId(): string {
    return this.name.split('/')[0]!
  }

  private get concert(): DurableObjectStub<ConcertObject> {
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  /** The line from the object: what changed since this relay's version, reporting its listeners as seen. */
  private async pull() {
    const result = await this.concert.queueView(this.reportSeen(), this.view?.version, this.name)
    if (!result.ok) return
    // Asked for what changed since its own version, so a change applies.
    this.view = HeldLine.after(this.view, result.value)
  }

  private async firstStatus(owner: SocketOwner): Promise<FollowedPlace> {
    if (!this.view) await this.pull()
    const status = this.view?.describe(owner, Date.now()) ?? 'unknown'
    if (status === 'gone') return { final: 'EXPIRED' }
    if (status !== 'unknown') return { arrival: owner.arrival, status }
    return (await this.ask([owner]))[0]!
  }

  private tellAll(): Promise<void> {
    return this.tell(this.followers())
  }

  /**
   * Each listener its status from the view. From the opening, listeners whose tokens name
   * pre-queue entries get their places from a gate, which finds them from the draw's order
   * (the object is not asked for a whole pre-queue at once); those the view still cannot
   * tell, from the object in one call.
   */
  private async tell(followers: Follower[]) {
    if (!this.view) await this.pull()
    const now = Date.now()
    const unknown = this.tellFromView(followers, now)
    if (unknown.length === 0) return
    const asked = this.tellFromView(unknown, now, await this.entryPlaces(unknown))
    if (asked.length === 0) return
    const answers = await this.ask(asked.map((f) => f.owner))
    asked.forEach((follower, i) => {
      const answer = answers[i]!
      if ('final' in answer) return follower.end(answer.final)
      if (answer.arrival !== follower.owner.arrival) follower.place(answer.arrival)
      follower.tell(answer.status)
    })
  }

  /** Tells each listener the view can tell (at the place found for it, if any, which it keeps); returns the others. */
  private tellFromView(followers: Follower[], now: number, places = new Map<Follower, number>()): Follower[] {
    return followers.filter((follower) => {
      const arrival = places.get(follower)
      const status = this.view?.describe(arrival ? { ...follower.owner, arrival } : follower.owner, now) ?? 'unknown'
      if (status === 'unknown') return true
      if (arrival) follower.place(arrival)
      if (status === 'gone') follower.end('EXPIRED')
      else follower.tell(status)
      return false
    })
  }

  /** The places a gate finds for the listeners whose tokens name pre-queue entries (none before the draw, or if it fails). */
  private async entryPlaces(followers: Follower[]): Promise<Map<Follower, number>> {
    const entries = followers.filter((f) => f.owner.arrival === 0 && f.owner.entryId !== undefined)
    if (entries.length === 0) return new Map()
    const { name, orderFrom } = placeGate(this.concertId, Number(this.env.GATES_PER_CONCERT))
    const gate = this.env.GATE.get(this.env.GATE.idFromName(name))
    const found = released(
      await gate.drawnArrivals(
        this.concertId,
        entries.map((f) => placeOnly(f.owner)),
        orderFrom,
      ),
    )
    return new Map(found.ok ? entries.map((follower, i) => [follower, found.value[i]!]) : [])
  }

  private async ask(owners: SocketOwner[]): Promise<FollowedPlace[]> {
    const places = owners.map(placeOnly)
    const result = await this.concert.follow(places)
    return result.ok ? result.value : places.map(() => ({ final: 'EXPIRED' }))
  }

  /** Whether the presence alarm is set (memory; after a wake, asked of storage once). */
  private presenceArmed: boolean | null = null
  /** When this relay last reported its listeners as seen (memory: after a wake, the alarm reports). */
  private reportedAt = 0

  private get presenceIntervalMs(): number {
    return Math.min(MAX_PRESENCE_INTERVAL_MS, ((this.view?.policy.idleTimeoutSeconds ?? 30) * 1000) / 3)
  }

  /** The arrivals followed here, to report as seen now. */
  private reportSeen(): number[] {
    this.reportedAt = Date.now()
    return this.followers()
      .map((f) => f.owner.arrival)
      .filter((arrival) => arrival > 0)
  }

  private async reportPresenceSoon() {
    if (this.following === 0 || this.presenceArmed) return
    this.presenceArmed = (await this.ctx.storage.getAlarm()) !== null
    if (this.presenceArmed) return
    this.presenceArmed = true
    await this.ctx.storage.setAlarm(Date.now() + this.presenceIntervalMs)
  }
}
