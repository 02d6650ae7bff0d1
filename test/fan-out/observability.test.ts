import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { activeBuyer, call, enterQueue, hold, newConcert, newUser, payFor } from '../helpers'

let logSpy: MockInstance<typeof console.log>
beforeEach(() => {
  logSpy = vi.spyOn(console, 'log')
})
afterEach(() => logSpy.mockRestore())

/** The JSON lines logged so far with this `msg`. */
function logged(msg: string): Array<Record<string, any>> {
  return logSpy.mock.calls
    .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
    .filter((entry) => entry?.msg === msg)
}

describe('request ids and logs', () => {
  it('gives every response an X-Request-Id and logs the request under it', async () => {
    const user = await newUser()
    const reply = await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })
    const requestId = reply.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    const line = logged('request').find((l) => l.requestId === requestId)
    expect(line).toEqual({
      level: 'info',
      msg: 'request',
      requestId,
      method: 'GET',
      route: '/api/users/me/balance',
      status: 200,
      latencyMs: expect.any(Number),
      userId: user.userId,
    })
  })

  it("keeps a caller's well-formed request id and replaces a malformed one", async () => {
    const kept = await call('GET', '/healthz', { headers: { 'x-request-id': 'client-abc-123' } })
    expect(kept.headers.get('x-request-id')).toBe('client-abc-123')
    const replaced = await call('GET', '/healthz', { headers: { 'x-request-id': 'bad id"} {"level":"x' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('logs errors with their status, route and concert, and errors carry the request id too', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const reply = await call('POST', `/api/concerts/${concertId}/reservations`, {
      accessToken: user.accessToken,
      body: { date: '2099-01-01', seatNumber: 1 },
    })
    expect(reply.status).toBe(401)
    const line = logged('request').find((l) => l.requestId === reply.headers.get('x-request-id'))
    expect(line).toMatchObject({
      status: 401,
      route: '/api/concerts/:concertId/reservations',
      concertId,
      userId: user.userId,
    })
  })

  it('logs each state change of a sale: issued, admitted, held, released, paid, token ended', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId, 300_000)
    const waiter = await newUser()
    await enterQueue(waiter, concertId)
    const first = await hold(buyer, concertId, date, 3)
    await call('DELETE', `/api/concerts/${concertId}/reservations/${first.body.reservationId}`, {
      accessToken: buyer.accessToken,
      queueToken: buyer.queueToken,
    })
    const second = await hold(buyer, concertId, date, 4)
    expect((await payFor(buyer, second.body.reservationId)).status).toBe(201)

    // A change's events of one type share a line.
    const lines = logged('sale events').filter((line) => line.concertId === concertId)
    const events: Array<Record<string, any>> = lines.flatMap((line) => line.events)
    expect(
      lines.every((line) => line.events.length > 0 && line.events.every((e: { type: string }) => e.type === line.type)),
    ).toBe(true)
    expect(events.map((e) => [e.type, e.userId])).toEqual([
      ['token.issued', buyer.userId],
      ['token.admitted', buyer.userId],
      ['token.issued', waiter.userId],
      ['seat.held', buyer.userId],
      ['seat.released', buyer.userId],
      ['seat.held', buyer.userId],
      ['seat.paid', buyer.userId],
      ['token.expired', buyer.userId],
      ['token.admitted', waiter.userId],
    ])
    expect(events.find((e) => e.type === 'seat.paid')).toMatchObject({
      date,
      seatNumber: 4,
      price: 100_000,
      paymentId: expect.any(String),
    })
    expect(events.find((e) => e.type === 'token.expired')).toMatchObject({ reason: 'PAID' })
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length)
    // The request lines of that sale name its concert, from the path or (payments) the queue token.
    const sale = logged('request').filter(
      (l) => l.userId === buyer.userId && l.method !== 'GET' && l.route !== '/api/users/me/balance/charges',
    )
    expect(sale.map((l) => [l.route, l.status, l.concertId])).toEqual([
      ['/api/concerts/:concertId/queue/tokens', 201, concertId],
      ['/api/concerts/:concertId/reservations', 201, concertId],
      ['/api/concerts/:concertId/reservations/:reservationId', 204, concertId],
      ['/api/concerts/:concertId/reservations', 201, concertId],
      ['/api/payments', 201, concertId],
    ])
  })
})
