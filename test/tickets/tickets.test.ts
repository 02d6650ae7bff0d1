import { env } from 'cloudflare:workers'
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { activeBuyer, ADMIN_TOKEN, call, enterQueue, expectError, holdOrder, newUser, payFor, refund } from '../helpers'
import { boughtTickets, checkIn, codeOf, newScanner, objectTicket, ticketsOf, transfer } from './ticket-helpers'

describe('tickets', () => {
  it('are listed after a payment, one per seat, with title, start, section; gone after a refund', async () => {
    const { concertId, date, startsAt, buyer, reservationId, tickets } = await boughtTickets({ seats: [10, 11] })
    expect(tickets).toEqual([
      {
        ticketId: expect.any(String),
        concertId,
        title: 'Test concert',
        date,
        startsAt,
        seatNumber: 10,
        section: 'VIP',
        status: 'VALID',
      },
      expect.objectContaining({ seatNumber: 11, section: 'R', status: 'VALID' }),
    ])
    expect(new Set(tickets.map((t) => t.ticketId)).size).toBe(2)
    // The object knows the same tickets under the same ids.
    for (const t of tickets)
      expect(await objectTicket(concertId, t.ticketId)).toMatchObject({ state: 'VALID', version: 1 })

    expect((await refund(buyer, reservationId)).status).toBe(201)
    expect(await ticketsOf(buyer)).toEqual([])
    expect(await objectTicket(concertId, tickets[0]!.ticketId)).toMatchObject({ state: 'VOID' })
    expectError(
      await call('GET', `/api/users/me/tickets/${tickets[0]!.ticketId}/code`, { accessToken: buyer.accessToken }),
      404,
      'TICKET_NOT_FOUND',
    )
  })

  it("codes verify with the published keys (a JWKS, jose), carry the contract's payload and live 30 s", async () => {
    const { concertId, date, buyer, tickets } = await boughtTickets({ seats: [3] })
    const reply = await call('GET', `/api/users/me/tickets/${tickets[0]!.ticketId}/code`, {
      accessToken: buyer.accessToken,
    })
    expect(reply.status).toBe(200)
    expect(reply.headers.get('cache-control')).toBe('no-store')
    const keys = await call('GET', '/api/tickets/keys')
    expect(keys.status).toBe(200)
    expect(keys.headers.get('cache-control')).toMatch(/public, max-age=\d+/)
    expect(keys.body.keys.map((k: { kid: string }) => k.kid)).toEqual(['test-2026-12', 'test-previous'])
    for (const key of keys.body.keys) {
      expect(key).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' })
      expect(key).not.toHaveProperty('d')
    }
    const { code, expiresAt } = reply.body
    expect(decodeProtectedHeader(code)).toEqual({ alg: 'EdDSA', kid: 'test-2026-12' })
    const verified = await compactVerify(code, createLocalJWKSet(keys.body))
    const payload = JSON.parse(new TextDecoder().decode(verified.payload))
    expect(payload).toEqual({ tid: tickets[0]!.ticketId, cid: concertId, date, seat: 3, v: 1, exp: expect.any(Number) })
    expect(payload.exp * 1000).toBe(Date.parse(expiresAt))
    expect(payload.exp - Date.now() / 1000).toBeGreaterThan(25)
    expect(payload.exp - Date.now() / 1000).toBeLessThanOrEqual(30)
  })

  it("a transfer moves the ticket: the sender's code dies at the gate, the new holder's passes", async () => {
    const { concertId, buyer, tickets } = await boughtTickets({ seats: [4] })
    const friend = await newUser('friend')
    const ticketId = tickets[0]!.ticketId
    const oldCode = await codeOf(buyer, ticketId)

    const moved = await transfer(buyer, ticketId, friend.userId)
    expect(moved.status, JSON.stringify(moved.body)).toBe(201)
    expect(moved.body).toEqual({ ticketId, toUserId: friend.userId, transferredAt: expect.any(String) })
    expect(await ticketsOf(buyer)).toEqual([])
    expect((await ticketsOf(friend)).map((t) => t.ticketId)).toEqual([ticketId])
    expectError(await transfer(buyer, ticketId, friend.userId), 404, 'TICKET_NOT_FOUND')

    const scanner = await newScanner(concertId)
    const stale = await checkIn(scanner.token, concertId, oldCode)
    expectError(stale, 409, 'TICKET_NOT_VALID')
    const fresh = await checkIn(scanner.token, concertId, await codeOf(friend, ticketId))
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201)
    expect((await ticketsOf(friend))[0]).toMatchObject({ status: 'CHECKED_IN', checkedInAt: fresh.body.checkedInAt })
    // A checked-in ticket stays where it is.
    expectError(await transfer(friend, ticketId, buyer.userId), 409, 'TICKET_NOT_VALID')
  })

  it("answers a transfer's refusals in the contract's order", async () => {
    const { buyer, tickets } = await boughtTickets({ seats: [5] })
    const stranger = await newUser('stranger')
    const ticketId = tickets[0]!.ticketId
    expectError(await transfer(stranger, ticketId, buyer.userId), 404, 'TICKET_NOT_FOUND')
    expectError(await transfer(stranger, crypto.randomUUID(), buyer.userId), 404, 'TICKET_NOT_FOUND')
    // Another's ticket is 404 even with a bad body: the resource comes before the body.
    expectError(await transfer(stranger, ticketId, 'nope'), 404, 'TICKET_NOT_FOUND')
    expectError(await transfer(buyer, 'not-a-uuid', stranger.userId), 400, 'VALIDATION_FAILED')
    expectError(await transfer(buyer, ticketId, 'nope'), 400, 'VALIDATION_FAILED')
    expectError(await transfer(buyer, ticketId, buyer.userId), 400, 'VALIDATION_FAILED')
    expectError(await transfer(buyer, ticketId, crypto.randomUUID()), 404, 'USER_NOT_FOUND')
    expectError(
      await call('POST', `/api/users/me/tickets/${ticketId}/transfer`, { body: { toUserId: stranger.userId } }),
      401,
      'UNAUTHORIZED',
    )
    expect((await ticketsOf(buyer)).map((t) => t.ticketId)).toEqual([ticketId])
  })

  it("counts the recipient's maxTicketsPerUser: seats bought (given away or not), tickets received, seats held", async () => {
    const a = await boughtTickets({ seats: [1, 2], queuePolicy: { maxTicketsPerUser: 2 } })
    const friend = await newUser('friend')
    const [t1, t2] = a.tickets
    expect((await transfer(a.buyer, t1!.ticketId, friend.userId)).status).toBe(201)
    expect((await transfer(a.buyer, t2!.ticketId, friend.userId)).status).toBe(201)
    // Another buyer's ticket would be the friend's third.
    const b = await activeBuyer(a.concertId, 1_000_000)
    const held = await holdOrder(b, a.concertId, a.date, [9])
    expect((await payFor(b, held.body.reservationId)).status).toBe(201)
    const [t3] = (await ticketsOf(b)).filter((t) => t.concertId === a.concertId)
    expectError(await transfer(b, t3!.ticketId, friend.userId), 409, 'TICKET_LIMIT_REACHED')
    // Tickets received count for holds too.
    const place = await enterQueue(friend, a.concertId)
    expectError(
      await holdOrder({ ...friend, queueToken: place.token }, a.concertId, a.date, [12]),
      409,
      'TICKET_LIMIT_REACHED',
    )
    // The buyer's own ticket coming back was counted all along (bought, given away or not): always allowed.
    expect((await transfer(friend, t1!.ticketId, a.buyer.userId)).status).toBe(201)
    expect((await transfer(b, t3!.ticketId, friend.userId)).status).toBe(201)
  })
})

