import type { QueueStatusView } from '../schemas'
import type { LineListeners } from './line'
import { isEventStream, type DrawnArrival, type ListenerKey, type SocketOwner } from './rpc'
import { Sockets, type SocketEnd } from './sockets'
import { EventStreams } from './streams'

type StatusOf = (owner: SocketOwner) => QueueStatusView | null

/** Those following their place: hibernating sockets and event streams, told together. */
export class Listeners implements LineListeners {
  readonly sockets: Sockets
  readonly streams: EventStreams

  /** `pushDue` runs when either is due a coalesced push: the object sweeps, then pushes to it. */
  constructor(ctx: DurableObjectState, pushDue: (to: Sockets | EventStreams) => void) {
    this.sockets = new Sockets(ctx, () => pushDue(this.sockets))
    this.streams = new EventStreams(() => pushDue(this.streams))
  }

  /** A socket, or an event stream (by its path), for this owner; without one, told `final` and closed. */
  follow(request: Request, owner: SocketOwner | null, statusOf: StatusOf, final: SocketEnd): Response {
    if (isEventStream(request)) return this.streams.open(owner, statusOf, final)
    return new Response(null, { status: 101, webSocket: this.sockets.open(owner, statusOf, final) })
  }

  /** A socket or a stream shows its holder is still there. */
  listening(key: ListenerKey): boolean {
    return this.sockets.listening(key) || this.streams.listening(key)
  }

  end(key: ListenerKey, final: SocketEnd) {
    this.sockets.end(key, final)
    this.streams.end(key, final)
  }

  /** The draw gave pre-queue entries their places: listeners that name an entry learn theirs. */
  drawn(arrivalOf: DrawnArrival) {
    this.sockets.drawn(arrivalOf)
    this.streams.drawn(arrivalOf)
  }

  /** Positions may have moved: each pushes once its interval allows. */
  schedule() {
    this.sockets.schedule()
    this.streams.schedule()
  }
}
