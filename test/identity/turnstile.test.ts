import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, inject, it } from 'vitest'
import worker from '../../src/index'
import { ADMIN_TOKEN, call, expectError, newConcert, newUser, type User } from '../helpers'

// Turnstile at the queue entry. The tests' own Worker has TURNSTILE_SECRET_KEY unset (off, as under
// `npm start`); here a second env turns it on, pointed at the siteverify stand-in of
// test/support/turnstile.mjs ("pass-..." accepted once, "down-..." 503, "flaky-..." 503 then
// accepted, "slow-..." never answered, anything else refused).

const SECRET = 'test-turnstile-secret' // TURNSTILE_TEST_SECRET of the stand-in
const SITE_KEY = '1x00000000000000000000AA'
const on = () => ({
  ...env,
  TURNSTILE_SECRET_KEY: SECRET,
  TURNSTILE_SITE_KEY: SITE_KEY,
  TURNSTILE_VERIFY_URL: inject('turnstileVerifyUrl'),
})
const fresh = (kind: 'pass' | 'down' | 'flaky' | 'slow' | 'nope') => `${kind}-${crypto.randomUUID()}`

async function send(bindings: Env, method: string, path: string, headers: Record<string, string> = {}) {
  const request = new Request(`http://tickets.test${path}`, { method, headers })
  const res = await worker.fetch(request, bindings, createExecutionContext())
  return { status: res.status, body: (await res.json()) as any, headers: res.headers }
}

const enter = (concertId: string, user: User, headers: Record<string, string> = {}, bindings: Env = on()) =>
  send(bindings, 'POST', `/api/concerts/${concertId}/queue/tokens`, {
    authorization: `Bearer ${user.accessToken}`,
    ...headers,
  })

/** What the stand-in received for a token. */
async function checksOf(token: string): Promise<Array<Record<string, string>>> {
  const url = new URL(inject('turnstileVerifyUrl'))
  url.pathname = '/checks'
  url.searchParams.set('token', token)
  return (await fetch(url)).json()
}

async function inLine(concertId: string) {
  const stats = await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
  return stats.body.waiting + stats.body.active
}

describe('Turnstile at the queue entry', () => {
  it('is off without TURNSTILE_SECRET_KEY: entries need no token, and GET /api/turnstile says so', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    expect((await enter(concertId, user, {}, env)).status).toBe(201)
    const settings = await call('GET', '/api/turnstile')
    expect(settings.status).toBe(200)
    expect(settings.body).toEqual({ required: false, siteKey: null })
  })

  it('reports the site key for the page when on', async () => {
    const settings = await send(on(), 'GET', '/api/turnstile')
    expect(settings.body).toEqual({ required: true, siteKey: SITE_KEY })
  })

  it('refuses an entry without a token (403 TURNSTILE_REQUIRED) or with a refused one (403 TURNSTILE_FAILED), entering nobody', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const missing = await enter(concertId, user)
    expectError(missing, 403, 'TURNSTILE_REQUIRED')

    const token = fresh('nope')
    const refused = await enter(concertId, user, { 'x-turnstile-token': token, 'cf-connecting-ip': '203.0.113.7' })
    expectError(refused, 403, 'TURNSTILE_FAILED')
    expect(await inLine(concertId)).toBe(0)

    // What siteverify was asked: the secret, the token, the visitor's address and an idempotency key.
    const [check] = await checksOf(token)
    expect(check).toEqual({
      secret: SECRET,
      response: token,
      remoteip: '203.0.113.7',
      idempotency_key: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
  })

  it('enters with an accepted token; a token is good once; a user with a place gets it back with a fresh one', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const token = fresh('pass')
    const first = await enter(concertId, user, { 'x-turnstile-token': token })
    expect(first.status).toBe(201)

    expectError(await enter(concertId, user, { 'x-turnstile-token': token }), 403, 'TURNSTILE_FAILED')
    expectError(await enter(concertId, user), 403, 'TURNSTILE_REQUIRED')
    const again = await enter(concertId, user, { 'x-turnstile-token': fresh('pass') })
    expect(again.status).toBe(200)
    expect(again.body.token).toBe(first.body.token)
    expect(await inLine(concertId)).toBe(1)
  })

  it('fails closed when siteverify is down: 503 TRY_AGAIN with Retry-After after one retry with the same idempotency key', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const token = fresh('down')
    const reply = await enter(concertId, user, { 'x-turnstile-token': token })
    expectError(reply, 503, 'TRY_AGAIN')
    expect(reply.headers.get('retry-after')).toBe('2')
    const checks = await checksOf(token)
    expect(checks).toHaveLength(2)
    expect(checks[1]!.idempotency_key).toBe(checks[0]!.idempotency_key)
    expect(await inLine(concertId)).toBe(0)

    // A passing failure is retried once, as siteverify's idempotency allows.
    const flaky = fresh('flaky')
    expect((await enter(concertId, user, { 'x-turnstile-token': flaky })).status).toBe(201)
    expect(await checksOf(flaky)).toHaveLength(2)
  })

  it('fails closed when siteverify does not answer within 3 s (not retried)', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const token = fresh('slow')
    const started = Date.now()
    const reply = await enter(concertId, user, { 'x-turnstile-token': token })
    expectError(reply, 503, 'TRY_AGAIN')
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(await checksOf(token)).toHaveLength(1)
    expect(await inLine(concertId)).toBe(0)
  })

  it('refuses a malformed token with 400 naming the header, on or off, without asking siteverify', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    for (const bindings of [on(), env]) {
      for (const bad of ['two words', 'x'.repeat(2049), 'tab\there']) {
        const reply = await enter(concertId, user, { 'x-turnstile-token': bad }, bindings)
        expectError(reply, 400, 'VALIDATION_FAILED')
        expect(reply.body.error.message).toContain('x-turnstile-token')
      }
    }
    expect(await checksOf('two words')).toEqual([])
    expect(await inLine(concertId)).toBe(0)
  })

  it('answers any X-Turnstile-Token with a 4xx in the error body, never a 5xx, and enters nobody (fuzz)', async () => {
    const { concertId } = await newConcert()
    const users = await Promise.all(Array.from({ length: 4 }, () => newUser()))
    let turn = 0
    const value = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary-ascii', maxLength: 300 }),
      fc.constantFrom('', ' ', '%00', 'null', 'x'.repeat(2048), 'x'.repeat(5000)),
    )
    await fc.assert(
      fc.asyncProperty(value, async (token) => {
        const user = users[turn++ % users.length]!
        // Header values the Fetch API refuses to carry never reach a server; skip them.
        let headers: Headers
        try {
          headers = new Headers({ 'x-turnstile-token': token })
        } catch {
          return
        }
        const reply = await enter(concertId, user, Object.fromEntries(headers))
        expect(reply.status, `${reply.status} for ${JSON.stringify(token).slice(0, 100)}`).toBeGreaterThanOrEqual(400)
        expect(reply.status).toBeLessThan(500)
        expect(reply.body).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) } })
      }),
      { numRuns: 40 },
    )
    expect(await inLine(concertId)).toBe(0)
  })
})
