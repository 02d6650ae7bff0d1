// @ts-check
// A stand-in for Cloudflare's Turnstile siteverify, in Node. It takes what siteverify takes (JSON
// or a form: secret, response, remoteip, idempotency_key) and answers as siteverify does:
//   a wrong secret                  {"success": false, "error-codes": ["invalid-input-secret"]}
//   a token starting with "pass-"   success, once: a second check of it is "timeout-or-duplicate",
//                                   unless it comes with the first check's idempotency_key
//   "down-..."                      503, every time
//   "flaky-..."                     503 the first time, then as "pass-..."
//   "slow-..."                      never answers (the Worker's time-out is tested)
//   anything else                   {"success": false, "error-codes": ["invalid-input-response"]}
// GET /checks?token=... lists what was received for a token, so that tests can see remoteip and
// the idempotency key. Used by the tests (vitest globalSetup, on a free port) and by hand:
// `node test/support/turnstile.mjs 9395`, then TURNSTILE_VERIFY_URL=http://127.0.0.1:9395/siteverify.
import { createServer } from 'node:http'

export const TURNSTILE_TEST_SECRET = 'test-turnstile-secret'

/**
 * @param {number} port 0 for any free one
 * @returns {Promise<import('node:http').Server>}
 */
export function startTurnstile(port) {
  /** @type {Map<string, Array<Record<string, string>>>} */
  const checks = new Map()
  /** @type {Map<string, string | undefined>} token -> the idempotency key of its first good check */
  const used = new Map()

  const handle = async (req, res) => {
    let text = ''
    for await (const chunk of req) text += chunk
    const url = new URL(req.url ?? '/', 'http://siteverify')
    const reply = (/** @type {number} */ status, /** @type {unknown} */ value) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    if (req.method === 'GET' && url.pathname === '/checks')
      return reply(200, checks.get(url.searchParams.get('token') ?? '') ?? [])
    if (req.method !== 'POST' || url.pathname !== '/siteverify') return reply(404, { error: 'not found' })

    /** @type {Record<string, string>} */
    const form = (req.headers['content-type'] ?? '').includes('json')
      ? JSON.parse(text || '{}')
      : Object.fromEntries(new URLSearchParams(text))
    const token = String(form.response ?? '')
    const seen = checks.get(token) ?? []
    checks.set(token, [...seen, form])
    const refuse = (/** @type {string} */ code) => reply(200, { success: false, 'error-codes': [code], messages: [] })

    if (form.secret !== TURNSTILE_TEST_SECRET) return refuse('invalid-input-secret')
    if (!token) return refuse('missing-input-response')
    if (token.startsWith('slow-')) {
      setTimeout(() => res.destroy(), 10_000).unref()
      return
    }
    if (token.startsWith('down-') || (token.startsWith('flaky-') && seen.length === 0))
      return reply(503, { success: false, 'error-codes': ['internal-error'] })
    if (!token.startsWith('pass-') && !token.startsWith('flaky-')) return refuse('invalid-input-response')
    if (used.has(token) && (!form.idempotency_key || used.get(token) !== form.idempotency_key))
      return refuse('timeout-or-duplicate')
    used.set(token, form.idempotency_key)
    return reply(200, {
      success: true,
      'error-codes': [],
      challenge_ts: new Date().toISOString(),
      hostname: 'tickets.test',
      action: '',
      cdata: '',
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400)
      res.end()
    })
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 9395)
  await startTurnstile(port)
  console.log(`siteverify stand-in on http://127.0.0.1:${port}/siteverify (secret ${TURNSTILE_TEST_SECRET})`)
}
