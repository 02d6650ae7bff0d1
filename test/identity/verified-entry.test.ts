import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, call, expectError, newConcert, newUser, stateOf } from '../helpers'
import { verifyUser } from './identity-helpers'

// Queue policy requireVerifiedIdentity (API.md, "verified identity"): an entry by an account
// without a verified phone is refused with 403 VERIFICATION_REQUIRED and changes nothing.

describe('policy requireVerifiedIdentity at the queue entry', () => {
  const enter = (user: { accessToken: string }, concertId: string) =>
    call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: user.accessToken })
  const policy = (concertId: string, patch: Record<string, unknown>) =>
    call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, { accessToken: ADMIN_TOKEN, body: patch })

  it('refuses an unverified account (403 VERIFICATION_REQUIRED, nothing changed) and admits it once verified', async () => {
    const { concertId } = await newConcert({ queuePolicy: { requireVerifiedIdentity: true } as never })
    const user = await newUser()
    const before = await stateOf(concertId)
    for (let i = 0; i < 3; i++) expectError(await enter(user, concertId), 403, 'VERIFICATION_REQUIRED')
    expect(await stateOf(concertId)).toEqual(before)
    await verifyUser(user)
    const entry = await enter(user, concertId)
    expect(entry.status, JSON.stringify(entry.body)).toBe(201)
    expect(entry.body.userId).toBe(user.userId)
  })

  it('concurrent unverified entries are all refused', async () => {
    const { concertId } = await newConcert({ queuePolicy: { requireVerifiedIdentity: true } as never })
    const users = await Promise.all(Array.from({ length: 12 }, () => newUser()))
    const before = await stateOf(concertId)
    const replies = await Promise.all(users.map((u) => enter(u, concertId)))
    for (const r of replies) expectError(r, 403, 'VERIFICATION_REQUIRED')
    expect(await stateOf(concertId)).toEqual(before)
  })

  it('off by default; switched on and off live by the operator', async () => {
    const { concertId } = await newConcert()
    const [early, late] = [await newUser(), await newUser()]
    expect((await enter(early, concertId)).status).toBe(201)
    expect((await policy(concertId, { requireVerifiedIdentity: true })).body.requireVerifiedIdentity).toBe(true)
    expectError(await enter(late, concertId), 403, 'VERIFICATION_REQUIRED')
    expect((await policy(concertId, { requireVerifiedIdentity: false })).status).toBe(200)
    expect((await enter(late, concertId)).status).toBe(201)
  })

  it('an unknown concert is still 404, a malformed id 400', async () => {
    const user = await newUser()
    expectError(await enter(user, crypto.randomUUID()), 404, 'CONCERT_NOT_FOUND')
    expectError(await enter(user, 'nope'), 400, 'VALIDATION_FAILED')
  })
})
