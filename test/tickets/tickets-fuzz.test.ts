import { exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { newUser, stateOf, type User } from '../helpers'
import { boughtTickets, checkIn, codeOf, gateState, newScanner, ticketsOf, type TicketBody } from './ticket-helpers'

// Property-based, as test/identity/entry-proof-fuzz.test.ts: random codes (garbage, a real code
// with one part changed or cut, JSON of any shape), random bodies, ids and credentials at the new
// routes get a 4xx in the contract's error body, and leave D1 and the concert object as they were.

const RUNS = 60

let concertId: string
let buyer: User
let tickets: TicketBody[]
let realCode: string
let scannerToken: string
let stranger: User

const printable = (maxLength: number) =>
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength }).map((codes) => String.fromCharCode(...codes))
const b64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
/** A real code, one of its three parts replaced or cut, or its characters shuffled at one place. */
const mutatedCode = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.oneof(
      printable(80),
      fc.jsonValue().map((v) => b64url(JSON.stringify(v))),
    ),
  )
  .map(([part, value]) => (code: string) => {
    const parts = code.split('.')
    parts[part] = value
    return parts.join('.')
  })
const cut = fc.integer({ min: 0, max: 400 }).map((n) => (code: string) => code.slice(0, n))
const anyCode = fc.oneof(
  printable(300).map((c) => () => c),
  fc.jsonValue().map((v) => () => v),
  mutatedCode,
  cut,
)
const segment = fc.oneof(fc.string().map(encodeURIComponent), fc.constantFrom('', '..', '%', '%00', 'null'), fc.uuid())

async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await exports.default.fetch(new Request(`http://tickets.test${path}`, { method, headers, body }))
  return { status: res.status, text: await res.text() }
}

function expectRefusal({ status, text }: { status: number; text: string }, what: string) {
  if (status < 400 || status >= 500) throw new Error(`${status} for ${what.slice(0, 300)}: ${text.slice(0, 300)}`)
  expect(JSON.parse(text)).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) } })
}

describe('hostile input at the gate and the tickets', () => {
  let before: unknown
  beforeAll(async () => {
    ;({ concertId, buyer, tickets } = await boughtTickets({ seats: [1, 2] }))
    realCode = await codeOf(buyer, tickets[0]!.ticketId)
    scannerToken = (await newScanner(concertId)).token
    stranger = await newUser()
    before = { tickets: await gateState(concertId), state: await stateOf(concertId) }
  })

  it('POST .../check-ins with any code: a 4xx in the error body, never a check-in', async () => {
    await fc.assert(
      fc.asyncProperty(anyCode, async (make) => {
        const code = make(realCode)
        if (code === realCode) return
        const reply = await checkIn(scannerToken, concertId, code)
        expectRefusal({ status: reply.status, text: JSON.stringify(reply.body) }, JSON.stringify(code) ?? 'undefined')
      }),
      { numRuns: RUNS },
    )
  })

  it('any body, concert id or credential at check-in; any ticket id or body at the code and the transfer', async () => {
    await fc.assert(
      fc.asyncProperty(
        segment,
        fc.option(printable(200)),
        fc.oneof(
          printable(200),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        fc.constantFrom('check-in', 'code', 'transfer'),
        async (id, auth, body, route) => {
          const json = { 'content-type': 'application/json' }
          const reply =
            route === 'check-in'
              ? await send(
                  'POST',
                  `/api/concerts/${id}/check-ins`,
                  { ...json, authorization: auth ?? `Bearer ${scannerToken}` },
                  body,
                )
              : route === 'code'
                ? await send('GET', `/api/users/me/tickets/${id}/code`, {
                    authorization: auth ?? `Bearer ${stranger.accessToken}`,
                  })
                : await send(
                    'POST',
                    `/api/users/me/tickets/${auth === null ? tickets[0]!.ticketId : id}/transfer`,
                    { ...json, authorization: `Bearer ${auth === null ? buyer.accessToken : stranger.accessToken}` },
                    body,
                  )
          expectRefusal(reply, `${route} ${id} ${auth} ${body}`)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('left D1 and the concert object exactly as they were; the real code still checks in once', async () => {
    expect({ tickets: await gateState(concertId), state: await stateOf(concertId) }).toEqual(before)
    expect((await ticketsOf(buyer)).map((t) => t.status)).toEqual(['VALID', 'VALID'])
    expect((await checkIn(scannerToken, concertId, realCode)).status).toBe(201)
  })
})
