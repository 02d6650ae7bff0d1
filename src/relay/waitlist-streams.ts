import type { WaitlistEntryView } from '../schemas'
import type { WaitlistListener } from './follower'
import { OpenStreams, sseEvent, SSE_HEADERS, write } from './streams'

type Stream = { userId: string; writer: WritableStreamDefaultWriter<Uint8Array> }

/**
 * Users' waitlist streams (`GET .../waitlist/events`): `event: entries` with the user's entries
 * of the concert on connect, then `event: waitlist` with each entry that changes state, as the
 * concert object's pushes bring it; a comment line every KEEP_ALIVE_MS. They live in the
 * relay's memory, as the queue's streams do: a relay that goes ends them, and the page
 * connects again (and is told its entries afresh). Writes are never awaited.
 */
export class WaitlistStreams {
  private readonly streams = new OpenStreams<Stream>()

  get count(): number {
    return this.streams.count
  }

  open(userId: string, entries: WaitlistEntryView[]): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
    const stream: Stream = { userId, writer: writable.getWriter() }
    this.streams.add(stream)
    write(stream.writer, sseEvent('entries', { entries }))
    return new Response(readable, { headers: SSE_HEADERS })
  }

  listeners(): WaitlistListener[] {
    return [...this.streams].map(({ userId, writer }) => ({
      userId,
      tellWaitlist: (entry) => write(writer, sseEvent('waitlist', { waitlist: entry })),
    }))
  }
}
