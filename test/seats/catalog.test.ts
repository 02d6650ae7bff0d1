import { describe, expect, it } from 'vitest'
import { activeBuyer, ADMIN_TOKEN, call, daysFromNow, expectError, hold, newConcert, newUser } from '../helpers'

describe('operators', () => {
  it('create a concert with dates, 50 seats per date and the default policy', async () => {
    const date = daysFromNow(10)
    const reply = await call('POST', '/api/admin/concerts', {
      accessToken: ADMIN_TOKEN,
      body: { title: 'IU Golden Hour', venue: 'Jamsil', dates: [{ date, price: 165_000 }] },
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      concertId: expect.any(String),
      title: 'IU Golden Hour',
      venue: 'Jamsil',
      seatsPerDate: 50,
      dates: [{ date, startsAt: `${date}T10:00:00.000Z`, price: 165_000, totalSeats: 50 }],
      queuePolicy: {
        maxActiveUsers: 50,
        activeTtlSeconds: 600,
        holdTtlSeconds: 300,
        maxHoldsPerUser: 1,
        maxSeatsPerOrder: 4,
        maxTicketsPerUser: 4,
        admitPerMinute: null,
        idleTimeoutSeconds: 120,
        paused: false,
        maxWaitingUsers: null,
        requireVerifiedIdentity: false,
        waitlistOfferSeconds: 600,
        entryProofCost: null,
      },
      refundPolicy: [
        { fromDaysBefore: 7, feePercent: 0 },
        { fromDaysBefore: 3, feePercent: 10 },
        { fromDaysBefore: 1, feePercent: 30 },
      ],
    })
    const list = await call('GET', '/api/concerts')
    expect(list.body.concerts).toContainEqual({
      concertId: reply.body.concertId,
      title: 'IU Golden Hour',
      venue: 'Jamsil',
      seatsPerDate: 50,
    })
  })

  it('take a leap day as a date, and refuse the 29th of February of a common year', async () => {
    const create = (date: string) =>
      call('POST', '/api/admin/concerts', {
        accessToken: ADMIN_TOKEN,
        body: { title: 't', dates: [{ date, price: 1 }] },
      })
    const leap = await create('2028-02-29')
    expect(leap.status).toBe(201)
    expect(leap.body.dates[0].date).toBe('2028-02-29')
    expectError(await create('2027-02-29'), 400, 'VALIDATION_FAILED')
  })

  it('need the admin token: none is 401, a user token is 403, a wrong one 401', async () => {
    const body = { title: 'x', dates: [{ date: daysFromNow(5), price: 1 }] }
    expectError(await call('POST', '/api/admin/concerts', { body }), 401)
    const user = await newUser()
    expectError(await call('POST', '/api/admin/concerts', { body, accessToken: user.accessToken }), 403, 'FORBIDDEN')
    expectError(await call('POST', '/api/admin/concerts', { body, accessToken: 'not-the-admin-token' }), 401)
  })

  it('change the queue policy live and get the policy in force', async () => {
    const { concertId } = await newConcert()
    const reply = await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { maxActiveUsers: 2, holdTtlSeconds: 120 },
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      maxActiveUsers: 2,
      activeTtlSeconds: 600,
      holdTtlSeconds: 120,
      maxHoldsPerUser: 1,
      maxSeatsPerOrder: 4,
      maxTicketsPerUser: 4,
      admitPerMinute: null,
      idleTimeoutSeconds: 120,
      paused: false,
      maxWaitingUsers: null,
      requireVerifiedIdentity: false,
      waitlistOfferSeconds: 600,
      entryProofCost: null,
    })
  })

  it('raising maxActiveUsers admits waiting users at once, in arrival order', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const users = [await newUser(), await newUser(), await newUser()]
    const tokens = []
    for (const u of users)
      tokens.push(
        (await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: u.accessToken })).body.token,
      )
    await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { maxActiveUsers: 2 },
    })
    const statuses = await Promise.all(
      tokens.map((t) => call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: t })),
    )
    expect(statuses.map((s) => s.body.status)).toEqual(['ACTIVE', 'ACTIVE', 'WAITING'])
    expect(statuses[2]!.body.position).toBe(1)
  })

  it('see the seat map of a date as the object has it, with the admin token only', async () => {
    const { concertId, dates } = await newConcert()
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    expect((await hold(buyer, concertId, date, 4)).status).toBe(201)
    const path = `/api/admin/concerts/${concertId}/dates/${date}/seats`
    const map = await call('GET', path, { accessToken: ADMIN_TOKEN })
    expect(map.status).toBe(200)
    expect(map.body.seats).toHaveLength(50)
    expect(map.body.seats.filter((s: { status: string }) => s.status !== 'AVAILABLE')).toEqual([
      { seatNumber: 4, status: 'HELD', price: 100_000, section: 'General' },
    ])
    expectError(await call('GET', path, { accessToken: buyer.accessToken }), 403, 'FORBIDDEN')
    expectError(
      await call('GET', `/api/admin/concerts/${concertId}/dates/${daysFromNow(400)}/seats`, {
        accessToken: ADMIN_TOKEN,
      }),
      404,
      'DATE_NOT_FOUND',
    )
  })

  it('policy of an unknown concert is 404', async () => {
    const reply = await call('PUT', `/api/admin/concerts/${crypto.randomUUID()}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { maxActiveUsers: 2 },
    })
    expectError(reply, 404, 'CONCERT_NOT_FOUND')
  })
})

describe('catalog', () => {
  it('lists bookable dates only: future ones with at least one seat AVAILABLE', async () => {
    const past = { date: daysFromNow(-3), price: 50_000 }
    const soldOut = { date: daysFromNow(20), price: 50_000 }
    const open = { date: daysFromNow(40), price: 70_000 }
    const { concertId } = await newConcert({ dates: [open, past, soldOut], seatsPerDate: 1 })
    const buyer = await activeBuyer(concertId)
    expect((await hold(buyer, concertId, soldOut.date, 1)).status).toBe(201)

    const reply = await call('GET', `/api/concerts/${concertId}/dates`)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      concertId,
      dates: [{ date: open.date, startsAt: `${open.date}T10:00:00.000Z`, availableSeats: 1, totalSeats: 1 }],
    })
  })

  it('counts available seats per date', async () => {
    const date = daysFromNow(15)
    const { concertId } = await newConcert({ dates: [{ date, startsAt: `${date}T11:30:00.000Z`, price: 99_000 }] })
    const buyer = await activeBuyer(concertId)
    await hold(buyer, concertId, date, 7)
    const reply = await call('GET', `/api/concerts/${concertId}/dates`)
    expect(reply.body.dates).toEqual([{ date, startsAt: `${date}T11:30:00.000Z`, availableSeats: 49, totalSeats: 50 }])
  })

  it('an unknown concert is 404 and a malformed id is 400', async () => {
    expectError(await call('GET', `/api/concerts/${crypto.randomUUID()}/dates`), 404, 'CONCERT_NOT_FOUND')
    expectError(await call('GET', '/api/concerts/not-a-uuid/dates'), 400, 'VALIDATION_FAILED')
  })
})

describe('service', () => {
  it('GET /healthz answers ok', async () => {
    const reply = await call('GET', '/healthz')
    expect(reply).toMatchObject({ status: 200, body: { ok: true } })
  })

  it('serves an OpenAPI 3.1 document with every route of the contract', async () => {
    const reply = await call('GET', '/openapi.json')
    expect(reply.status).toBe(200)
    expect(reply.body.openapi).toBe('3.1.0')
    const routes = Object.entries(reply.body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    )
    expect(routes.sort()).toEqual(
      [
        'POST /api/users',
        'GET /api/users/me',
        'GET /api/users/me/balance',
        'POST /api/users/me/balance/charges',
        'POST /api/users/me/verification',
        'POST /api/users/me/verification/confirm',
        'GET /api/users/me/reservations',
        'POST /api/users/me/reservations/{reservationId}/refund',
        'GET /api/users/me/reservations/{reservationId}/refund',
        'GET /api/concerts',
        'GET /api/concerts/{concertId}/dates',
        'GET /api/concerts/{concertId}/sale',
        'GET /api/concerts/{concertId}/sale/draw',
        'GET /api/admin/concerts/{concertId}/queue/history',
        'POST /api/concerts/{concertId}/queue/tokens',
        'GET /api/concerts/{concertId}/queue/status',
        'GET /api/concerts/{concertId}/dates/{date}/seats',
        'GET /api/concerts/{concertId}/dates/{date}/sections',
        'POST /api/concerts/{concertId}/reservations',
        'DELETE /api/concerts/{concertId}/reservations/{reservationId}',
        'POST /api/payments',
        'POST /api/concerts/{concertId}/waitlist',
        'GET /api/concerts/{concertId}/waitlist/options',
        'GET /api/concerts/{concertId}/waitlist/events',
        'GET /api/users/me/waitlist',
        'DELETE /api/users/me/waitlist/{waitlistId}',
        'POST /api/admin/concerts',
        'GET /api/admin/concerts',
        'PUT /api/admin/concerts/{concertId}/queue-policy',
        'GET /api/admin/concerts/{concertId}/queue',
        'GET /api/admin/concerts/{concertId}/dates/{date}/seats',
        'GET /api/admin/events/undelivered',
        'POST /api/admin/events/redrive',
        'GET /api/concerts/{concertId}/queue/ws',
        'GET /api/concerts/{concertId}/queue/challenge',
        'GET /api/concerts/{concertId}/queue/events',
        'GET /healthz',
        'GET /api/turnstile',
        'GET /api/users/me/tickets',
        'GET /api/users/me/tickets/{ticketId}/code',
        'POST /api/users/me/tickets/{ticketId}/transfer',
        'GET /api/tickets/keys',
        'POST /api/admin/concerts/{concertId}/scanners',
        'GET /api/admin/concerts/{concertId}/scanners',
        'POST /api/concerts/{concertId}/check-ins',
      ].sort(),
    )
  })

  it('unknown routes are 404 in the error body', async () => {
    expectError(await call('GET', '/api/nope'), 404, 'NOT_FOUND')
    expectError(await call('PATCH', '/api/users'), 404, 'NOT_FOUND')
  })
})
