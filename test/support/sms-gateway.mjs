// @ts-check
// A stand-in for the SMS gateway, in Node: it takes POSTed {"to", "code", "message"} at /sms,
// keeps every message by phone, and can be told to refuse one phone's messages:
//   POST /control {"to", "mode": "ok" | "down"}   down: every message to that phone gets 503
//   GET  /messages?to=<phone>                      {"messages": [{to, code, message, at}, ...]}, oldest first
// Used by the tests (vitest globalSetup; they read the codes from it), the e2e, and by hand:
// `node test/support/sms-gateway.mjs 9998` then `SMS_WEBHOOK_URL=http://127.0.0.1:9998/sms npm start`.
import { startJsonServer } from './json-server.mjs'

export function startSmsGateway(port) {
  /** @type {Map<string, Array<{ to: string; code: string; message: string; at: string }>>} */
  const messages = new Map()
  const modes = new Map()

  return startJsonServer(port, ({ method, url, body }, reply) => {
    if (method === 'POST' && url.pathname === '/control') {
      const { to, mode } = JSON.parse(body)
      modes.set(to, mode)
      return reply(200)
    }
    if (method === 'GET' && url.pathname === '/messages') {
      return reply(200, { messages: messages.get(url.searchParams.get('to') ?? '') ?? [] })
    }
    if (method !== 'POST' || url.pathname !== '/sms') return reply(404)
    const { to, code, message } = JSON.parse(body)
    if (typeof to !== 'string' || typeof code !== 'string' || typeof message !== 'string')
      return reply(400, { error: 'to, code and message are required strings' })
    if (modes.get(to) === 'down') return reply(503, { error: 'unavailable' })
    const list = messages.get(to) ?? []
    list.push({ to, code, message, at: new Date().toISOString() })
    messages.set(to, list)
    return reply(200, { accepted: true })
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 9998)
  await startSmsGateway(port)
  console.log(`SMS gateway stand-in on http://127.0.0.1:${port}/sms (GET /messages?to=+82… to read what arrived)`)
}
