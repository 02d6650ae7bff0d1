import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, expectError, newUser } from '../helpers'
import {
  askCode,
  confirmCode,
  identityState,
  lastCode,
  newPhone,
  setGateway,
  smsTo,
  verifyUser,
  wrongCode,
} from './identity-helpers'

// One person, one place (API.md, "verified identity"): a phone verifies one account, codes are
// tried at most 5 times, and a concert may admit only verified accounts.

const me = (user: { accessToken: string }) => call('GET', '/api/users/me', { accessToken: user.accessToken })
/** The digits of a phone, as they would appear in any answer that leaked it. */
const digits = (phone: string) => phone.slice(1)

/** Moves the phone's codes 11 minutes back, out of the rate limit's window (they stay unexpired). */
const ageCodes = () =>
  env.DB.prepare(
    `UPDATE phone_verifications SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '-11 minutes')`,
  ).run()

describe('GET /api/users/me', () => {
  it('says who the user is and that no phone verifies them yet', async () => {
    const user = await newUser('Ji-woo')
    const reply = await me(user)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ userId: user.userId, name: 'Ji-woo', verified: false })
    expect((await me({ accessToken: (await call('POST', '/api/users')).body.accessToken })).body.name).toBeNull()
  })

  it('needs the access token', async () => {
    expectError(await call('GET', '/api/users/me'), 401, 'UNAUTHORIZED')
    expectError(await me({ accessToken: 'forged' }), 401, 'UNAUTHORIZED')
  })
})

describe('POST /api/users/me/verification', () => {
  it('sends a 6-digit code to the phone through the gateway and answers when it expires, never the phone', async () => {
    const user = await newUser()
    const phone = newPhone()
    const before = Date.now()
    const reply = await askCode(user, phone)
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      verificationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      expiresAt: expect.any(String),
    })
    const expiresIn = Date.parse(reply.body.expiresAt) - before
    expect(expiresIn).toBeGreaterThan(9.9 * 60_000)
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000 + 2_000)
    expect(JSON.stringify(reply.body)).not.toContain(digits(phone))
    const [sms] = await smsTo(phone)
    expect(sms).toEqual({
      to: phone,
      code: expect.stringMatching(/^\d{6}$/),
      message: expect.any(String),
      at: expect.any(String),
    })
    expect(sms!.message).toContain(sms!.code)
    // Stored as keyed hashes only: neither the phone nor the code is in D1 in clear.
    const rows = JSON.stringify(await identityState())
    expect(rows).not.toContain(digits(phone))
    expect(rows).not.toContain(digits(phone).slice(-8))
    const row = await env.DB.prepare('SELECT * FROM phone_verifications WHERE id = ?')
      .bind(reply.body.verificationId)
      .first<Record<string, unknown>>()
    expect(Object.values(row!)).not.toContain(sms!.code)
    expect(row!.phone_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses a phone that is not E.164, changing nothing', async () => {
    const user = await newUser()
    const before = await identityState()
    for (const phone of [
      '010-1234-5678',
      '821012345678',
      '+0821012345678',
      '+82 10 1234 5678',
      '+8210123456789012',
      '+82',
      '+82-10-1234-5678',
      '+８２1012345678',
      821012345678,
      null,
      '',
    ]) {
      const reply = await askCode(user, phone as string)
      expectError(reply, 400, 'VALIDATION_FAILED')
      expect(reply.body.error.message).toContain('phone')
    }
    expectError(
      await call('POST', '/api/users/me/verification', { accessToken: user.accessToken, body: {} }),
      400,
      'VALIDATION_FAILED',
    )
    expect(await identityState()).toEqual(before)
  })

  it('needs the access token', async () => {
    expectError(await askCode({ accessToken: '' }, newPhone()), 401, 'UNAUTHORIZED')
  })

  it('refuses a phone that verifies another account (409 IDENTITY_IN_USE), and sends it nothing', async () => {
    const phone = await verifyUser(await newUser())
    const sent = (await smsTo(phone)).length
    expectError(await askCode(await newUser(), phone), 409, 'IDENTITY_IN_USE')
    expect((await smsTo(phone)).length).toBe(sent)
  })

  it('sends at most 3 codes to one phone in 10 minutes, whichever accounts ask (429 with Retry-After)', async () => {
    const phone = newPhone()
    const [a, b] = [await newUser(), await newUser()]
    for (const user of [a, b, a]) expect((await askCode(user, phone)).status).toBe(201)
    const refused = await askCode(b, phone)
    expectError(refused, 429, 'RATE_LIMITED')
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(590)
    expect(retryAfter).toBeLessThanOrEqual(600)
    expect((await smsTo(phone)).length).toBe(3)
    // Another phone is not limited by this one.
    expect((await askCode(b, newPhone())).status).toBe(201)
  })

  it('counts concurrent requests for one phone exactly: 3 codes of 8 at once', async () => {
    const phone = newPhone()
    const users = await Promise.all(Array.from({ length: 8 }, () => newUser()))
    const replies = await Promise.all(users.map((u) => askCode(u, phone)))
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3)
    for (const r of replies.filter((r) => r.status !== 201)) expectError(r, 429, 'RATE_LIMITED')
    expect((await smsTo(phone)).length).toBe(3)
  })

  it('when the gateway refuses: 503 TRY_AGAIN and no verification left, nor counted; then it works', async () => {
    const user = await newUser()
    const phone = newPhone()
    await setGateway(phone, 'down')
    const before = await identityState()
    for (let i = 0; i < 4; i++) {
      const reply = await askCode(user, phone)
      expectError(reply, 503, 'TRY_AGAIN')
      expect(reply.headers.get('retry-after')).toBeTruthy()
    }
    expect(await identityState()).toEqual(before)
    await setGateway(phone, 'ok')
    await verifyUser(user, phone)
    expect((await me(user)).body.verified).toBe(true)
  })
})

