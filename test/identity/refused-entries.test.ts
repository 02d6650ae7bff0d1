import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import worker from '../../src/index'
import { handoffs } from '../../src/concert-client/refusal-counts'
import { refusalReason, noRefusals, REFUSAL_REASONS, type RefusedCounts } from '../../src/shared/refused-entries'
import type { ErrorCode } from '../../src/errors/catalogue'
import { ADMIN_TOKEN, call, newConcert, newUser, until, type User } from '../helpers'
import { verifyUser } from './identity-helpers'

// Refused queue entries counted by reason for operators (API.md, queue stats refusedEntries;
// docs/api.md): counted in the Worker's isolate from its answers (the object's proof refusals
// among them), handed on through a gate about once a second. Turnstile needs the second env of
// test/identity/turnstile.test.ts.

const withTurnstile = (): Env => ({
  ...env,
  TURNSTILE_SECRET_KEY: 'test-turnstile-secret',
  TURNSTILE_SITE_KEY: '1x00000000000000000000AA',
  TURNSTILE_VERIFY_URL: inject('turnstileVerifyUrl'),
})

async function enter(concertId: string, user: User, headers: Record<string, string> = {}, bindings: Env = env) {
  const request = new Request(`http://tickets.test/api/concerts/${concertId}/queue/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}`, ...headers },
  })
  const res = await worker.fetch(request, bindings, createExecutionContext())
  const body = await res.json<{ error?: { code: ErrorCode } }>()
  return { status: res.status, code: body.error?.code }
}

const stats = async (concertId: string) =>
  (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body

/** What the replies' codes say was refused, by reason. */
function tally(codes: Array<ErrorCode | undefined>): RefusedCounts {
  const counts = noRefusals()
  for (const code of codes) {
    const reason = code && refusalReason(code)
    if (reason) counts[reason]++
  }
  return counts
}

const refusedIn = (concertId: string, expected: RefusedCounts) =>
  until('the refusals counted', async () => {
    const counted = (await stats(concertId)).refusedEntries
    return JSON.stringify(counted) === JSON.stringify(expected) && counted
  })

describe('refused queue entries, by reason', () => {
  it('counts each reason in the stats and in the minute of the history', async () => {
    const { concertId } = await newConcert({
      queuePolicy: { requireVerifiedIdentity: true, entryProofCost: 1_000 } as never,
    })
    expect((await stats(concertId)).refusedEntries).toEqual(noRefusals())
    const codes: Array<ErrorCode | undefined> = []
    // An unverified account: VERIFICATION_REQUIRED, and past the per-user limit RATE_LIMITED.
    const unverified = await newUser()
    for (const r of await Promise.all(Array.from({ length: 25 }, () => enter(concertId, unverified))))
      codes.push(r.code)
    const verified = await newUser()
    await verifyUser(verified)
    // No proof: the object refuses it (PROOF_REQUIRED); a malformed one the Worker (PROOF_INVALID).
    const noProof = await enter(concertId, verified)
    expect(noProof).toEqual({ status: 403, code: 'PROOF_REQUIRED' })
    const badProof = await enter(concertId, verified, { 'x-entry-proof': 'garbage' })
    expect(badProof).toEqual({ status: 403, code: 'PROOF_INVALID' })
    const noTurnstile = await enter(concertId, verified, {}, withTurnstile())
    expect(noTurnstile).toEqual({ status: 403, code: 'TURNSTILE_REQUIRED' })
    codes.push(noProof.code, badProof.code, noTurnstile.code)

    const expected = tally(codes)
    expect(expected.unverified + expected.rate).toBe(25)
    expect(expected.unverified).toBeGreaterThan(0)
    expect({ proof: expected.proof, turnstile: expected.turnstile }).toEqual({ proof: 2, turnstile: 1 })
    await refusedIn(concertId, expected)

    const history = await call('GET', `/api/admin/concerts/${concertId}/queue/history?minutes=3`, {
      accessToken: ADMIN_TOKEN,
    })
    expect(history.status).toBe(200)
    const summed = noRefusals()
    for (const point of history.body.points as Array<{ refusedEntries: RefusedCounts }>)
      for (const reason of REFUSAL_REASONS) summed[reason] += point.refusedEntries[reason]
    expect(summed).toEqual(expected)
  })

  it('a flood of refused entries reaches the concert object a bounded number of times', async () => {
    const { concertId } = await newConcert({ queuePolicy: { requireVerifiedIdentity: true } as never })
    const users = await Promise.all(Array.from({ length: 4 }, () => newUser()))
    const handedBefore = handoffs.calls
    const started = Date.now()
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => enter(concertId, users[i % 4]!)))
    expect(replies.every((r) => r.status === 403 || r.status === 429)).toBe(true)
    const expected = tally(replies.map((r) => r.code))
    await refusedIn(concertId, expected)
    const seconds = Math.ceil((Date.now() - started) / 1_000)
    // This isolate handed the 300 on about once a second, each time to one gate; the gates
    // called the object once per hand-off at most.
    const handed = handoffs.calls - handedBefore
    expect(handed).toBeGreaterThan(0)
    expect(handed).toBeLessThanOrEqual(seconds + 1)
    const gates = await Promise.all(
      Array.from({ length: Number(env.GATES_PER_CONCERT) }, (_, k) =>
        env.GATE.get(env.GATE.idFromName(`${concertId}/gate/${k}`)).counts(),
      ),
    )
    const objectCalls = gates.reduce((sum, g) => sum + g.refusalCalls, 0)
    expect(objectCalls).toBeGreaterThan(0)
    expect(objectCalls).toBeLessThanOrEqual(handed)
  })
})
