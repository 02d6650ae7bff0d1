import { exports } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { solveChallenge } from 'altcha-lib/v1'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { call, newConcert, newUser, stateOf, stubOf, type User } from '../helpers'

// Property-based, as test/contract/hostile-input.test.ts: random X-Entry-Proof headers (garbage, base64
// of random JSON, a real solution with one field changed) and random challenge requests get a
// 4xx in the contract's error body, and leave D1 and the concert object as they were.

const RUNS = 60

let concertId: string
/** Several users, each with a solution of its own challenge, taken in turn: the per-user rate limit (20 in 10 s) stays out of the way. */
let users: Array<User & { solution: Record<string, unknown>; sent: number }>
let turn = 0
const nextUser = () => users[turn++ % users.length]!

const printable = (maxLength: number) =>
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength }).map((codes) => String.fromCharCode(...codes))
const base64 = (value: unknown) => btoa(unescape(encodeURIComponent(JSON.stringify(value) ?? 'null')))
/** A real solution of the sender's challenge, one field replaced by anything or dropped. */
const mutated = () =>
  fc
    .tuple(fc.constantFrom('algorithm', 'challenge', 'number', 'salt', 'signature'), fc.option(fc.jsonValue()))
    .map(([field, value]) => (solution: Record<string, unknown>) => {
      const copy: Record<string, unknown> = { ...solution }
      if (value === null) delete copy[field]
      else copy[field] = value
      return base64(copy)
    })
const proofHeader = fc.oneof(
  fc
    .oneof(
      printable(300),
      fc.jsonValue().map(base64),
      fc.record({ anything: fc.anything() }).map(base64),
      fc.constantFrom('', ' ', '=', 'x'.repeat(5_000), btoa('{'), btoa('null')),
    )
    .map((header) => () => header),
  mutated(),
)
const segment = fc.oneof(fc.string().map(encodeURIComponent), fc.constantFrom('', '..', '%', '%00', 'null'), fc.uuid())

async function send(method: string, path: string, headers: Record<string, string>) {
  const res = await exports.default.fetch(new Request(`http://tickets.test${path}`, { method, headers }))
  return { status: res.status, text: await res.text() }
}

function expectRefusal({ status, text }: { status: number; text: string }, what: string) {
  if (status < 400 || status >= 500) throw new Error(`${status} for ${what.slice(0, 300)}: ${text.slice(0, 300)}`)
  expect(JSON.parse(text)).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) } })
}

const usedProofs = () =>
  runInDurableObject(stubOf(concertId), (_, state) => state.storage.sql.exec('SELECT * FROM used_proofs').toArray())

describe('hostile proofs of work', () => {
  let before: Awaited<ReturnType<typeof stateOf>>
  beforeAll(async () => {
    ;({ concertId } = await newConcert({ queuePolicy: { entryProofCost: 1_000 } }))
    users = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const user = await newUser()
        const reply = await call('GET', `/api/concerts/${concertId}/queue/challenge`, { accessToken: user.accessToken })
        const { algorithm, challenge, salt, signature, maxnumber } = reply.body
        const solved = await solveChallenge(challenge, salt, algorithm, maxnumber).promise
        return { ...user, solution: { algorithm, challenge, number: solved!.number, salt, signature }, sent: 0 }
      }),
    )
    before = await stateOf(concertId)
  })

  it('X-Entry-Proof: 403 in the error body, never a place', async () => {
    await fc.assert(
      fc.asyncProperty(proofHeader, async (header) => {
        const user = nextUser()
        const proof = header(user.solution)
        user.sent++
        const reply = await send('POST', `/api/concerts/${concertId}/queue/tokens`, {
          authorization: `Bearer ${user.accessToken}`,
          'x-entry-proof': proof,
        })
        expectRefusal(reply, proof)
        // 429: this user's entries in the last 10 s passed the rate limit, which is checked first.
        if (reply.status !== 429) expect(JSON.parse(reply.text).error.code).toBe('PROOF_INVALID')
      }),
      { numRuns: RUNS },
    )
  })

  it('GET .../queue/challenge: any concert id or credential, a 4xx in the error body', async () => {
    await fc.assert(
      fc.asyncProperty(segment, fc.option(printable(300)), async (id, auth) => {
        const reply = await send('GET', `/api/concerts/${id}/queue/challenge`, {
          authorization: auth ?? `Bearer ${nextUser().accessToken}`,
        })
        expectRefusal(reply, `${id} ${auth}`)
      }),
      { numRuns: RUNS },
    )
  })

  it('left D1 and the concert object exactly as they were; the real solution still works once', async () => {
    expect(await stateOf(concertId)).toEqual(before)
    expect(await usedProofs()).toEqual([])
    const user = users.reduce((least, u) => (u.sent < least.sent ? u : least))
    const made = await call('POST', `/api/concerts/${concertId}/queue/tokens`, {
      accessToken: user.accessToken,
      headers: { 'x-entry-proof': base64(user.solution) },
    })
    expect(made.status).toBe(201)
  })
})
