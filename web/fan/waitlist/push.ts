// A user's waitlist stream of one concert (GET /api/concerts/{id}/waitlist/events, docs/api.md):
// read with fetch, since EventSource cannot send the Bearer token, and parsed as server-sent
// events: `entries` on connect, then `waitlist` for each entry that moves.
import type { WaitlistEntry } from '../../common/api'

export interface WaitlistStreamHandlers {
  /** The entries of the concert, on connect (or reconnect): what was missed meanwhile. */
  entries(entries: WaitlistEntry[]): void
  /** One entry moved. */
  moved(entry: WaitlistEntry): void
  /** The stream could not open, or ended (not by close()): the caller polls until it opens again. */
  failed(): void
}

/** Opens the stream; the returned function closes it (and then `failed` is not called). */
export function openWaitlistStream(concertId: string, accessToken: string, on: WaitlistStreamHandlers): () => void {
  const controller = new AbortController()
  void (async () => {
    const res = await fetch(`/api/concerts/${concertId}/waitlist/events`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: controller.signal,
    })
    if (!res.ok || !res.body) throw new Error(`waitlist stream: ${res.status}`)
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) throw new Error('waitlist stream ended')
      buffer += value
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        dispatch(buffer.slice(0, end), on)
        buffer = buffer.slice(end + 2)
      }
    }
  })().catch(() => {
    if (!controller.signal.aborted) on.failed()
  })
  return () => controller.abort()
}

/** One event block: its `event:` name and its `data:` JSON; comment lines (keep-alives) are skipped. */
function dispatch(block: string, on: WaitlistStreamHandlers) {
  let event = 'message'
  let data = ''
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7)
    else if (line.startsWith('data: ')) data += line.slice(6)
  }
  if (!data) return
  const body = JSON.parse(data) as { entries?: WaitlistEntry[]; waitlist?: WaitlistEntry }
  if (event === 'entries' && body.entries) on.entries(body.entries)
  else if (event === 'waitlist' && body.waitlist) on.moved(body.waitlist)
}
