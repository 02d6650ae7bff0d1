import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  activeBuyer,
  ADMIN_TOKEN,
  balanceOf,
  call,
  chargeUser,
  enterQueue,
  expectError,
  holdOrder,
  newConcert,
  newUser,
  payFor,
  received,
  refund,
  seatMap,
  stateOf,
  stubOf,
  until,
  type User,
} from '../helpers'

const DAY = 86_400_000
const R = { name: 'R', price: 100_000, seats: 10 }

/** A concert whose show starts `msAhead` from now, and a buyer who paid for `seats` of it. */
async function paidOrder({
  msAhead = 30 * DAY,
  seats = [1, 2],
  sections = [R],
  queuePolicy = {},
  refundPolicy,
}: {
  msAhead?: number
  seats?: number[]
  sections?: (typeof R)[]
  queuePolicy?: Record<string, number>
  refundPolicy?: Array<{ fromDaysBefore: number; feePercent: number }>
} = {}) {
  const startsAt = new Date(Date.now() + msAhead).toISOString()
  const concert = await newConcert({
    dates: [{ date: startsAt.slice(0, 10), startsAt }],
    sections,
    queuePolicy: { maxActiveUsers: 10, ...queuePolicy },
    refundPolicy,
  })
  const date = concert.dates[0]!.date
  const buyer = await activeBuyer(concert.concertId, 1_000_000)
  const held = await holdOrder(buyer, concert.concertId, date, seats)
  expect(held.status, JSON.stringify(held.body)).toBe(201)
  const paid = await payFor(buyer, held.body.reservationId)
  expect(paid.status).toBe(201)
  return {
    concertId: concert.concertId,
    date,
    buyer,
    reservationId: held.body.reservationId as string,
    paid: paid.body.amount as number,
  }
}