describe('refunds of orders with tickets', () => {
  it('are refused once a ticket was given away (TICKET_TRANSFERRED) or checked in (REFUND_CLOSED)', async () => {
    const given = await boughtTickets({ seats: [1, 2] })
    const friend = await newUser()
    expect((await transfer(given.buyer, given.tickets[1]!.ticketId, friend.userId)).status).toBe(201)
    expectError(await refund(given.buyer, given.reservationId), 409, 'TICKET_TRANSFERRED')

    const used = await boughtTickets({ seats: [3] })
    const scanner = await newScanner(used.concertId)
    const ok = await checkIn(scanner.token, used.concertId, await codeOf(used.buyer, used.tickets[0]!.ticketId))
    expect(ok.status).toBe(201)
    expectError(await refund(used.buyer, used.reservationId), 409, 'REFUND_CLOSED')
    expect((await ticketsOf(used.buyer))[0]).toMatchObject({ status: 'CHECKED_IN' })
  })

  it('a recipient of a concert that asks for verified identity must be verified', async () => {
    const { buyer, tickets, concertId } = await boughtTickets({ seats: [6] })
    const put = await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { requireVerifiedIdentity: true },
    })
    expect(put.status).toBe(200)
    const unverified = await newUser()
    expectError(await transfer(buyer, tickets[0]!.ticketId, unverified.userId), 403, 'VERIFICATION_REQUIRED')
    await env.DB.prepare('INSERT INTO identities (user_id, phone_hash, verified_at) VALUES (?, ?, ?)')
      .bind(unverified.userId, crypto.randomUUID(), new Date().toISOString())
      .run()
    expect((await transfer(buyer, tickets[0]!.ticketId, unverified.userId)).status).toBe(201)
  })
})
