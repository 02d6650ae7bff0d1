import { env } from 'cloudflare:workers'
import { CompactSign, generateKeyPair, importJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, call, expectError, newUser, refund } from '../helpers'
import { boughtTickets, checkIn, codeOf, gateState, newScanner, ticketsOf, transfer } from './ticket-helpers'

/** A code signed by us (the test key, or the previous one) or by anyone, with any payload: what a forger or a clock can make. */
async function signed(
  payload: unknown,
  { key = env.TICKET_SIGNING_KEY, kid }: { key?: string | CryptoKey; kid?: string } = {},
) {
  const jwk = typeof key === 'string' ? JSON.parse(key) : null
  const signingKey = jwk ? ((await importJWK(jwk, 'EdDSA')) as CryptoKey) : (key as CryptoKey)
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: kid ?? jwk?.kid })
    .sign(signingKey)
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

describe('check-ins', () => {
  it('let a ticket in once, with its seat and section; the next time say when it was', async () => {
    const { concertId, date, otherDate, buyer, tickets } = await boughtTickets({ seats: [15] })
    const scanner = await newScanner(concertId, date)
    const code = await codeOf(buyer, tickets[0]!.ticketId)
    const first = await checkIn(scanner.token, concertId, code)
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body).toEqual({
      ticketId: tickets[0]!.ticketId,
      date,
      seatNumber: 15,
      section: 'R',
      checkedInAt: expect.any(String),
    })
    const again = await checkIn(scanner.token, concertId, await codeOf(buyer, tickets[0]!.ticketId))
    expectError(again, 409, 'ALREADY_CHECKED_IN')
    expect(again.body.error.message).toContain(first.body.checkedInAt)

    const listed = await call('GET', `/api/admin/concerts/${concertId}/scanners`, { accessToken: ADMIN_TOKEN })
    expect(listed.body).toEqual({
      scanners: [
        {
          scannerId: scanner.scannerId,
          name: 'Gate A',
          date,
          createdAt: expect.any(String),
          checkIns: 1,
          lastCheckInAt: first.body.checkedInAt,
        },
      ],
    })
    const stats = await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
    expect(stats.body.checkIns).toEqual([
      { date, tickets: 1, checkedIn: 1 },
      { date: otherDate, tickets: 0, checkedIn: 0 },
    ])
    const history = await call('GET', `/api/admin/concerts/${concertId}/queue/history?minutes=2`, {
      accessToken: ADMIN_TOKEN,
    })
    expect(history.body.points.reduce((n: number, p: { checkedIn: number }) => n + p.checkedIn, 0)).toBe(1)
  })

  it('judge a code an offline gate queued at its scan time, within 6 hours and not ahead of the clock', async () => {
    const { concertId, date, tickets } = await boughtTickets({ seats: [1, 2] })
    const scanner = await newScanner(concertId)
    const iso = (s: number) => new Date(s * 1000).toISOString()
    const expiredAt = nowSeconds() - 600
    const codeOfSeat = (seat: number) =>
      signed({ tid: tickets[seat - 1]!.ticketId, cid: concertId, date, seat, v: 1, exp: expiredAt })
    const before = await gateState(concertId)
    // Each refusal is the body's (400) or the code's (410), and lets nothing in.
    for (const [scannedAt, status, code] of [
      [undefined, 410, 'CODE_EXPIRED'],
      [iso(expiredAt + 1), 410, 'CODE_EXPIRED'],
      [iso(nowSeconds() - 7 * 3600), 400, 'VALIDATION_FAILED'],
      [iso(nowSeconds() + 3600), 400, 'VALIDATION_FAILED'],
      ['yesterday', 400, 'VALIDATION_FAILED'],
    ] as const)
      expectError(await checkIn(scanner.token, concertId, await codeOfSeat(1), scannedAt), status, code)
    expect(await gateState(concertId)).toEqual(before)

    const queued = await checkIn(scanner.token, concertId, await codeOfSeat(1), iso(expiredAt - 20))
    expect(queued.status, JSON.stringify(queued.body)).toBe(201)
    expectError(
      await checkIn(scanner.token, concertId, await codeOfSeat(1), iso(expiredAt - 10)),
      409,
      'ALREADY_CHECKED_IN',
    )
  })

  it('give every bad code, token and ticket its contract answer, and change nothing', async () => {
    const { concertId, date, otherDate, buyer, tickets, reservationId } = await boughtTickets({ seats: [1, 2, 3] })
    const other = await boughtTickets({ seats: [1] })
    const scanner = await newScanner(concertId)
    const dayScanner = await newScanner(concertId, otherDate, 'Gate B, other day')
    const [t1, t2, t3] = tickets
    const good = await codeOf(buyer, t1!.ticketId)
    const claims = { tid: t1!.ticketId, cid: concertId, date, seat: 1, v: 1 }
    const { privateKey: stranger } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const user = await newUser()
    // t3's order is not refunded (t1 and t2 share it); a refunded ticket is another order's.
    const refunded = await boughtTickets({ seats: [4] })
    const refundedCode = await codeOf(refunded.buyer, refunded.tickets[0]!.ticketId)
    expect((await refund(refunded.buyer, refunded.reservationId)).status).toBe(201)
    const refundedScanner = await newScanner(refunded.concertId)
    void reservationId

    const before = await gateState(concertId)
    const cases: Array<[string, Awaited<ReturnType<typeof checkIn>>, number, string]> = [
      ['garbage', await checkIn(scanner.token, concertId, 'hello'), 400, 'CODE_INVALID'],
      ['empty', await checkIn(scanner.token, concertId, ''), 400, 'CODE_INVALID'],
      ['truncated', await checkIn(scanner.token, concertId, good.slice(0, -5)), 400, 'CODE_INVALID'],
      [
        'no signature',
        await checkIn(scanner.token, concertId, good.split('.').slice(0, 2).join('.') + '.'),
        400,
        'CODE_INVALID',
      ],
      ['huge', await checkIn(scanner.token, concertId, 'a.b.' + 'c'.repeat(5_000)), 400, 'CODE_INVALID'],
      [
        're-signed with another key under our kid',
        await checkIn(
          scanner.token,
          concertId,
          await signed({ ...claims, exp: nowSeconds() + 30 }, { key: stranger, kid: 'test-2026-12' }),
        ),
        400,
        'CODE_INVALID',
      ],
      [
        'signed with an unknown kid',
        await checkIn(
          scanner.token,
          concertId,
          await signed({ ...claims, exp: nowSeconds() + 30 }, { kid: 'elsewhere' }),
        ),
        400,
        'CODE_INVALID',
      ],
      [
        'a payload of another shape',
        await checkIn(scanner.token, concertId, await signed({ ...claims, seat: '1', exp: nowSeconds() + 30 })),
        400,
        'CODE_INVALID',
      ],
      [
        'expired',
        await checkIn(scanner.token, concertId, await signed({ ...claims, exp: nowSeconds() - 1 })),
        410,
        'CODE_EXPIRED',
      ],
      [
        'missing code',
        await call('POST', `/api/concerts/${concertId}/check-ins`, { accessToken: scanner.token, body: {} }),
        400,
        'VALIDATION_FAILED',
      ],
      ['code not a string', await checkIn(scanner.token, concertId, 42), 400, 'VALIDATION_FAILED'],
      [
        "another concert's ticket",
        await checkIn(scanner.token, concertId, await codeOf(other.buyer, other.tickets[0]!.ticketId)),
        409,
        'WRONG_CONCERT',
      ],
      ["another date than the scanner's", await checkIn(dayScanner.token, concertId, good), 409, 'WRONG_DATE'],
      ['refunded', await checkIn(refundedScanner.token, refunded.concertId, refundedCode), 409, 'TICKET_NOT_VALID'],
      [
        'an unknown ticket we signed',
        await checkIn(
          scanner.token,
          concertId,
          await signed({ ...claims, tid: crypto.randomUUID(), exp: nowSeconds() + 30 }),
        ),
        409,
        'TICKET_NOT_VALID',
      ],
      ["a user's token", await checkIn(user.accessToken, concertId, good), 403, 'FORBIDDEN'],
      ["the admin's token", await checkIn(ADMIN_TOKEN, concertId, good), 403, 'FORBIDDEN'],
      ["another concert's scanner", await checkIn(refundedScanner.token, concertId, good), 403, 'FORBIDDEN'],
      ['a forged token', await checkIn(scanner.token.slice(0, -3) + 'abc', concertId, good), 401, 'UNAUTHORIZED'],
      [
        'no token',
        await call('POST', `/api/concerts/${concertId}/check-ins`, { body: { code: good } }),
        401,
        'UNAUTHORIZED',
      ],
    ]
    for (const [what, reply, status, code] of cases) {
      expect([what, reply.status, reply.body?.error?.code]).toEqual([what, status, code])
      expectError(reply, status, code)
    }
    expect(await gateState(concertId)).toEqual(before)
    expect((await ticketsOf(buyer)).every((t) => t.status === 'VALID')).toBe(true)
    // A code signed with the previous key, still listed during a rotation, passes.
    const rotated = await signed(
      { tid: t2!.ticketId, cid: concertId, date, seat: 2, v: 1, exp: nowSeconds() + 30 },
      { key: env.TICKET_SIGNING_KEY_PREVIOUS },
    )
    expect((await checkIn(scanner.token, concertId, rotated)).status).toBe(201)
    void t3
  })

  it("a scanner's token is refused on every other route", async () => {
    const { concertId, buyer, tickets } = await boughtTickets({ seats: [1] })
    const { token } = await newScanner(concertId)
    const refusals = [
      await call('GET', '/api/users/me', { accessToken: token }),
      await call('GET', '/api/users/me/tickets', { accessToken: token }),
      await call('GET', `/api/users/me/tickets/${tickets[0]!.ticketId}/code`, { accessToken: token }),
      await call('POST', '/api/users/me/balance/charges', { accessToken: token, body: { amount: 1000 } }),
      await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: token }),
      await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: token }),
      await call('GET', '/api/admin/concerts', { accessToken: token }),
      await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: token }),
      await call('POST', `/api/admin/concerts/${concertId}/scanners`, { accessToken: token, body: { name: 'x' } }),
      await call('GET', `/api/admin/concerts/${concertId}/scanners`, { accessToken: token }),
    ]
    for (const reply of refusals) {
      expect([401, 403]).toContain(reply.status)
      expectError(reply, reply.status)
    }
    void buyer
  })

  it('of 20 concurrent check-ins of one ticket, exactly one gets 201 and 19 ALREADY_CHECKED_IN', async () => {
    const { concertId, buyer, tickets } = await boughtTickets({ seats: [7] })
    const scanners = await Promise.all(
      Array.from({ length: 4 }, (_, i) => newScanner(concertId, undefined, `lane ${i}`)),
    )
    const code = await codeOf(buyer, tickets[0]!.ticketId)
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => checkIn(scanners[i % scanners.length]!.token, concertId, code)),
    )
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1)
    const refused = replies.filter((r) => r.status !== 201)
    expect(refused).toHaveLength(19)
    for (const r of refused) expectError(r, 409, 'ALREADY_CHECKED_IN')
  })

  it('a transfer racing a check-in of the old code: one of them wins, never both', async () => {
    for (let round = 0; round < 3; round++) {
      const { concertId, buyer, tickets } = await boughtTickets({ seats: [8] })
      const scanner = await newScanner(concertId)
      const friend = await newUser()
      const code = await codeOf(buyer, tickets[0]!.ticketId)
      const [entered, moved] = await Promise.all([
        checkIn(scanner.token, concertId, code),
        transfer(buyer, tickets[0]!.ticketId, friend.userId),
      ])
      expect([entered.status, moved.status].sort()).toEqual([201, 409])
      if (entered.status === 201) expectError(moved, 409, 'TICKET_NOT_VALID')
      else {
        expectError(entered, 409, 'TICKET_NOT_VALID')
        expect((await checkIn(scanner.token, concertId, await codeOf(friend, tickets[0]!.ticketId))).status).toBe(201)
      }
    }
  })

  it('of concurrent transfers of one ticket exactly one goes through', async () => {
    const { buyer, tickets } = await boughtTickets({ seats: [9] })
    const friends = await Promise.all(Array.from({ length: 6 }, () => newUser()))
    const replies = await Promise.all(friends.map((f) => transfer(buyer, tickets[0]!.ticketId, f.userId)))
    const won = replies.filter((r) => r.status === 201)
    expect(won).toHaveLength(1)
    for (const r of replies.filter((r) => r.status !== 201)) expectError(r, 404, 'TICKET_NOT_FOUND')
    const winner = friends.find((f) => f.userId === won[0]!.body.toUserId)!
    expect((await ticketsOf(winner)).map((t) => t.ticketId)).toEqual([tickets[0]!.ticketId])
    const holders = await Promise.all(friends.map(async (f) => (await ticketsOf(f)).length))
    expect(holders.reduce((a, b) => a + b, 0)).toBe(1)
  })
})
