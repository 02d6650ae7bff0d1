import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { call, newUser, type User } from '../helpers'
import { entriesOf, soldOut } from './waitlist-helpers'

// Property-based, as test/tickets/tickets-fuzz.test.ts: random join bodies and entry ids at the
// waitlist's routes get a 4xx in the contract's error body and make no entry.

const RUNS = 40

let concertId: string
let date: string
let user: User

const badSeats = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 5, max: 1_000 }),
  fc.double({ noInteger: true }),
  fc.string(),
  fc.constant(null),
)
const badBody = fc.oneof(
  badSeats.map((seats) => ({ date: () => date, seats })),
  fc.string().map((d) => ({ date: () => d, seats: 1 })),
  fc.constantFrom('2099-01-01', '2026-02-30').map((d) => ({ date: () => d, seats: 1 })),
  fc.string({ minLength: 1 }).map((section) => ({ date: () => date, section: `x${section}`, seats: 1 })),
  fc.jsonValue().map((v) => ({ raw: v })),
)

describe('hostile input at the waitlist', () => {
  beforeAll(async () => {
    ;({ concertId, date } = await soldOut([[1]]))
    user = await newUser()
  })

  it('refuses bad join bodies with a 4xx error body and makes no entry', async () => {
    await fc.assert(
      fc.asyncProperty(badBody, async (b) => {
        const body = 'raw' in b ? b.raw : { ...b, date: b.date(), ...('section' in b ? { section: b.section } : {}) }
        const reply = await call('POST', `/api/concerts/${concertId}/waitlist`, { accessToken: user.accessToken, body })
        expect(reply.status, JSON.stringify({ body, reply: reply.body })).toBeGreaterThanOrEqual(400)
        expect(reply.status).toBeLessThan(500)
        expect(reply.body).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) } })
      }),
      { numRuns: RUNS },
    )
    expect(await entriesOf(user)).toEqual([])
  })

  it('refuses random entry ids to leave with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uuid(), fc.string({ minLength: 1 }).map(encodeURIComponent)), async (id) => {
        const reply = await call('DELETE', `/api/users/me/waitlist/${id}`, { accessToken: user.accessToken })
        expect([400, 404]).toContain(reply.status)
      }),
      { numRuns: RUNS },
    )
  })
})
