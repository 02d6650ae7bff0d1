import { runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { decode, sign } from 'hono/jwt'
import { describe, expect, it } from 'vitest'
import { signAccessToken } from '../../src/auth/tokens'
import {
  activeBuyer,
  ADMIN_TOKEN,
  arrivalOf,
  call,
  chargeUser,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  payFor,
  sleep,
  stubOf,
} from '../helpers'

const OTHER_SECRET = 'not-the-service-secret-0123456789abcdef0123456789'
const now = () => Math.floor(Date.now() / 1000)
const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

/** Same header and signature, another payload: what an attacker editing a token produces. */
function withPayload(token: string, payload: Record<string, unknown>) {
  const [head, , signature] = token.split('.')
  return `${head}.${b64url(payload)}.${signature}`
}
const unsigned = (payload: Record<string, unknown>) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`

type Buyer = Awaited<ReturnType<typeof activeBuyer>>

/** Every route that needs an ACTIVE queue token, called with this buyer's access token and the given queue token. */
function queueRoutes(concertId: string, date: string, reservationId: string) {
  return {
    status: (b: Buyer, token: string) =>
      call('GET', `/api/concerts/${concertId}/queue/status`, { accessToken: b.accessToken, queueToken: token }),
    seats: (b: Buyer, token: string) =>
      call('GET', `/api/concerts/${concertId}/dates/${date}/seats`, { accessToken: b.accessToken, queueToken: token }),
    hold: (b: Buyer, token: string) =>
      call('POST', `/api/concerts/${concertId}/reservations`, {
        accessToken: b.accessToken,
        queueToken: token,
        body: { date, seatNumber: 40 },
      }),
    release: (b: Buyer, token: string) =>
      call('DELETE', `/api/concerts/${concertId}/reservations/${reservationId}`, {
        accessToken: b.accessToken,
        queueToken: token,
      }),
    pay: (b: Buyer, token: string) => payFor({ ...b, queueToken: token }, reservationId),
  }
}

describe('credentials', () => {
  it('are HS256 signatures (256-bit HMAC) under a secret of at least 32 characters', async () => {
    const user = await newUser()
    const { header, payload } = decode(user.accessToken)
    expect(header.alg).toBe('HS256')
    expect(payload).toMatchObject({ typ: 'access', sub: user.userId, exp: expect.any(Number) })
    expect(payload.exp! - now()).toBeGreaterThan(23 * 3600)
    expect(payload.exp! - now()).toBeLessThanOrEqual(24 * 3600)
    const signature = user.accessToken.split('.')[2]!
    expect(atob(signature.replace(/-/g, '+').replace(/_/g, '/')).length).toBe(32)
    await expect(signAccessToken(user.userId, 'short-secret')).rejects.toThrow(/at least 32/)
  })

  it('access tokens: forged, tampered, expired, unsigned, queue tokens and missing ones are 401', async () => {
    const { concertId } = await newConcert()
    const victim = await newUser()
    await chargeUser(victim, 5_000)
    const attacker = await newUser()
    const { token: queueToken } = await enterQueue(attacker, concertId)
    const claims = { typ: 'access', sub: victim.userId, exp: now() + 3600 }
    const attacks = {
      forged: await sign(claims, OTHER_SECRET, 'HS256'),
      tampered: withPayload(attacker.accessToken, claims),
      expired: await sign({ ...claims, exp: now() - 1 }, env.AUTH_SECRET, 'HS256'),
      unsigned: unsigned(claims),
      queueTokenInstead: queueToken,
      garbage: 'not.a.token',
    }
    for (const [name, token] of Object.entries(attacks)) {
      const balance = await call('GET', '/api/users/me/balance', { accessToken: token })
      expect(balance.status, name).toBe(401)
      expectError(balance, 401, 'UNAUTHORIZED')
      expectError(await call('POST', '/api/users/me/balance/charges', { accessToken: token, body: { amount: 1 } }), 401)
      expectError(await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: token }), 401)
      expectError(
        await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
          accessToken: token,
          body: { maxActiveUsers: 1 },
        }),
        401,
      )
    }
    expectError(await call('GET', '/api/users/me/balance'), 401, 'UNAUTHORIZED')
    // A genuine token signed for the victim is the only way to their balance.
    expect((await call('GET', '/api/users/me/balance', { accessToken: victim.accessToken })).body.balance).toBe(5_000)
  })

  it('an access token accepted before is refused once it expires (verified tokens are remembered, never past exp)', async () => {
    const user = await newUser()
    const exp = now() + 2
    const shortLived = await sign({ typ: 'access', sub: user.userId, exp }, env.AUTH_SECRET, 'HS256')
    expect((await call('GET', '/api/users/me/balance', { accessToken: shortLived })).status).toBe(200)
    await sleep(exp * 1000 - Date.now() + 100)
    expectError(await call('GET', '/api/users/me/balance', { accessToken: shortLived }), 401, 'UNAUTHORIZED')
  })

  it('operator routes: a user token is 403, a wrong admin token 401', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const path = `/api/admin/concerts/${concertId}/queue-policy`
    expectError(
      await call('PUT', path, { accessToken: user.accessToken, body: { maxActiveUsers: 1 } }),
      403,
      'FORBIDDEN',
    )
    expectError(
      await call('PUT', path, { accessToken: `${ADMIN_TOKEN}x`, body: { maxActiveUsers: 1 } }),
      401,
      'UNAUTHORIZED',
    )
    expectError(
      await call('PUT', path, { accessToken: ADMIN_TOKEN.slice(0, -1), body: { maxActiveUsers: 1 } }),
      401,
      'UNAUTHORIZED',
    )
  })

  it('queue tokens: forged, tampered, unsigned, swapped, replayed after payment and expired are refused on every route', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 10 } })
    const elsewhere = await newConcert()
    const date = dates[0]!.date
    const owner = await activeBuyer(concertId, 500_000)
    const other = await activeBuyer(concertId)
    const held = await hold(owner, concertId, date, 5)
    expect(held.status).toBe(201)
    const routes = queueRoutes(concertId, date, held.body.reservationId)
    const { payload } = decode(owner.queueToken)
    const elsewhereToken = (await enterQueue(owner, elsewhere.concertId)).token

    const refusals: Array<[string, string, Buyer, number, string]> = [
      ['forged', await sign(payload, OTHER_SECRET, 'HS256'), owner, 401, 'QUEUE_TOKEN_INVALID'],
      [
        'tampered place',
        withPayload(owner.queueToken, { ...payload, arr: arrivalOf(owner.queueToken) + 1 }),
        owner,
        401,
        'QUEUE_TOKEN_INVALID',
      ],
      [
        'tampered user',
        withPayload(other.queueToken, { ...decode(other.queueToken).payload, sub: owner.userId }),
        owner,
        401,
        'QUEUE_TOKEN_INVALID',
      ],
      ['unsigned', unsigned(payload), owner, 401, 'QUEUE_TOKEN_INVALID'],
      ['access token instead', owner.accessToken, owner, 401, 'QUEUE_TOKEN_INVALID'],
      ["another user's", other.queueToken, owner, 403, 'QUEUE_TOKEN_MISMATCH'],
      ['presented by another user', owner.queueToken, other, 403, 'QUEUE_TOKEN_MISMATCH'],
      ["another concert's", elsewhereToken, owner, 403, 'QUEUE_TOKEN_MISMATCH'],
    ]
    for (const [name, token, caller, status, code] of refusals) {
      for (const [route, request] of Object.entries(routes)) {
        const reply = await request(caller, token)
        if (name === "another concert's" && route === 'pay') {
          // POST /api/payments names no concert: the token's own concert has no such reservation.
          expectError(reply, 404, 'RESERVATION_NOT_FOUND')
          continue
        }
        expect(reply.status, `${name} on ${route}: ${JSON.stringify(reply.body)}`).toBe(status)
        expectError(reply, status, code)
      }
    }
    // None of that touched the hold or the money.
    expect((await call('GET', '/api/users/me/balance', { accessToken: owner.accessToken })).body.balance).toBe(500_000)
    expect((await payFor(owner, held.body.reservationId)).status).toBe(201)

    // Replayed after payment: the token is finished everywhere; paying again is the contract's
    // 409 ALREADY_PAID (a repeated payment), and debits nothing.
    const { pay, ...rest } = routes
    expectError(await pay(owner, owner.queueToken), 409, 'ALREADY_PAID')
    expect((await call('GET', '/api/users/me/balance', { accessToken: owner.accessToken })).body.balance).toBe(400_000)
    for (const [route, request] of Object.entries(rest)) {
      const reply = await request(owner, owner.queueToken)
      expect(reply.status, `replayed on ${route}`).toBe(401)
      expectError(reply, 401, 'QUEUE_TOKEN_INVALID')
    }
  })

  it('a malformed concert id in the path is 400 before anything is said of the queue token', async () => {
    const { concertId, dates } = await newConcert()
    const buyer = await activeBuyer(concertId)
    const paths = [
      '/api/concerts/not-a-uuid/queue/status',
      `/api/concerts/not-a-uuid/dates/${dates[0]!.date}/seats`,
      '/api/concerts/not-a-uuid/queue/ws?token=x',
    ]
    for (const path of paths) {
      for (const queueToken of [buyer.queueToken, 'forged', undefined]) {
        expectError(await call('GET', path, { accessToken: buyer.accessToken, queueToken }), 400, 'VALIDATION_FAILED')
      }
    }
    // With a well-formed id of another concert the same token is the mismatch it is.
    expectError(
      await call('GET', `/api/concerts/${crypto.randomUUID()}/queue/status`, { queueToken: buyer.queueToken }),
      403,
      'QUEUE_TOKEN_MISMATCH',
    )
  })

  it('queue tokens expire with the admission: after activeTtlSeconds every route says 401', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { activeTtlSeconds: 1 } })
    const buyer = await activeBuyer(concertId)
    await sleep(1_100)
    const stub = stubOf(concertId)
    await runDurableObjectAlarm(stub)
    for (const [route, request] of Object.entries(queueRoutes(concertId, dates[0]!.date, crypto.randomUUID()))) {
      const reply = await request(buyer, buyer.queueToken)
      expect(reply.status, route).toBe(401)
      expectError(reply, 401, 'QUEUE_TOKEN_INVALID')
    }
  })
})
