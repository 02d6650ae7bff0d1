import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { solveChallenge } from 'altcha-lib/v1'
import { describe, expect, it } from 'vitest'
import { checkEntryProof, entryChallenge, type EntryChallenge } from '../../src/auth/entry-proof'
import { proofRefusal } from '../../src/concert/line/used-proofs'
import { arrivalOf, call, expectError, newConcert, newUser, sleep, stubOf, type User } from '../helpers'

// Proof of work at the entry (API.md, "Proof of work at the entry"): ALTCHA v1 challenges from
// altcha-lib, checked by the Worker, spent once by the concert object with the entry it makes.

const COST = 1_000

async function solve(challenge: EntryChallenge, number?: number): Promise<string> {
  const solved = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber)
    .promise
  expect(solved).not.toBeNull()
  const { algorithm, challenge: hash, salt, signature } = challenge
  return btoa(JSON.stringify({ algorithm, challenge: hash, number: number ?? solved!.number, salt, signature }))
}

async function challengeFor(user: User, concertId: string): Promise<EntryChallenge> {
  const reply = await call('GET', `/api/concerts/${concertId}/queue/challenge`, { accessToken: user.accessToken })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return reply.body as EntryChallenge
}

const proofFor = async (user: User, concertId: string) => solve(await challengeFor(user, concertId))

const enter = (user: User, concertId: string, proof?: string) =>
  call('POST', `/api/concerts/${concertId}/queue/tokens`, {
    accessToken: user.accessToken,
    ...(proof === undefined ? {} : { headers: { 'x-entry-proof': proof } }),
  })

const usedProofs = (concertId: string) =>
  runInDurableObject(stubOf(concertId), (_, state) => state.storage.sql.exec('SELECT * FROM used_proofs').toArray())

describe('proofRefusal (the object’s rule for a new place)', () => {
  it('asks nothing with the policy off; else an unused proof that has not expired', () => {
    const proof = { id: 'c', expiresAt: 2_000 }
    expect(proofRefusal(null, null, false, 1_000)).toBeNull()
    expect(proofRefusal(null, proof, true, 5_000)).toBeNull()
    expect(proofRefusal(COST, null, false, 1_000)).toBe('PROOF_REQUIRED')
    expect(proofRefusal(COST, proof, false, 1_000)).toBeNull()
    expect(proofRefusal(COST, proof, true, 1_000)).toBe('PROOF_INVALID')
    expect(proofRefusal(COST, proof, false, 2_000)).toBe('PROOF_INVALID')
  })
})

describe('checkEntryProof (the Worker’s check, altcha-lib in workerd)', () => {
  const secret = env.AUTH_SECRET
  const binding = { userId: crypto.randomUUID(), concertId: crypto.randomUUID() }

  it('takes a solution of its own challenge, named by the challenge, until it expires', async () => {
    const challenge = await entryChallenge(secret, binding, COST)
    expect(challenge).toMatchObject({ algorithm: 'SHA-256', maxnumber: COST })
    expect(challenge.salt).toMatch(/^[0-9a-f]{24}\?u=[^&]+&c=[^&]+&expires=\d+&$/)
    const proof = await solve(challenge)
    const checked = await checkEntryProof(secret, proof, binding)
    expect(checked).toEqual({ ok: true, value: { id: challenge.challenge, expiresAt: expect.any(Number) } })
    const expiresAt = checked.ok ? checked.value.expiresAt : 0
    expect(expiresAt - Date.now()).toBeGreaterThan(4 * 60_000)
    expect((await checkEntryProof(secret, proof, binding, expiresAt)).ok).toBe(false)
  })

  it('refuses a wrong number, another user or concert, another key, and anything malformed', async () => {
    const challenge = await entryChallenge(secret, binding, COST)
    const proof = await solve(challenge)
    const solved = JSON.parse(atob(proof)) as { number: number }
    const refused = [
      await solve(challenge, solved.number + 1),
      btoa(JSON.stringify({ ...JSON.parse(atob(proof)), number: undefined })),
      btoa(JSON.stringify({ ...JSON.parse(atob(proof)), algorithm: 'SHA-1' })),
      btoa(JSON.stringify({ ...JSON.parse(atob(proof)), extra: 1 })),
      await solve(await entryChallenge(secret, { ...binding, userId: crypto.randomUUID() }, COST)),
      await solve(await entryChallenge(secret, { ...binding, concertId: crypto.randomUUID() }, COST)),
      await solve(await entryChallenge('another-secret-of-at-least-32-characters', binding, COST)),
      '',
      'not base64!',
      btoa('{'),
      btoa('null'),
      'x'.repeat(5_000),
    ]
    for (const header of refused)
      expect(await checkEntryProof(secret, header, binding), header).toMatchObject({ ok: false, code: 'PROOF_INVALID' })
  })
})

