import type { LineListeners } from './line'
import type { SocketEnd, Sockets } from './sockets'
import type { EventStreams } from './streams'

/** Those following their place: hibernating sockets and event streams, told together. */
export class Listeners implements LineListeners {
  constructor(
    readonly sockets: Sockets,
    readonly streams: EventStreams,
  ) {}

  /** A socket or a stream shows its holder is still there. */
  listening(arrival: number): boolean {
    return this.sockets.listening(arrival) || this.streams.listening(arrival)
  }

  end(arrival: number, final: SocketEnd) {
    this.sockets.end(arrival, final)
    this.streams.end(arrival, final)
  }

  /** Positions may have moved: each pushes once its interval allows. */
  schedule() {
    this.sockets.schedule()
    this.streams.schedule()
  }
}
