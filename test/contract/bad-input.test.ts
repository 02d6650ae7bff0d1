import { sign } from 'hono/jwt'
import { beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/schemas'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  daysFromNow,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  stateOf,
  type Reply,
} from '../helpers'

// One fixture, every endpoint, every way its input can be wrong: each gets its 4xx in the
// contract's error body, and afterwards not a row of D1 or of the concert object has changed.

let concertId: string
let otherConcertId: string
let date: string
let buyer: Awaited<ReturnType<typeof activeBuyer>>
let waiter: Awaited<ReturnType<typeof newUser>> & { queueToken: string }
let reservationId: string
let expiredAccessToken: string
let foreignAccessToken: string

beforeAll(async () => {
  ;({ concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } }))
  ;({ concertId: otherConcertId } = await newConcert())
  date = (await call('GET', `/api/concerts/${concertId}/dates`)).body.dates[0].date
  buyer = await activeBuyer(concertId, 50_000)
  const w = await newUser()
  waiter = { ...w, queueToken: (await enterQueue(w, concertId)).token }
  reservationId = (await hold(buyer, concertId, date, 7)).body.reservationId
  const secret = 'test-auth-secret-0123456789abcdef0123456789abcdef'
  expiredAccessToken = await sign(
    { typ: 'access', sub: buyer.userId, exp: Math.floor(Date.now() / 1000) - 10 },
    secret,
    'HS256',
  )
  foreignAccessToken = await sign(
    { typ: 'access', sub: buyer.userId, exp: Math.floor(Date.now() / 1000) + 600 },
    'some-other-secret',
    'HS256',
  )
})

type Case = [name: string, request: () => Promise<Reply>, status: number, code?: string]

const asBuyer = (extra: object = {}) => ({ accessToken: buyer.accessToken, queueToken: buyer.queueToken, ...extra })
const charge = (body: unknown, extra: object = {}) =>
  call('POST', '/api/users/me/balance/charges', { accessToken: buyer.accessToken, body, ...extra })
const holdWith = (body: unknown, extra: object = {}) =>
  call('POST', `/api/concerts/${concertId}/reservations`, asBuyer({ body, ...extra }))
const payWith = (body: unknown, extra: object = {}) => call('POST', '/api/payments', asBuyer({ body, ...extra }))
const createConcert = (body: unknown) => call('POST', '/api/admin/concerts', { accessToken: ADMIN_TOKEN, body })
const putPolicy = (body: unknown, id = concertId) =>
  call('PUT', `/api/admin/concerts/${id}/queue-policy`, { accessToken: ADMIN_TOKEN, body })
const goodDates = () => [{ date: daysFromNow(30), price: 1_000 }]