describe('POST /api/users/me/verification/confirm', () => {
  it('the right code verifies the account', async () => {
    const user = await newUser()
    const phone = newPhone()
    const asked = await askCode(user, phone)
    const reply = await confirmCode(user, asked.body.verificationId, await lastCode(phone))
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ userId: user.userId, verified: true })
    expect((await me(user)).body).toEqual({ userId: user.userId, name: 'tester', verified: true })
    // No answer carries the phone.
    for (const answer of [asked, reply, await me(user)]) expect(JSON.stringify(answer)).not.toContain(digits(phone))
    // A retry whose answer was lost gets the same answer.
    expect((await confirmCode(user, asked.body.verificationId, await lastCode(phone))).status).toBe(200)
  })

  it('a wrong code is 400 VERIFICATION_FAILED; after 5 the verification is void, even for the right code', async () => {
    const user = await newUser()
    const phone = newPhone()
    const { verificationId } = (await askCode(user, phone)).body
    const code = await lastCode(phone)
    for (let i = 1; i <= 5; i++) {
      const reply = await confirmCode(user, verificationId, wrongCode(code))
      expectError(reply, 400, 'VERIFICATION_FAILED')
    }
    for (let i = 0; i < 2; i++) expectError(await confirmCode(user, verificationId, code), 400, 'VERIFICATION_FAILED')
    expect((await me(user)).body.verified).toBe(false)
    // A new code starts afresh.
    await verifyUser(user, phone)
  })

  it('parallel wrong codes are never tried more than 5 times', async () => {
    const user = await newUser()
    const phone = newPhone()
    const { verificationId } = (await askCode(user, phone)).body
    const code = await lastCode(phone)
    const guesses = Array.from({ length: 30 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'))
    const replies = await Promise.all(guesses.map((g) => confirmCode(user, verificationId, g)))
    for (const r of replies) expectError(r, 400, 'VERIFICATION_FAILED')
    const row = await env.DB.prepare('SELECT attempts FROM phone_verifications WHERE id = ?')
      .bind(verificationId)
      .first()
    expect(row).toEqual({ attempts: 5 })
    expect(replies.filter((r) => /(try|tries) left/.test(r.body.error.message))).toHaveLength(4)
    expectError(await confirmCode(user, verificationId, code), 400, 'VERIFICATION_FAILED')
  })

  it('past expiresAt: 410 VERIFICATION_EXPIRED, and nothing verified', async () => {
    const user = await newUser()
    const phone = newPhone()
    const { verificationId } = (await askCode(user, phone)).body
    await env.DB.prepare(
      `UPDATE phone_verifications SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-11 minutes'),
       expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minutes') WHERE id = ?`,
    )
      .bind(verificationId)
      .run()
    expectError(await confirmCode(user, verificationId, await lastCode(phone)), 410, 'VERIFICATION_EXPIRED')
    expect((await me(user)).body.verified).toBe(false)
  })

  it("another account's verification, or an unknown one, is 404 and is not counted", async () => {
    const [owner, other] = [await newUser(), await newUser()]
    const phone = newPhone()
    const { verificationId } = (await askCode(owner, phone)).body
    const code = await lastCode(phone)
    for (let i = 0; i < 6; i++)
      expectError(await confirmCode(other, verificationId, code), 404, 'VERIFICATION_NOT_FOUND')
    expectError(await confirmCode(other, crypto.randomUUID(), code), 404, 'VERIFICATION_NOT_FOUND')
    expect((await me(other)).body.verified).toBe(false)
    expect((await confirmCode(owner, verificationId, code)).status).toBe(200)
  })

  it('refuses malformed bodies with 400 VALIDATION_FAILED, without counting a try', async () => {
    const user = await newUser()
    const phone = newPhone()
    const { verificationId } = (await askCode(user, phone)).body
    const before = await identityState()
    for (const body of [
      {},
      { verificationId },
      { verificationId, code: '12345' },
      { verificationId, code: 123456 },
      { verificationId: 'x', code: '123456' },
      { verificationId, code: '1234567' },
    ]) {
      expectError(
        await call('POST', '/api/users/me/verification/confirm', { accessToken: user.accessToken, body }),
        400,
        'VALIDATION_FAILED',
      )
    }
    expect(await identityState()).toEqual(before)
    expectError(await confirmCode({ accessToken: 'nope' }, verificationId, '123456'), 401, 'UNAUTHORIZED')
  })

  it('one phone verifies one account: of 10 accounts confirming it at once, exactly one succeeds', async () => {
    const phone = newPhone()
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser()))
    const asked: Array<{ verificationId: string; code: string }> = []
    for (const [i, user] of users.entries()) {
      if (i > 0 && i % 3 === 0) await ageCodes()
      const reply = await askCode(user, phone)
      expect(reply.status, JSON.stringify(reply.body)).toBe(201)
      asked.push({ verificationId: reply.body.verificationId, code: await lastCode(phone) })
    }
    const replies = await Promise.all(users.map((u, i) => confirmCode(u, asked[i]!.verificationId, asked[i]!.code)))
    const winners = replies.filter((r) => r.status === 200)
    expect(winners).toHaveLength(1)
    for (const r of replies.filter((r) => r.status !== 200)) expectError(r, 409, 'IDENTITY_IN_USE')
    const verified = await Promise.all(users.map(async (u) => (await me(u)).body.verified as boolean))
    expect(verified.filter(Boolean)).toHaveLength(1)
    expect(verified.indexOf(true)).toBe(replies.indexOf(winners[0]!))
  })

  it("a new phone replaces the account's old one, which may then verify someone else", async () => {
    const user = await newUser()
    const first = await verifyUser(user)
    await verifyUser(user)
    const next = await newUser()
    await verifyUser(next, first)
    expect((await me(user)).body.verified).toBe(true)
    expect((await me(next)).body.verified).toBe(true)
  })
})
