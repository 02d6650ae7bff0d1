import { describe, expect, it } from 'vitest'
import { call, chargeUser, expectError, newUser } from '../helpers'

describe('users', () => {
  it('POST /api/users gives a user id and an access token', async () => {
    const reply = await call('POST', '/api/users', { body: { name: 'Ji-woo' } })
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({ userId: expect.stringMatching(/^[0-9a-f-]{36}$/), accessToken: expect.any(String) })
  })

  it('accepts no body at all, since the name is optional', async () => {
    const reply = await call('POST', '/api/users')
    expect(reply.status).toBe(201)
  })

  it('each user has their own identity from the token, never from a body field', async () => {
    const a = await newUser()
    const b = await newUser()
    await chargeUser(a, 5_000)
    // A userId in the body is ignored: the charge lands on the token's user.
    const reply = await call('POST', '/api/users/me/balance/charges', {
      accessToken: b.accessToken,
      body: { amount: 1_000, userId: a.userId },
    })
    expect(reply.body).toEqual({ userId: b.userId, balance: 1_000 })
    const balanceA = await call('GET', '/api/users/me/balance', { accessToken: a.accessToken })
    expect(balanceA.body).toEqual({ userId: a.userId, balance: 5_000 })
  })
})

describe('balance', () => {
  it('starts at zero and adds charges', async () => {
    const user = await newUser()
    const start = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    expect(start.body).toEqual({ userId: user.userId, balance: 0 })
    expect(await chargeUser(user, 10_000)).toBe(10_000)
    expect(await chargeUser(user, 2_500)).toBe(12_500)
  })

  it('an Idempotency-Key makes a retried charge apply once and replays the first response', async () => {
    const user = await newUser()
    await chargeUser(user, 100)
    const first = await call('POST', '/api/users/me/balance/charges', {
      accessToken: user.accessToken,
      body: { amount: 1_000 },
      headers: { 'idempotency-key': 'charge-1' },
    })
    await chargeUser(user, 1)
    const retry = await call('POST', '/api/users/me/balance/charges', {
      accessToken: user.accessToken,
      body: { amount: 1_000 },
      headers: { 'idempotency-key': 'charge-1' },
    })
    expect(first.body).toEqual({ userId: user.userId, balance: 1_100 })
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual(first.body)
    const now = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    expect(now.body.balance).toBe(1_101)
  })

  it('the same Idempotency-Key with another amount is a conflict and changes nothing', async () => {
    const user = await newUser()
    const headers = { 'idempotency-key': 'k' }
    await call('POST', '/api/users/me/balance/charges', {
      accessToken: user.accessToken,
      body: { amount: 10 },
      headers,
    })
    const reply = await call('POST', '/api/users/me/balance/charges', {
      accessToken: user.accessToken,
      body: { amount: 20 },
      headers,
    })
    expectError(reply, 409, 'IDEMPOTENCY_KEY_REUSED')
    const now = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    expect(now.body.balance).toBe(10)
  })

  it('refuses a charge that would take the balance past the cap, changing nothing', async () => {
    const user = await newUser()
    for (let i = 0; i < 100; i++) await chargeUser(user, 10_000_000)
    const reply = await call('POST', '/api/users/me/balance/charges', {
      accessToken: user.accessToken,
      body: { amount: 1 },
    })
    expectError(reply, 409, 'BALANCE_LIMIT_EXCEEDED')
    const now = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    expect(now.body.balance).toBe(1_000_000_000)
  })

  it('100 concurrent charges add exactly 100 times the amount', async () => {
    const user = await newUser()
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        call('POST', '/api/users/me/balance/charges', { accessToken: user.accessToken, body: { amount: 1_234 } }),
      ),
    )
    expect(replies.every((r) => r.status === 200)).toBe(true)
    const balances = replies.map((r) => r.body.balance).sort((a, b) => a - b)
    // Every charge saw a distinct balance: none was lost to another.
    expect(new Set(balances).size).toBe(100)
    const now = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    expect(now.body.balance).toBe(123_400)
  })

  it('50 concurrent retries with one Idempotency-Key charge once', async () => {
    const user = await newUser()
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', '/api/users/me/balance/charges', {
          accessToken: user.accessToken,
          body: { amount: 777 },
          headers: { 'idempotency-key': 'once' },
        }),
      ),
    )
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(new Set(replies.map((r) => r.body.balance))).toEqual(new Set([777]))
    const now = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    expect(now.body.balance).toBe(777)
  })

  it('lists no reservations before any payment', async () => {
    const user = await newUser()
    const reply = await call('GET', '/api/users/me/reservations', { accessToken: user.accessToken })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ reservations: [] })
  })
})
