import type { SocketOwner } from '../shared/rpc'
import type { QueueStatusView } from '../schemas'
import type { Follower, SocketEnd } from './follower'

/** A comment line at least this often keeps proxies from closing a quiet stream. */
export const KEEP_ALIVE_MS = 20_000

type Stream = { owner: SocketOwner; writer: WritableStreamDefaultWriter<Uint8Array>; lastSent: string | null }

const encoder = new TextEncoder()
/** One server-sent event: its name and its JSON data. */
export const sseEvent = (event: string, body: object) =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(body)}\n\n`)
const statusEvent = (body: object) => sseEvent('status', body)
const keepAliveComment = () => encoder.encode(': keep-alive\n\n')
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }

/**
 * Server-sent event streams of the queue (`text/event-stream`): told like sockets, a comment
 * line every KEEP_ALIVE_MS, a last status (EXPIRED or SOLD_OUT) before the stream ends.
 * Unlike a hibernating socket a stream lives in the relay's memory, so it ends when the relay
 * does; EventSource reconnects by itself. Writes are never awaited: nothing waits on a client.
 */
export class EventStreams {
  private readonly streams = new OpenStreams<Stream>()

  get count(): number {
    return this.streams.count
  }

  /** A stream for this owner, told its status at once; or told `final` and ended. */
  open(owner: SocketOwner, first: QueueStatusView | SocketEnd): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
    const writer = writable.getWriter()
    const stream: Stream = { owner, writer, lastSent: null }
    if (typeof first === 'string') this.follower(stream).end(first)
    else {
      this.streams.add(stream)
      this.follower(stream).tell(first)
    }
    return new Response(readable, { headers: SSE_HEADERS })
  }

  all(): Follower[] {
    return [...this.streams].map((stream) => this.follower(stream))
  }

  private follower(stream: Stream): Follower {
    return {
      owner: stream.owner,
      place: (arrival) => (stream.owner = { ...stream.owner, arrival }),
      tell: (status) => {
        // As for sockets: compare without the estimate's drift, so an unchanged place is not re-sent.
        const key = `${status.status}|${status.position}|${status.activeUntil}`
        if (stream.lastSent === key) return
        stream.lastSent = key
        write(stream.writer, statusEvent({ token: stream.owner.token, ...status }))
      },
      end: (final) => {
        write(stream.writer, statusEvent({ status: final }))
        void stream.writer.close().catch(() => {})
        this.streams.drop(stream)
      },
      tellWaitlist: (entry) => write(stream.writer, sseEvent('waitlist', { waitlist: entry })),
    }
  }
}

/**
 * Open streams of one kind, in the relay's memory: a comment line to each every KEEP_ALIVE_MS
 * while any is open, and a stream dropped once its client is gone.
 */
export class OpenStreams<S extends { writer: WritableStreamDefaultWriter<Uint8Array> }> {
  private readonly streams = new Set<S>()
  private keepAlive: ReturnType<typeof setInterval> | null = null

  get count(): number {
    return this.streams.size
  }

  [Symbol.iterator]() {
    return this.streams.values()
  }

  add(stream: S) {
    this.streams.add(stream)
    void stream.writer.closed.catch(() => {}).finally(() => this.drop(stream))
    this.keepAlive ??= setInterval(() => {
      for (const { writer } of this.streams) write(writer, keepAliveComment())
    }, KEEP_ALIVE_MS)
  }

  drop(stream: S) {
    this.streams.delete(stream)
    if (this.streams.size === 0 && this.keepAlive !== null) {
      clearInterval(this.keepAlive)
      this.keepAlive = null
    }
  }
}

/** Not awaited: a client that stopped reading is dropped when its stream errors. */
export function write(writer: WritableStreamDefaultWriter<Uint8Array>, chunk: Uint8Array) {
  writer.write(chunk).catch(() => {})
}
