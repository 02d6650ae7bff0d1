import { solveChallenge } from 'altcha-lib/v1'
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import type { SaleWorld } from './world'

// How a history's sale opens: a small concert (two priced sections on one date, so that seats
// run out and come back often), a handful of fans with money, some with a verified phone, and
// a scanner at the gate. What varies between histories is generated with the history.

export const SECTIONS = [
  { name: 'VIP', price: 120_000, seats: 3 },
  { name: 'R', price: 70_000, seats: 4 },
]
export const SEATS = SECTIONS.reduce((sum, s) => sum + s.seats, 0)
export const FANS = 6
const BALANCE = 400_000

export interface Opening {
  maxActiveUsers: number
  requireVerifiedIdentity: boolean
  entryProof: boolean
  /** Which fans verified a phone before the sale. */
  verified: boolean[]
}

export const openingArb: fc.Arbitrary<Opening> = fc.record({
  maxActiveUsers: fc.integer({ min: 2, max: 5 }),
  requireVerifiedIdentity: fc.boolean(),
  entryProof: fc.boolean(),
  verified: fc.array(fc.boolean(), { minLength: FANS, maxLength: FANS }),
})

const DAY_MS = 86_400_000

export async function openSale(world: SaleWorld, opening: Opening) {
  const startsAt = new Date(Date.now() + 30 * DAY_MS).toISOString()
  const created = await world.admin('POST', '/api/admin/concerts', {
    title: 'Simulated sale',
    venue: 'Olympic Hall',
    dates: [{ date: startsAt.slice(0, 10), startsAt }],
    sections: SECTIONS,
    queuePolicy: {
      maxActiveUsers: opening.maxActiveUsers,
      maxSeatsPerOrder: 2,
      maxTicketsPerUser: 4,
      requireVerifiedIdentity: opening.requireVerifiedIdentity,
      entryProofCost: opening.entryProof ? 1_000 : null,
    },
  })
  expectStatus(created, 201, 'create the concert')
  world.concertId = created.body.concertId
  world.date = created.body.dates[0].date
  world.policy = created.body.queuePolicy
  const scanner = await world.admin('POST', `/api/admin/concerts/${world.concertId}/scanners`, { name: 'Gate A' })
  expectStatus(scanner, 201, 'add a scanner')
  world.scannerToken = scanner.body.token
  // The fans are made at once: the order they are made in makes no difference to the sale.
  world.fans = await Promise.all(
    opening.verified.map(async (verified, index) => {
      const user = await world.call('POST', '/api/users', { body: { name: `fan ${index}` } })
      expectStatus(user, 201, 'make a fan')
      const fan = { index, userId: user.body.userId, accessToken: user.body.accessToken, verified: false, orders: [] }
      const charged = await world.call('POST', '/api/users/me/balance/charges', {
        token: fan.accessToken,
        body: { amount: BALANCE },
      })
      expectStatus(charged, 200, 'charge a fan')
      if (verified) await verify(world, fan)
      return fan
    }),
  )
}

/** Phones given out in this run: each fan its own (random ones met after ~500 histories: IDENTITY_IN_USE). */
let phonesGiven = 0

/** A phone no other fan has, and its code read from the stand-in SMS gateway. */
async function verify(world: SaleWorld, fan: { accessToken: string; verified: boolean }) {
  const phone = `+8210${String(phonesGiven++).padStart(8, '0')}`
  const asked = await world.call('POST', '/api/users/me/verification', { token: fan.accessToken, body: { phone } })
  expectStatus(asked, 201, 'ask a code')
  const sms = await fetch(`${new URL(env.SMS_WEBHOOK_URL).origin}/messages?to=${encodeURIComponent(phone)}`)
  const code = (await sms.json<{ messages: Array<{ code: string }> }>()).messages.at(-1)!.code
  const confirmed = await world.call('POST', '/api/users/me/verification/confirm', {
    token: fan.accessToken,
    body: { verificationId: asked.body.verificationId, code },
  })
  expectStatus(confirmed, 200, 'confirm a code')
  fan.verified = true
}

/** The X-Entry-Proof header a fan's entry needs while the policy asks for one. */
export async function entryProof(world: SaleWorld, accessToken: string): Promise<Record<string, string>> {
  if (!world.policy.entryProofCost) return {}
  const reply = await world.call('GET', `/api/concerts/${world.concertId}/queue/challenge`, { token: accessToken })
  if (reply.status !== 200) return {}
  const c = reply.body as { algorithm: string; challenge: string; salt: string; signature: string; maxnumber: number }
  const solved = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise
  if (!solved) return {}
  const proof = {
    algorithm: c.algorithm,
    challenge: c.challenge,
    number: solved.number,
    salt: c.salt,
    signature: c.signature,
  }
  return { 'x-entry-proof': btoa(JSON.stringify(proof)) }
}

function expectStatus(reply: { status: number; body: unknown }, status: number, what: string) {
  if (reply.status !== status) throw new Error(`could not ${what}: ${reply.status} ${JSON.stringify(reply.body)}`)
}