const cases: Case[] = [
  // POST /api/users
  ['user: name is a number', () => call('POST', '/api/users', { body: { name: 5 } }), 400, 'VALIDATION_FAILED'],
  ['user: name is empty', () => call('POST', '/api/users', { body: { name: '  ' } }), 400, 'VALIDATION_FAILED'],
  [
    'user: name is too long',
    () => call('POST', '/api/users', { body: { name: 'x'.repeat(101) } }),
    400,
    'VALIDATION_FAILED',
  ],
  ['user: malformed JSON', () => call('POST', '/api/users', { rawBody: '{"name":' }), 400, 'VALIDATION_FAILED'],
  ['user: body is an array', () => call('POST', '/api/users', { body: [] }), 400, 'VALIDATION_FAILED'],
  ['user: body is a string', () => call('POST', '/api/users', { body: 'me' }), 400, 'VALIDATION_FAILED'],
  // GET /api/users/me/balance
  ['balance: no credential', () => call('GET', '/api/users/me/balance'), 401, 'UNAUTHORIZED'],
  [
    'balance: garbage token',
    () => call('GET', '/api/users/me/balance', { accessToken: 'abc.def.ghi' }),
    401,
    'UNAUTHORIZED',
  ],
  [
    'balance: expired token',
    () => call('GET', '/api/users/me/balance', { accessToken: expiredAccessToken }),
    401,
    'UNAUTHORIZED',
  ],
  [
    'balance: token signed elsewhere',
    () => call('GET', '/api/users/me/balance', { accessToken: foreignAccessToken }),
    401,
    'UNAUTHORIZED',
  ],
  [
    'balance: a queue token as access token',
    () => call('GET', '/api/users/me/balance', { accessToken: buyer.queueToken }),
    401,
    'UNAUTHORIZED',
  ],
  [
    'balance: Basic scheme',
    () => call('GET', '/api/users/me/balance', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    401,
    'UNAUTHORIZED',
  ],
  // POST /api/users/me/balance/charges
  ['charge: no credential', () => call('POST', '/api/users/me/balance/charges', { body: { amount: 5 } }), 401],
  ['charge: amount missing', () => charge({}), 400, 'VALIDATION_FAILED'],
  ['charge: amount 0', () => charge({ amount: 0 }), 400, 'VALIDATION_FAILED'],
  ['charge: amount negative', () => charge({ amount: -100 }), 400, 'VALIDATION_FAILED'],
  ['charge: amount over 10,000,000', () => charge({ amount: 10_000_001 }), 400, 'VALIDATION_FAILED'],
  ['charge: amount fractional', () => charge({ amount: 1.5 }), 400, 'VALIDATION_FAILED'],
  ['charge: amount as a string', () => charge({ amount: '100' }), 400, 'VALIDATION_FAILED'],
  ['charge: amount null', () => charge({ amount: null }), 400, 'VALIDATION_FAILED'],
  ['charge: amount huge', () => charge({ amount: 1e300 }), 400, 'VALIDATION_FAILED'],
  [
    'charge: no body',
    () => call('POST', '/api/users/me/balance/charges', { accessToken: buyer.accessToken }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'charge: text/plain body',
    () => charge({ amount: 5 }, { headers: { 'content-type': 'text/plain' } }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'charge: malformed JSON',
    () => call('POST', '/api/users/me/balance/charges', { accessToken: buyer.accessToken, rawBody: '{amount: 5}' }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'charge: Idempotency-Key too long',
    () => charge({ amount: 5 }, { headers: { 'idempotency-key': 'k'.repeat(201) } }),
    400,
    'VALIDATION_FAILED',
  ],
  ['charge: oversized body', () => charge({ amount: 5, pad: 'x'.repeat(MAX_BODY_BYTES) }), 413, 'PAYLOAD_TOO_LARGE'],
  // GET /api/users/me/reservations
  ['reservations: no credential', () => call('GET', '/api/users/me/reservations'), 401],
  // GET /api/concerts/{id}/dates
  ['dates: id not a uuid', () => call('GET', '/api/concerts/123/dates'), 400, 'VALIDATION_FAILED'],
  ['dates: unknown concert', () => call('GET', `/api/concerts/${crypto.randomUUID()}/dates`), 404, 'CONCERT_NOT_FOUND'],
  // POST /api/concerts/{id}/queue/tokens
  ['enter: no credential', () => call('POST', `/api/concerts/${concertId}/queue/tokens`), 401],
  [
    'enter: id not a uuid',
    () => call('POST', '/api/concerts/abc/queue/tokens', { accessToken: buyer.accessToken }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'enter: unknown concert',
    () => call('POST', `/api/concerts/${crypto.randomUUID()}/queue/tokens`, { accessToken: buyer.accessToken }),
    404,
    'CONCERT_NOT_FOUND',
  ],
  // GET /api/concerts/{id}/queue/status
  ['status: no token', () => call('GET', `/api/concerts/${concertId}/queue/status`), 401, 'QUEUE_TOKEN_INVALID'],
  [
    'status: forged token',
    () => call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: 'eyJ.forged.token' }),
    401,
    'QUEUE_TOKEN_INVALID',
  ],
  [
    'status: token of another concert',
    () => call('GET', `/api/concerts/${otherConcertId}/queue/status`, { queueToken: buyer.queueToken }),
    403,
    'QUEUE_TOKEN_MISMATCH',
  ],
  [
    'status: another user access token',
    () =>
      call('GET', `/api/concerts/${concertId}/queue/status`, {
        queueToken: buyer.queueToken,
        accessToken: waiter.accessToken,
      }),
    403,
    'QUEUE_TOKEN_MISMATCH',
  ],
  [
    'status: invalid access token beside it',
    () => call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: buyer.queueToken, accessToken: 'bad' }),
    401,
    'UNAUTHORIZED',
  ],
  // GET seats
  [
    'seats: bad date',
    () => call('GET', `/api/concerts/${concertId}/dates/2026-13-01/seats`, asBuyer()),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'seats: no show that date',
    () => call('GET', `/api/concerts/${concertId}/dates/${daysFromNow(200)}/seats`, asBuyer()),
    404,
    'DATE_NOT_FOUND',
  ],
  [
    'seats: waiting user',
    () =>
      call('GET', `/api/concerts/${concertId}/dates/${date}/seats`, {
        accessToken: waiter.accessToken,
        queueToken: waiter.queueToken,
      }),
    403,
    'QUEUE_NOT_ACTIVE',
  ],
  // POST reservations
  ['hold: seat missing', () => holdWith({ date }), 400, 'VALIDATION_FAILED'],
  ['hold: seat as a string', () => holdWith({ date, seatNumber: '8' }), 400, 'VALIDATION_FAILED'],
  ['hold: seat 0', () => holdWith({ date, seatNumber: 0 }), 400, 'VALIDATION_FAILED'],
  ['hold: seat 51 of 50', () => holdWith({ date, seatNumber: 51 }), 404, 'SEAT_NOT_FOUND'],
  ['hold: seat 50,001 (past any venue)', () => holdWith({ date, seatNumber: 50_001 }), 400, 'VALIDATION_FAILED'],
  ['hold: seat 7.5', () => holdWith({ date, seatNumber: 7.5 }), 400, 'VALIDATION_FAILED'],
  ['hold: date malformed', () => holdWith({ date: '24/12/2026', seatNumber: 8 }), 400, 'VALIDATION_FAILED'],
  ['hold: date missing', () => holdWith({ seatNumber: 8 }), 400, 'VALIDATION_FAILED'],
  [
    'hold: malformed JSON',
    () => call('POST', `/api/concerts/${concertId}/reservations`, asBuyer({ rawBody: '[' })),
    400,
    'VALIDATION_FAILED',
  ],
  ['hold: no access token', () => holdWith({ date, seatNumber: 8 }, { accessToken: undefined }), 401],
  [
    'hold: no queue token',
    () => holdWith({ date, seatNumber: 8 }, { queueToken: undefined }),
    401,
    'QUEUE_TOKEN_INVALID',
  ],
  [
    'hold: waiting user',
    () => holdWith({ date, seatNumber: 8 }, { accessToken: waiter.accessToken, queueToken: waiter.queueToken }),
    403,
    'QUEUE_NOT_ACTIVE',
  ],
  ['hold: seat already held', () => holdWith({ date, seatNumber: 7 }), 409, 'SEAT_UNAVAILABLE'],
  ['hold: over the hold limit', () => holdWith({ date, seatNumber: 8 }), 409, 'HOLD_LIMIT_REACHED'],
  ['hold: no show that date', () => holdWith({ date: daysFromNow(200), seatNumber: 8 }), 404, 'DATE_NOT_FOUND'],
  [
    'hold: unknown concert',
    () => call('POST', `/api/concerts/${crypto.randomUUID()}/reservations`, asBuyer({ body: { date, seatNumber: 8 } })),
    403,
    'QUEUE_TOKEN_MISMATCH',
  ],
  // DELETE reservation
  [
    'release: id not a uuid',
    () => call('DELETE', `/api/concerts/${concertId}/reservations/xyz`, asBuyer()),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'release: unknown reservation',
    () => call('DELETE', `/api/concerts/${concertId}/reservations/${crypto.randomUUID()}`, asBuyer()),
    404,
    'RESERVATION_NOT_FOUND',
  ],
  ['release: no credentials', () => call('DELETE', `/api/concerts/${concertId}/reservations/${reservationId}`), 401],
  // POST /api/payments
  ['pay: reservationId missing', () => payWith({}), 400, 'VALIDATION_FAILED'],
  ['pay: reservationId not a uuid', () => payWith({ reservationId: 42 }), 400, 'VALIDATION_FAILED'],
  ['pay: unknown reservation', () => payWith({ reservationId: crypto.randomUUID() }), 404, 'RESERVATION_NOT_FOUND'],
  ['pay: no queue token', () => payWith({ reservationId }, { queueToken: undefined }), 401, 'QUEUE_TOKEN_INVALID'],
  [
    'pay: waiting token of another user',
    () => payWith({ reservationId }, { queueToken: waiter.queueToken }),
    403,
    'QUEUE_TOKEN_MISMATCH',
  ],
  ['pay: insufficient balance', () => payWith({ reservationId }), 402, 'INSUFFICIENT_BALANCE'],
  ['pay: oversized body', () => payWith({ reservationId, pad: 'x'.repeat(MAX_BODY_BYTES) }), 413, 'PAYLOAD_TOO_LARGE'],
  // POST /api/admin/concerts
  [
    'create: no credential',
    () => call('POST', '/api/admin/concerts', { body: { title: 't', dates: goodDates() } }),
    401,
  ],
  [
    'create: user token',
    () =>
      call('POST', '/api/admin/concerts', { accessToken: buyer.accessToken, body: { title: 't', dates: goodDates() } }),
    403,
    'FORBIDDEN',
  ],
  ['create: title missing', () => createConcert({ dates: goodDates() }), 400, 'VALIDATION_FAILED'],
  ['create: no dates', () => createConcert({ title: 't', dates: [] }), 400, 'VALIDATION_FAILED'],
  [
    'create: date twice',
    () => createConcert({ title: 't', dates: [...goodDates(), ...goodDates()] }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'create: impossible date',
    () => createConcert({ title: 't', dates: [{ date: '2026-02-30', price: 1 }] }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'create: price 0',
    () => createConcert({ title: 't', dates: [{ date: daysFromNow(3), price: 0 }] }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'create: startsAt not a time',
    () => createConcert({ title: 't', dates: [{ date: daysFromNow(3), price: 1, startsAt: 'soon' }] }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'create: 51 seats',
    () => createConcert({ title: 't', dates: goodDates(), seatsPerDate: 51 }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'create: unknown policy field',
    () => createConcert({ title: 't', dates: goodDates(), queuePolicy: { admitEveryone: 1 } }),
    400,
    'VALIDATION_FAILED',
  ],
  // PUT queue-policy
  ['policy: empty', () => putPolicy({}), 400, 'VALIDATION_FAILED'],
  ['policy: maxActiveUsers 0', () => putPolicy({ maxActiveUsers: 0 }), 400, 'VALIDATION_FAILED'],
  ['policy: holdTtlSeconds as a string', () => putPolicy({ holdTtlSeconds: '60' }), 400, 'VALIDATION_FAILED'],
  ['policy: misspelt field', () => putPolicy({ maxActiveUser: 5 }), 400, 'VALIDATION_FAILED'],
  ['policy: paused as a string', () => putPolicy({ paused: 'yes' }), 400, 'VALIDATION_FAILED'],
  ['policy: paused null', () => putPolicy({ paused: null }), 400, 'VALIDATION_FAILED'],
  ['policy: maxWaitingUsers 0', () => putPolicy({ maxWaitingUsers: 0 }), 400, 'VALIDATION_FAILED'],
  ['policy: maxWaitingUsers fractional', () => putPolicy({ maxWaitingUsers: 2.5 }), 400, 'VALIDATION_FAILED'],
  [
    'create: maxWaitingUsers over 10,000,000',
    () => createConcert({ title: 't', dates: goodDates(), queuePolicy: { maxWaitingUsers: 10_000_001 } }),
    400,
    'VALIDATION_FAILED',
  ],
  ['policy: unknown concert', () => putPolicy({ maxActiveUsers: 5 }, crypto.randomUUID()), 404, 'CONCERT_NOT_FOUND'],
  ['policy: id not a uuid', () => putPolicy({ maxActiveUsers: 5 }, 'abc'), 400, 'VALIDATION_FAILED'],
  [
    'policy: user token',
    () =>
      call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
        accessToken: buyer.accessToken,
        body: { maxActiveUsers: 5 },
      }),
    403,
  ],
  // anything else
  ['unknown route', () => call('GET', '/api/tickets'), 404, 'NOT_FOUND'],
  ['wrong method', () => call('DELETE', '/api/users/me/balance', { accessToken: buyer.accessToken }), 404, 'NOT_FOUND'],
]

describe('every wrong input gets its 4xx and changes nothing', () => {
  let before: Awaited<ReturnType<typeof stateOf>>
  beforeAll(async () => {
    before = await stateOf(concertId)
  })

  it.each(cases)('%s', async (_, request, status, code) => {
    expectError(await request(), status, code)
  })

  it('left D1 and the concert object exactly as they were', async () => {
    expect(await stateOf(concertId)).toEqual(before)
  })

  it('validation messages name the field', async () => {
    expect((await charge({ amount: 0 })).body.error.message).toMatch(/^amount: /)
    expect((await holdWith({ date, seatNumber: 50_001 })).body.error.message).toMatch(/seatNumber/)
    expect((await createConcert({ title: 't', dates: [{ date: 'x', price: 1 }] })).body.error.message).toMatch(
      /dates\.0\.date/,
    )
  })
})
