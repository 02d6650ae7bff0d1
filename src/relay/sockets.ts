import type { SocketOwner } from '../shared/rpc'
import type { QueueStatusView } from '../schemas'
import type { Follower, SocketEnd } from './follower'

/**
 * The relay's hibernating WebSockets: each one's owner rides in its attachment (so it
 * survives hibernation), and what it was last sent is kept to send only what changed.
 */
export class Sockets {
  private readonly lastSent = new WeakMap<WebSocket, string>()
  private readonly owners = new WeakMap<WebSocket, SocketOwner>()
  /**
   * Open sockets, kept in memory (listed from the runtime only on waking): listing them on every
   * change was two thirds of a relay's own time (`npm run bench:costs`), and on every upgrade
   * it made 10,000 opens quadratic. A socket leaves when its client closes it or it is ended here.
   */
  private readonly open = new Set<WebSocket>()

  constructor(private readonly ctx: DurableObjectState) {
    for (const ws of ctx.getWebSockets()) this.open.add(ws)
  }

  get count(): number {
    return this.open.size
  }

  /** A socket for this owner, told its status at once; or told `final` and closed. Returns the client's end. */
  accept(owner: SocketOwner, first: QueueStatusView | SocketEnd): WebSocket {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket]
    if (typeof first === 'string') {
      server.accept()
      end(server, first)
      return client
    }
    this.ctx.acceptWebSocket(server)
    this.open.add(server)
    server.serializeAttachment(owner)
    this.owners.set(server, owner)
    this.follower(server).tell(first)
    return client
  }

  /** A message from the client asks for the status afresh: forget what it was last sent. */
  forgetSent(ws: WebSocket) {
    this.lastSent.delete(ws)
  }

  closed(ws: WebSocket, code: number) {
    this.open.delete(ws)
    try {
      ws.close(code === 1005 ? 1000 : code, 'closing')
    } catch {
      // Already closed.
    }
  }

  all(): Follower[] {
    return Array.from(this.open, (ws) => this.follower(ws))
  }

  follower(ws: WebSocket): Follower {
    const owner = this.ownerOf(ws)
    return {
      owner,
      place: (arrival) => {
        const placed = { ...owner, arrival }
        ws.serializeAttachment(placed)
        this.owners.set(ws, placed)
      },
      tell: (status) => {
        // Compare without the estimate's drift, so an unchanged place is not re-sent.
        const key = `${status.status}|${status.position}|${status.activeUntil}`
        if (this.lastSent.get(ws) === key) return
        try {
          ws.send(JSON.stringify({ token: owner.token, ...status }))
          this.lastSent.set(ws, key)
        } catch {
          // The client is gone; its close event will follow.
        }
      },
      end: (final) => {
        this.open.delete(ws)
        end(ws, final)
      },
      tellWaitlist: (entry) => {
        try {
          ws.send(JSON.stringify({ waitlist: entry }))
        } catch {
          // The client is gone; its close event will follow.
        }
      },
    }
  }

  /** The socket's owner, from memory or, after hibernation, from its attachment. */
  private ownerOf(ws: WebSocket): SocketOwner {
    let owner = this.owners.get(ws)
    if (!owner) {
      owner = ws.deserializeAttachment() as SocketOwner
      this.owners.set(ws, owner)
    }
    return owner
  }
}

function end(ws: WebSocket, final: SocketEnd) {
  try {
    ws.send(JSON.stringify({ status: final }))
    ws.close(1000, 'token expired')
  } catch {
    // The client is already gone.
  }
}
