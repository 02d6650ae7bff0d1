import type { QueueStatusView } from '../schemas'
import { listenerTag, type DrawnArrival, type ListenerKey, type SocketOwner } from './rpc'
import { CoalescedPush } from './coalesced-push'
import type { SocketEnd } from './sockets'

/** A comment line at least this often keeps proxies from closing a quiet stream. */
export const KEEP_ALIVE_MS = 20_000

type Stream = { owner: SocketOwner; writer: WritableStreamDefaultWriter<Uint8Array>; lastSent: string | null }

const encoder = new TextEncoder()
const statusEvent = (body: object) => encoder.encode(`event: status\ndata: ${JSON.stringify(body)}\n\n`)

/**
 * Server-sent event streams of the queue (`text/event-stream`): the status on connect and at
 * most once a second when it changed, as the sockets are pushed; a comment line every
 * KEEP_ALIVE_MS; a last status (EXPIRED or SOLD_OUT) before the stream ends. Unlike a
 * hibernating socket a stream lives in this object's memory, so it ends when the object does;
 * EventSource reconnects by itself. Writes are never awaited: a change does not wait on a client.
 */
export class EventStreams {
  private readonly streams = new Set<Stream>()
  private readonly pushes: CoalescedPush
  private keepAlive: ReturnType<typeof setInterval> | null = null

  /** `pushDue` runs when a scheduled push is due: the object sweeps, then calls pushAll. */
  constructor(pushDue: () => void) {
    this.pushes = new CoalescedPush(pushDue)
  }

  /** A stream for this owner, told its status at once; without an owner, told `final` and ended. */
  open(owner: SocketOwner | null, statusOf: (owner: SocketOwner) => QueueStatusView | null, final: SocketEnd): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
    const writer = writable.getWriter()
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }
    if (!owner) {
      this.write(writer, statusEvent({ status: final }))
      void writer.close().catch(() => {})
      return new Response(readable, { headers })
    }
    const stream: Stream = { owner, writer, lastSent: null }
    this.streams.add(stream)
    void writer.closed.catch(() => {}).finally(() => this.drop(stream))
    this.push(stream, statusOf)
    this.keepAlive ??= setInterval(() => this.comment(), KEEP_ALIVE_MS)
    return new Response(readable, { headers })
  }

  listening(key: ListenerKey): boolean {
    const tag = listenerTag(key)
    for (const stream of this.streams) if (listenerTag(stream.owner) === tag) return true
    return false
  }

  /** The draw gave pre-queue entries their places. */
  drawn(arrivalOf: DrawnArrival) {
    for (const stream of this.streams) {
      if (stream.owner.entryId !== undefined && stream.owner.arrival === 0) stream.owner = { ...stream.owner, arrival: arrivalOf(stream.owner) ?? 0 }
    }
  }

  /** A place ended: its streams get the last status and end. */
  end(key: ListenerKey, final: SocketEnd) {
    const tag = listenerTag(key)
    for (const stream of this.streams) {
      if (listenerTag(stream.owner) !== tag) continue
      this.write(stream.writer, statusEvent({ status: final }))
      void stream.writer.close().catch(() => {})
      this.drop(stream)
    }
  }

  schedule() {
    if (this.streams.size > 0) this.pushes.schedule()
  }

  pushAll(statusOf: (owner: SocketOwner) => QueueStatusView | null) {
    for (const stream of this.streams) this.push(stream, statusOf)
  }

  private push(stream: Stream, statusOf: (owner: SocketOwner) => QueueStatusView | null) {
    const status = statusOf(stream.owner)
    if (!status) return
    // As for sockets: compare without the estimate's drift, so an unchanged place is not re-sent.
    const key = `${status.status}|${status.position}|${status.activeUntil}`
    if (stream.lastSent === key) return
    stream.lastSent = key
    this.write(stream.writer, statusEvent({ token: stream.owner.token, ...status }))
  }

  private comment() {
    for (const stream of this.streams) this.write(stream.writer, encoder.encode(': keep-alive\n\n'))
  }

  /** Not awaited: a client that stopped reading is dropped when its stream errors. */
  private write(writer: WritableStreamDefaultWriter<Uint8Array>, chunk: Uint8Array) {
    writer.write(chunk).catch(() => {})
  }

  private drop(stream: Stream) {
    this.streams.delete(stream)
    if (this.streams.size === 0 && this.keepAlive !== null) {
      clearInterval(this.keepAlive)
      this.keepAlive = null
    }
  }
}