describe('GET /api/concerts/{id}/queue/challenge', () => {
  it('answers a challenge of the policy’s cost; 404 NO_ENTRY_PROOF with the policy off, CONCERT_NOT_FOUND unknown, 401 signed out', async () => {
    const user = await newUser()
    const { concertId } = await newConcert({ queuePolicy: { entryProofCost: 50_000 } })
    const challenge = await challengeFor(user, concertId)
    expect(challenge).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: 50_000,
      salt: expect.stringContaining(`u=${user.userId}&c=${concertId}&`),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    const off = await newConcert()
    expectError(
      await call('GET', `/api/concerts/${off.concertId}/queue/challenge`, { accessToken: user.accessToken }),
      404,
      'NO_ENTRY_PROOF',
    )
    expectError(
      await call('GET', `/api/concerts/${crypto.randomUUID()}/queue/challenge`, { accessToken: user.accessToken }),
      404,
      'CONCERT_NOT_FOUND',
    )
    expectError(await call('GET', `/api/concerts/${concertId}/queue/challenge`), 401)
  })
})

describe('POST .../queue/tokens with the policy on', () => {
  it('needs a proof: missing 403 PROOF_REQUIRED, bad 403 PROOF_INVALID (neither used nor made a place); a good one makes the place', async () => {
    const { concertId } = await newConcert({ queuePolicy: { entryProofCost: COST } })
    const user = await newUser()
    expectError(await enter(user, concertId), 403, 'PROOF_REQUIRED')
    expectError(await enter(user, concertId, 'garbage'), 403, 'PROOF_INVALID')
    const proof = await proofFor(user, concertId)
    const other = await newUser()
    expectError(await enter(other, concertId, proof), 403, 'PROOF_INVALID')
    expect(await usedProofs(concertId)).toEqual([])
    const made = await enter(user, concertId, proof)
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    expect(await usedProofs(concertId)).toHaveLength(1)
    // The user has a live place: asked again without a proof, it comes back.
    const again = await enter(user, concertId)
    expect(again.status).toBe(200)
    expect(arrivalOf(again.body.token)).toBe(arrivalOf(made.body.token))
    // Another user cannot use it, even now.
    expectError(await enter(other, concertId, proof), 403, 'PROOF_INVALID')
  })

  it('one proof replayed from 20 connections makes one place; once it ends the proof is refused, even after a restart', async () => {
    const { concertId } = await newConcert({ queuePolicy: { entryProofCost: COST, activeTtlSeconds: 1 } })
    const user = await newUser()
    const proof = await proofFor(user, concertId)
    const replies = await Promise.all(Array.from({ length: 20 }, () => enter(user, concertId, proof)))
    const made = replies.filter((r) => r.status === 201)
    expect(made).toHaveLength(1)
    for (const reply of replies) {
      expect([200, 201], JSON.stringify(reply.body)).toContain(reply.status)
      expect(arrivalOf(reply.body.token)).toBe(arrivalOf(made[0]!.body.token))
    }
    // The place ends (admitted at once, its admission of 1 s runs out), and the 20 entries'
    // rate window (20 in 10 s per user, windows aligned to the clock: load-shedding.ts) passes.
    await sleep(Math.max(1_500, 10_000 - (Date.now() % 10_000) + 250))
    expectError(await enter(user, concertId, proof), 403, 'PROOF_INVALID')
    await abortAllDurableObjects()
    expectError(await enter(user, concertId, proof), 403, 'PROOF_INVALID')
    expect(await usedProofs(concertId)).toHaveLength(1)
    expect((await enter(user, concertId, await proofFor(user, concertId))).status).toBe(201)
  })

  it('a refused entry does not use its proof (the object refused it QUEUE_FULL)', async () => {
    const { concertId } = await newConcert({
      queuePolicy: { entryProofCost: COST, maxActiveUsers: 1, maxWaitingUsers: 1 },
    })
    for (const u of [await newUser(), await newUser()])
      expect((await enter(u, concertId, await proofFor(u, concertId))).status).toBe(201)
    const user = await newUser()
    const proof = await proofFor(user, concertId)
    expectError(await enter(user, concertId, proof), 409, 'QUEUE_FULL')
    expect(await usedProofs(concertId)).toHaveLength(2)
    await stubOf(concertId).updatePolicy({ maxWaitingUsers: 10 })
    expect((await enter(user, concertId, proof)).status).toBe(201)
  })

  it('a concert with the policy off ignores the header', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    expect((await enter(user, concertId, 'not a proof')).status).toBe(201)
  })

  it('a scheduled sale’s pre-queue entries need the proof too', async () => {
    const iso = (ms: number) => new Date(ms).toISOString()
    const { concertId } = await newConcert({
      queuePolicy: { entryProofCost: COST },
      sale: { opensAt: iso(Date.now() + 3_600_000), preQueueOpensAt: iso(Date.now() - 60_000) },
    })
    const user = await newUser()
    expectError(await enter(user, concertId), 403, 'PROOF_REQUIRED')
    const proof = await proofFor(user, concertId)
    const made = await enter(user, concertId, proof)
    expect([made.status, made.body.status]).toEqual([201, 'PRE_QUEUE'])
    expect((await enter(user, concertId)).status).toBe(200)
    expect(await usedProofs(concertId)).toHaveLength(1)
  })
})
