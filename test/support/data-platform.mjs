// @ts-check
// A stand-in for the data platform, in Node: it takes POSTed sale events, keeps each eventId
// once (the Idempotency-Key), and can be told to misbehave for one concert:
//   ok     every request is taken
//   down   every request is refused with 503
//   flaky  each event's first request fails, half of them after the event was stored (the
//          answer is lost, so the retry is a duplicate): half of all requests fail
// Used by the tests (vitest globalSetup) and by hand: `node test/support/data-platform.mjs 9999`
// then `DATA_PLATFORM_URL=http://127.0.0.1:9999/events npm start`.
import { startJsonServer } from './json-server.mjs'

export function startDataPlatform(port) {
  const events = new Map()
  const attempts = new Map()
  const modes = new Map()

  return startJsonServer(port, ({ method, url, body, headers }, reply) => {
    if (method === 'POST' && url.pathname === '/control') {
      const { concertId, mode } = JSON.parse(body)
      modes.set(concertId, mode)
      return reply(200)
    }
    if (method === 'GET' && url.pathname === '/received') {
      const concertId = url.searchParams.get('concertId')
      const mine = [...attempts.entries()].filter(([, a]) => a.concertId === concertId)
      return reply(200, {
        events: [...events.values()].filter((e) => e.concertId === concertId),
        requests: mine.reduce((sum, [, a]) => sum + a.requests, 0),
        failed: mine.reduce((sum, [, a]) => sum + a.failed, 0),
        duplicates: mine.reduce((sum, [, a]) => sum + a.duplicates, 0),
      })
    }
    if (method === 'GET' && url.pathname === '/counts') {
      const all = [...attempts.values()]
      return reply(200, {
        events: events.size,
        requests: all.reduce((sum, a) => sum + a.requests, 0),
        duplicates: all.reduce((sum, a) => sum + a.duplicates, 0),
      })
    }
    if (method !== 'POST' || url.pathname !== '/events') return reply(404)

    const key = headers['idempotency-key']
    const event = JSON.parse(body)
    if (typeof key !== 'string' || key !== event.eventId)
      return reply(400, { error: 'Idempotency-Key must be the eventId' })
    const seen = attempts.get(key) ?? { concertId: event.concertId, requests: 0, failed: 0, duplicates: 0 }
    attempts.set(key, seen)
    seen.requests++
    const mode = modes.get(event.concertId) ?? 'ok'
    if (mode === 'down' || (mode === 'flaky' && seen.requests === 1 && key.charCodeAt(0) % 2 === 0)) {
      seen.failed++
      return reply(503, { error: 'unavailable' })
    }
    if (events.has(key)) seen.duplicates++
    else events.set(key, event)
    if (mode === 'flaky' && seen.requests === 1) {
      seen.failed++
      return reply(503, { error: 'stored, but the answer is lost' })
    }
    return reply(200, { eventId: key })
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 9999)
  await startDataPlatform(port)
  console.log(
    `data platform stand-in on http://127.0.0.1:${port}/events (GET /received?concertId=… to see what arrived)`,
  )
}
