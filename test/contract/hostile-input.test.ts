import { exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import {
  ChargeBody,
  CreateConcertBody,
  CreateUserBody,
  HoldBody,
  MAX_BODY_BYTES,
  PaymentBody,
  QueuePolicyUpdate,
} from '../../src/schemas'
import { activeBuyer, ADMIN_TOKEN, call, enterQueue, hold, newConcert, newUser, stateOf } from '../helpers'

// Property-based: random JSON, strings, numbers, headers and path segments at every route.
// Whatever arrives, the answer is a 4xx in the contract's error body (never a 5xx), and
// afterwards D1 and the concert object are exactly as they were.

const RUNS = 60

interface Attempt {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

let concertId: string
let date: string
let reservationId: string
let accessToken: string
/** Several ACTIVE buyers, taken in turn, so the per-user rate limit does not hide what lies behind it. */
let buyers: Array<{ accessToken: string; queueToken: string }>
let turn = 0
const nextBuyer = () => buyers[turn++ % buyers.length]!

// --- generators ---

const printable = (maxLength: number) =>
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength }).map((codes) => String.fromCharCode(...codes))
const oddStrings = fc.constantFrom(
  '',
  ' ',
  '..',
  '%',
  '%00',
  '%E0%A4%A',
  '../admin',
  'null',
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  '💥',
  'x'.repeat(5_000),
)
/** Path segments: anything, percent-encoded, or raw oddities. */
const segment = fc.oneof(
  fc.string().map(encodeURIComponent),
  fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
  oddStrings,
  fc.uuid(),
)
const headerValue = fc.oneof(
  printable(300),
  oddStrings.filter((s) => !/[^\x20-\x7e]/.test(s)),
)
const accepts = (schema: z.ZodType, text: string) => {
  try {
    return schema.safeParse(JSON.parse(text)).success
  } catch {
    return false
  }
}
/** Bodies of every shape, well-formed JSON or not, that the route's schema refuses. */
const invalidBody = (schema: z.ZodType) =>
  fc
    .oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ anything: fc.anything() }).map((v) => JSON.stringify(v) ?? '{}'),
      fc.string(),
      fc.constantFrom(
        '{',
        '{"a":',
        '[]',
        'null',
        '\u0000',
        '{"amount":1e400}',
        `{"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`,
      ),
    )
    .filter((text) => !accepts(schema, text))
const contentType = fc.oneof(fc.constant('application/json'), headerValue)
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

// --- one generator of hostile requests per route ---