const ledgerOf = (reservationId: string) =>
  env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM refunds WHERE reservation_id = ?1) AS refunds,
            (SELECT COUNT(*) FROM bookings b JOIN payments p ON p.id = b.payment_id WHERE p.reservation_id = ?1) AS bookings`,
  )
    .bind(reservationId)
    .first<{ refunds: number; bookings: number }>()

const orderState = (concertId: string, reservationId: string) =>
  runInDurableObject(
    stubOf(concertId),
    (_, state) =>
      state.storage.sql.exec<{ state: string }>('SELECT state FROM reservations WHERE id = ?', reservationId).one()
        .state,
  )

describe('refunds', () => {
  it('cancel a paid order all or nothing: credited, seats AVAILABLE, no longer listed, the event written', async () => {
    const { concertId, date, buyer, reservationId, paid } = await paidOrder({ seats: [3, 4, 5] })
    expect(await balanceOf(buyer)).toBe(1_000_000 - paid)
    const reply = await refund(buyer, reservationId)
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      refundId: expect.any(String),
      reservationId,
      amount: 300_000,
      fee: 0,
      refundedAt: expect.any(String),
    })
    expect(await balanceOf(buyer)).toBe(1_000_000)
    expect(await ledgerOf(reservationId)).toEqual({ refunds: 1, bookings: 0 })
    expect(
      (await call('GET', '/api/users/me/reservations', { accessToken: buyer.accessToken })).body.reservations,
    ).toEqual([])
    expect(await orderState(concertId, reservationId)).toBe('REFUNDED')
    const other = await activeBuyer(concertId)
    expect((await seatMap(other, concertId, date)).slice(2, 5).map((s) => s.status)).toEqual([
      'AVAILABLE',
      'AVAILABLE',
      'AVAILABLE',
    ])
    // The seats can be sold again: D1's bookings for them are gone.
    expect((await holdOrder(other, concertId, date, [3, 4])).status).toBe(201)
    const { events } = await until('seat.refunded', async () => {
      const r = await received(concertId)
      return r.events.some((e) => e.type === 'seat.refunded') && r
    })
    expect(events.find((e) => e.type === 'seat.refunded')).toMatchObject({
      userId: buyer.userId,
      reservationId,
      date,
      seatNumbers: [3, 4, 5],
      refundId: reply.body.refundId,
      amount: 300_000,
      fee: 0,
    })
  })

  it('seats freed by a refund admit the next waiting user; a sold-out concert opens again', async () => {
    // Three seats: two bought, one held, so nobody more is admitted until the refund.
    const { concertId, date, buyer, reservationId } = await paidOrder({ seats: [1, 2], sections: [{ ...R, seats: 3 }] })
    const holder = await activeBuyer(concertId)
    expect((await holdOrder(holder, concertId, date, [3])).status).toBe(201)
    const waiter = await newUser()
    const waiting = await enterQueue(waiter, concertId)
    expect(waiting).toMatchObject({ status: 'WAITING', seatsLeft: 0 })
    expect((await refund(buyer, reservationId)).status).toBe(201)
    const status = await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: waiting.token })
    expect(status.body).toMatchObject({ status: 'ACTIVE', seatsLeft: 2 })

    // Sold out, then a refund: the sale is OPEN again and new fans may enter.
    const soldOut = await paidOrder({ seats: [1, 2], sections: [{ ...R, seats: 2 }] })
    expect((await call('GET', `/api/concerts/${soldOut.concertId}/sale`)).body.state).toBe('SOLD_OUT')
    expectError(
      await call('POST', `/api/concerts/${soldOut.concertId}/queue/tokens`, {
        accessToken: (await newUser()).accessToken,
      }),
      409,
      'SOLD_OUT',
    )
    expect((await refund(soldOut.buyer, soldOut.reservationId)).status).toBe(201)
    await until(
      'the sale to open again',
      async () => (await call('GET', `/api/concerts/${soldOut.concertId}/sale`)).body.state === 'OPEN',
    )
    expect(
      (
        await call('POST', `/api/concerts/${soldOut.concertId}/queue/tokens`, {
          accessToken: (await newUser()).accessToken,
        })
      ).status,
    ).toBe(201)
  })

  it.each([
    ['7 days and 5 minutes before: no fee', 7 * DAY + 300_000, 0],
    ['5 minutes short of 7 days: 10%', 7 * DAY - 300_000, 10],
    ['3 days and 5 minutes before: 10%', 3 * DAY + 300_000, 10],
    ['5 minutes short of 3 days: 30%', 3 * DAY - 300_000, 30],
    ['1 day and 5 minutes before: 30%', DAY + 300_000, 30],
  ])('the default schedule, %s', async (_, msAhead, feePercent) => {
    const { buyer, reservationId } = await paidOrder({ msAhead, seats: [1, 2, 3] })
    const quote = await call('GET', `/api/users/me/reservations/${reservationId}/refund`, {
      accessToken: buyer.accessToken,
    })
    expect(quote.body).toEqual({
      reservationId,
      paid: 300_000,
      feePercent,
      fee: 3_000 * feePercent,
      amount: 300_000 - 3_000 * feePercent,
    })
    const reply = await refund(buyer, reservationId)
    expect(reply.body).toMatchObject({ fee: 3_000 * feePercent, amount: 300_000 - 3_000 * feePercent })
    expect(await balanceOf(buyer)).toBe(1_000_000 - 3_000 * feePercent)
  })

  it('closed less than a day before the show (409 REFUND_CLOSED, nothing changes); a concert may set its own schedule', async () => {
    const { concertId, buyer, reservationId } = await paidOrder({ msAhead: DAY - 300_000 })
    const before = await stateOf(concertId)
    expectError(await refund(buyer, reservationId), 409, 'REFUND_CLOSED')
    expectError(
      await call('GET', `/api/users/me/reservations/${reservationId}/refund`, { accessToken: buyer.accessToken }),
      409,
      'REFUND_CLOSED',
    )
    expect(await stateOf(concertId)).toEqual(before)

    const own = await paidOrder({
      msAhead: DAY - 300_000,
      seats: [1],
      sections: [{ ...R, price: 33_333 }],
      refundPolicy: [{ fromDaysBefore: 0, feePercent: 50 }],
    })
    expect((await refund(own.buyer, own.reservationId)).body).toMatchObject({ fee: 16_666, amount: 16_667 })
  })

  it('concurrent refunds of one order credit once', async () => {
    const { buyer, reservationId, paid } = await paidOrder({ msAhead: 5 * DAY })
    const replies = await Promise.all(Array.from({ length: 10 }, () => refund(buyer, reservationId)))
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1)
    for (const r of replies.filter((r) => r.status !== 201)) expectError(r, 409, 'ALREADY_REFUNDED')
    expect(await balanceOf(buyer)).toBe(1_000_000 - paid + 180_000)
    expect(await ledgerOf(reservationId)).toEqual({ refunds: 1, bookings: 0 })
  })

  it('an Idempotency-Key replays the first 201, also under concurrency; another key or none is 409', async () => {
    const { buyer, reservationId } = await paidOrder()
    const replies = await Promise.all(Array.from({ length: 6 }, () => refund(buyer, reservationId, 'refund-key-1')))
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(201))
    expect(new Set(replies.map((r) => r.body.refundId)).size).toBe(1)
    expect((await refund(buyer, reservationId, 'refund-key-1')).body).toEqual(replies[0]!.body)
    expectError(await refund(buyer, reservationId, 'another-key'), 409, 'ALREADY_REFUNDED')
    expectError(await refund(buyer, reservationId), 409, 'ALREADY_REFUNDED')
    expect(await balanceOf(buyer)).toBe(1_000_000)
  })

  it("an unpaid, unknown or someone else's order is refused and nothing changes", async () => {
    const { concertId, date, buyer, reservationId } = await paidOrder()
    const other = await activeBuyer(concertId, 500_000)
    const held = (await holdOrder(other, concertId, date, [7])).body.reservationId
    const before = await stateOf(concertId)
    expectError(await refund(other, held), 404, 'RESERVATION_NOT_FOUND')
    expectError(await refund(other, reservationId), 403, 'NOT_YOUR_RESERVATION')
    expectError(await refund(buyer, crypto.randomUUID()), 404, 'RESERVATION_NOT_FOUND')
    expectError(
      await call('POST', '/api/users/me/reservations/not-a-uuid/refund', { accessToken: buyer.accessToken }),
      400,
      'VALIDATION_FAILED',
    )
    expectError(await call('POST', `/api/users/me/reservations/${reservationId}/refund`), 401, 'UNAUTHORIZED')
    expectError(
      await call('POST', `/api/users/me/reservations/${reservationId}/refund`, { accessToken: ADMIN_TOKEN }),
      401,
    )
    expectError(
      await call('GET', `/api/users/me/reservations/${reservationId}/refund`, { accessToken: other.accessToken }),
      403,
      'NOT_YOUR_RESERVATION',
    )
    expect(await stateOf(concertId)).toEqual(before)
  })
})

describe('money is conserved over any sequence of charges, orders, payments and refunds', () => {
  // 'buy' is an order paid at once; 'order' leaves it held for a later 'pay'.
  type Step =
    | { kind: 'charge'; user: number; amount: number }
    | { kind: 'order' | 'buy'; user: number; seats: number[] }
    | { kind: 'pay'; user: number }
    | { kind: 'refund'; user: number }
  const user = fc.nat(1)
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('charge' as const),
        user,
        amount: fc.integer({ min: 1, max: 400_000 }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constantFrom('order' as const, 'buy' as const),
        user,
        seats: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 2 }),
      }),
      weight: 4,
    },
    { arbitrary: fc.record({ kind: fc.constant('pay' as const), user }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('refund' as const), user }), weight: 2 },
  )

  it('per user: balance + payments - refunds = charges, and every SOLD seat has exactly one booking', async () => {
    let refunds = 0
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 20 }), async (steps) => {
        // Seven days and a half before the show, three before it: no fee, then 10%.
        const startsAt = new Date(Date.now() + 5 * DAY).toISOString()
        const { concertId, dates } = await newConcert({
          dates: [{ date: startsAt.slice(0, 10), startsAt }],
          sections: [
            { name: 'VIP', price: 150_000, seats: 4 },
            { name: 'R', price: 70_000, seats: 8 },
          ],
          queuePolicy: { maxActiveUsers: 10, maxTicketsPerUser: 20 },
        })
        const date = dates[0]!.date
        const users: Array<User & { queueToken?: string; held?: string; paid: string[] }> = []
        for (let i = 0; i < 2; i++) {
          users.push({ ...(await newUser()), paid: [] })
          // Enough for most orders, so that sequences reach payments and refunds; charges add to it.
          await chargeUser(users[i]!, 300_000)
        }
        for (const s of steps) {
          const u = users[s.user]!
          if (s.kind === 'charge') await chargeUser(u, s.amount)
          else if (s.kind === 'order' || s.kind === 'buy') {
            u.queueToken = (await enterQueue(u, concertId)).token
            const held = await holdOrder(u as User & { queueToken: string }, concertId, date, s.seats)
            if (held.status === 201) u.held = held.body.reservationId
          }
          if ((s.kind === 'pay' || s.kind === 'buy') && u.held && u.queueToken) {
            const paid = await payFor(u as User & { queueToken: string }, u.held)
            if (paid.status === 201) u.paid.push(u.held)
            if (paid.status !== 402) u.held = undefined
          } else if (s.kind === 'refund' && u.paid.length > 0) {
            expect((await refund(u, u.paid.shift()!)).status).toBe(201)
            refunds++
          }
        }
        for (const u of users) {
          const money = await env.DB.prepare(
            `SELECT (SELECT balance FROM users WHERE id = ?1) AS balance,
                    (SELECT COALESCE(SUM(amount), 0) FROM charges WHERE user_id = ?1) AS charges,
                    (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE user_id = ?1) AS payments,
                    (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE user_id = ?1) AS refunds`,
          )
            .bind(u.userId)
            .first<{ balance: number; charges: number; payments: number; refunds: number }>()
          expect(money!.balance + money!.payments - money!.refunds).toBe(money!.charges)
        }
        const sold = await runInDurableObject(stubOf(concertId), (_, state) =>
          state.storage.sql
            .exec<{ seat_number: number }>('SELECT seat_number FROM seats WHERE sold = 1 ORDER BY seat_number')
            .toArray(),
        )
        const booked = await env.DB.prepare(
          'SELECT seat_number FROM bookings WHERE concert_id = ? ORDER BY seat_number',
        )
          .bind(concertId)
          .all<{ seat_number: number }>()
        expect(booked.results).toEqual(sold)
      }),
      { numRuns: 25 },
    )
    // The sequences did reach what they are about.
    expect(refunds).toBeGreaterThanOrEqual(10)
  })
})
