import type { QueueStatusView } from '../schemas'

import { CoalescedPush } from './coalesced-push'
import { listenerTag, type DrawnArrival, type ListenerKey, type SocketOwner } from './rpc'

/** The last message a socket (or an event stream) is sent before it is closed. */
export type SocketEnd = 'EXPIRED' | 'SOLD_OUT'

/**
 * The queue's hibernating WebSockets: who owns each, what each was last told, and coalesced
 * pushes. The first change after a quiet interval goes out at once; changes within the
 * interval are gathered into one push at its end, and each socket is sent only what changed.
 */
export class Sockets {
  /** Open sockets, so that a change with nobody listening costs nothing (recounted on every push). */
  private count: number
  private readonly pushes: CoalescedPush
  private readonly lastSent = new WeakMap<WebSocket, string>()
  private readonly owners = new WeakMap<WebSocket, SocketOwner>()

  /** `pushDue` runs when a scheduled push is due: the object sweeps, then calls pushAll. */
  constructor(
    private readonly ctx: DurableObjectState,
    pushDue: () => void,
  ) {
    this.count = ctx.getWebSockets().length
    this.pushes = new CoalescedPush(pushDue)
  }

  /**
   * A new socket for this owner, told its status at once; without an owner (the place is
   * finished or unknown) it is told EXPIRED and closed, as the contract asks. Returns the
   * client's end.
   */
  open(owner: SocketOwner | null, statusOf: (owner: SocketOwner) => QueueStatusView | null, final: SocketEnd = 'EXPIRED'): WebSocket {
    const pair = new WebSocketPair()
    const [client, server] = [pair[0], pair[1]]
    if (owner) {
      this.ctx.acceptWebSocket(server, [listenerTag(owner)])
      this.count++
      server.serializeAttachment(owner)
      this.owners.set(server, owner)
      this.push(server, statusOf)
    } else {
      server.accept()
      server.send(JSON.stringify({ status: final }))
      server.close(1000, 'token expired')
    }
    return client
  }

  closed(ws: WebSocket, code: number) {
    this.count = Math.max(0, this.count - 1)
    try {
      ws.close(code === 1005 ? 1000 : code, 'closing')
    } catch {
      // Already closed.
    }
  }

  /** A message from the client asks for the status afresh: forget what it was last sent. */
  forgetSent(ws: WebSocket) {
    this.lastSent.delete(ws)
  }

  listening(key: ListenerKey): boolean {
    return this.ctx.getWebSockets(listenerTag(key)).length > 0
  }

  /** The draw gave pre-queue entries their places: their sockets' owners learn them, through hibernation too. */
  drawn(arrivalOf: DrawnArrival) {
    for (const ws of this.ctx.getWebSockets()) {
      const owner = this.ownerOf(ws)
      const arrival = owner?.entryId !== undefined && owner.arrival === 0 ? arrivalOf(owner) : undefined
      if (arrival === undefined) continue
      const placed = { ...owner!, arrival }
      ws.serializeAttachment(placed)
      this.owners.set(ws, placed)
    }
  }

  /** A place ended: its sockets are told so (EXPIRED, or SOLD_OUT) and closed. */
  end(key: ListenerKey, final: SocketEnd) {
    const message = JSON.stringify({ status: final })
    for (const ws of this.ctx.getWebSockets(listenerTag(key))) {
      try {
        ws.send(message)
        ws.close(1000, 'token expired')
      } catch {
        // The client is already gone.
      }
    }
  }

  /** Positions or deadlines may have moved: push once the interval allows (pushDue does). */
  schedule() {
    if (this.count > 0) this.pushes.schedule()
  }

  /** `statusOf` is an owner's status now, or null once their place has ended. */
  pushAll(statusOf: (owner: SocketOwner) => QueueStatusView | null) {
    const sockets = this.ctx.getWebSockets()
    this.count = sockets.length
    for (const ws of sockets) this.push(ws, statusOf)
  }

  push(ws: WebSocket, statusOf: (owner: SocketOwner) => QueueStatusView | null) {
    const owner = this.ownerOf(ws)
    const status = owner && statusOf(owner)
    if (!status) return
    // Compare without the estimate's drift, so an unchanged place is not re-sent.
    const key = `${status.status}|${status.position}|${status.activeUntil}`
    if (this.lastSent.get(ws) === key) return
    try {
      ws.send(JSON.stringify({ token: owner.token, ...status }))
      this.lastSent.set(ws, key)
    } catch {
      // The client is gone; its close event will follow.
    }
  }

  /** The socket's owner, from memory or, after hibernation, from its attachment. */
  ownerOf(ws: WebSocket): SocketOwner | null {
    let owner = this.owners.get(ws)
    if (!owner) {
      owner = ws.deserializeAttachment() as SocketOwner | undefined
      if (owner) this.owners.set(ws, owner)
    }
    return owner ?? null
  }
}