const routes: Array<[string, () => fc.Arbitrary<Attempt>]> = [
  [
    'POST /api/users',
    () =>
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/api/users'),
        body: invalidBody(CreateUserBody),
        headers: fc.constant({ 'content-type': 'application/json' }),
      }),
  ],
  [
    'GET /api/users/me/balance',
    () =>
      headerValue.map((auth) => ({ method: 'GET', path: '/api/users/me/balance', headers: { authorization: auth } })),
  ],
  [
    'POST /api/users/me/balance/charges',
    () =>
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/api/users/me/balance/charges'),
        body: invalidBody(ChargeBody),
        headers: fc.tuple(contentType, fc.option(headerValue)).map(([type, key]) => ({
          ...bearer(accessToken),
          'content-type': type,
          ...(key === null ? {} : { 'idempotency-key': key }),
        })),
      }),
  ],
  [
    'GET /api/users/me/reservations',
    () => printable(3_000).map((t) => ({ method: 'GET', path: '/api/users/me/reservations', headers: bearer(t) })),
  ],
  ['GET /api/concerts/{id}/dates', () => segment.map((id) => ({ method: 'GET', path: `/api/concerts/${id}/dates` }))],
  [
    'GET /api/concerts/{id}/dates/{date}/seats',
    () =>
      fc.tuple(fc.oneof(segment, fc.constant('')), segment, fc.option(headerValue)).map(([id, day, token]) => ({
        method: 'GET',
        path: `/api/concerts/${id || concertId}/dates/${day}/seats`,
        headers: { ...bearer(accessToken), 'x-queue-token': token ?? nextBuyer().queueToken },
      })),
  ],
  [
    'POST /api/concerts/{id}/queue/tokens',
    () =>
      segment.map((id) => ({ method: 'POST', path: `/api/concerts/${id}/queue/tokens`, headers: bearer(accessToken) })),
  ],
  [
    'GET /api/concerts/{id}/queue/status',
    () =>
      headerValue.map((t) => ({
        method: 'GET',
        path: `/api/concerts/${concertId}/queue/status`,
        headers: { 'x-queue-token': t },
      })),
  ],
  [
    'GET /api/concerts/{id}/queue/ws',
    () =>
      fc.string().map((t) => ({
        method: 'GET',
        path: `/api/concerts/${concertId}/queue/ws?token=${encodeURIComponent(t)}`,
        headers: { upgrade: 'websocket' },
      })),
  ],
  [
    'POST /api/concerts/{id}/reservations',
    () =>
      fc.tuple(invalidBody(HoldBody), contentType).map(([body, type]) => {
        const b = nextBuyer()
        return {
          method: 'POST',
          path: `/api/concerts/${concertId}/reservations`,
          body,
          headers: { ...bearer(b.accessToken), 'x-queue-token': b.queueToken, 'content-type': type },
        }
      }),
  ],
  [
    'POST /api/concerts/{id}/reservations (credentials)',
    () =>
      fc.tuple(headerValue, headerValue).map(([auth, token]) => ({
        method: 'POST',
        path: `/api/concerts/${concertId}/reservations`,
        body: JSON.stringify({ date, seatNumber: 20 }),
        headers: { authorization: auth, 'x-queue-token': token, 'content-type': 'application/json' },
      })),
  ],
  [
    'DELETE /api/concerts/{id}/reservations/{rid}',
    () =>
      segment.map((rid) => {
        const b = nextBuyer()
        return {
          method: 'DELETE',
          path: `/api/concerts/${concertId}/reservations/${rid}`,
          headers: { ...bearer(b.accessToken), 'x-queue-token': b.queueToken },
        }
      }),
  ],
  [
    'POST /api/payments',
    () =>
      fc.tuple(invalidBody(PaymentBody), fc.option(headerValue)).map(([body, key]) => {
        const b = nextBuyer()
        return {
          method: 'POST',
          path: '/api/payments',
          body,
          headers: {
            ...bearer(b.accessToken),
            'x-queue-token': b.queueToken,
            'content-type': 'application/json',
            ...(key === null ? {} : { 'idempotency-key': key }),
          },
        }
      }),
  ],
  [
    'POST /api/payments (someone else, random ids)',
    () =>
      fc.oneof(fc.uuid(), fc.constant(reservationId)).map((rid) => {
        const b = nextBuyer()
        return {
          method: 'POST',
          path: '/api/payments',
          body: JSON.stringify({ reservationId: rid }),
          headers: { ...bearer(b.accessToken), 'x-queue-token': b.queueToken, 'content-type': 'application/json' },
        }
      }),
  ],
  [
    'POST /api/admin/concerts',
    () =>
      invalidBody(CreateConcertBody).map((body) => ({
        method: 'POST',
        path: '/api/admin/concerts',
        body,
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      })),
  ],
  [
    'PUT /api/admin/concerts/{id}/queue-policy',
    () =>
      fc.tuple(fc.oneof(fc.constant(''), segment), invalidBody(QueuePolicyUpdate)).map(([id, body]) => ({
        method: 'PUT',
        path: `/api/admin/concerts/${id || concertId}/queue-policy`,
        body,
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      })),
  ],
  [
    'GET /api/admin/concerts/{id}/queue',
    () =>
      fc.tuple(segment, headerValue).map(([id, auth]) => ({
        method: 'GET',
        path: `/api/admin/concerts/${id}/queue`,
        headers: { authorization: auth },
      })),
  ],
  [
    'any method, any path',
    () =>
      fc
        .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), fc.array(segment, { maxLength: 6 }))
        .map(([method, parts]) => ({
          method,
          path: `/api/${parts.join('/')}`,
          headers: bearer(accessToken),
        })),
  ],
]

async function send(attempt: Attempt) {
  const res = await exports.default.fetch(
    new Request(`http://tickets.test${attempt.path}`, {
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body,
    }),
  )
  const text = await res.text()
  return { status: res.status, text }
}

describe('hostile input', () => {
  let before: Awaited<ReturnType<typeof stateOf>>
  beforeAll(async () => {
    ;({ concertId, date } = await newConcert({ queuePolicy: { maxActiveUsers: 20 } }).then((c) => ({
      concertId: c.concertId,
      date: c.dates[0]!.date,
    })))
    buyers = await Promise.all(Array.from({ length: 8 }, () => activeBuyer(concertId, 10_000)))
    const holder = await activeBuyer(concertId)
    reservationId = (await hold(holder, concertId, date, 9)).body.reservationId
    const waiting = await newUser()
    await enterQueue(waiting, concertId)
    accessToken = waiting.accessToken
    before = await stateOf(concertId)
  })

  it.each(routes)('%s: a 4xx in the error body, never a 5xx', async (_, attempts) => {
    await fc.assert(
      fc.asyncProperty(attempts(), async (attempt) => {
        const { status, text } = await send(attempt)
        if (status < 400 || status >= 500)
          throw new Error(`${status} for ${JSON.stringify(attempt).slice(0, 500)}: ${text.slice(0, 300)}`)
        expect(JSON.parse(text)).toEqual({
          error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) },
        })
      }),
      { numRuns: RUNS },
    )
  })

  it('left D1 and the concert object exactly as they were', async () => {
    expect(await stateOf(concertId)).toEqual(before)
  })

  it('refuses oversized credentials unread', async () => {
    const huge = 'x'.repeat(100_000)
    expect((await call('GET', '/api/users/me/balance', { accessToken: huge })).status).toBe(401)
    expect((await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: huge })).status).toBe(401)
    expect(
      (await call('GET', `/api/concerts/${concertId}/queue/ws?token=${huge}`, { headers: { upgrade: 'websocket' } }))
        .status,
    ).toBe(400)
  })
})
