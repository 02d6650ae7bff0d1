import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  activeBuyer,
  balanceOf,
  call,
  daysFromNow,
  enterQueue,
  expectError,
  hold,
  holdOrder,
  newConcert,
  payFor,
  seatMap,
  stateOf,
  stubOf,
} from '../helpers'

const SECTIONS = [
  { name: 'R', price: 120_000, seats: 20 },
  { name: 'S', price: 90_000, seats: 20 },
]

async function arena(queuePolicy: Record<string, number> = {}) {
  const { concertId, dates } = await newConcert({
    dates: [{ date: daysFromNow(30) }],
    sections: SECTIONS,
    queuePolicy: { maxActiveUsers: 100, ...queuePolicy },
  })
  return { concertId, date: dates[0]!.date }
}

describe('orders of several seats', () => {
  it('are held together: the hold names every seat with its section and price, and the total', async () => {
    const { concertId, date } = await arena()
    const buyer = await activeBuyer(concertId)
    const reply = await holdOrder(buyer, concertId, date, [20, 21, 22])
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      reservationId: expect.any(String),
      concertId,
      date,
      seatNumber: 20,
      seatNumbers: [20, 21, 22],
      seats: [
        { seatNumber: 20, section: 'R', price: 120_000 },
        { seatNumber: 21, section: 'S', price: 90_000 },
        { seatNumber: 22, section: 'S', price: 90_000 },
      ],
      price: 300_000,
      status: 'HELD',
      expiresAt: expect.any(String),
    })
    expect((await seatMap(buyer, concertId, date)).filter((s) => s.status === 'HELD').map((s) => s.seatNumber)).toEqual(
      [20, 21, 22],
    )
  })

  it('or not at all: one taken seat refuses the whole order, naming it, and changes nothing', async () => {
    const { concertId, date } = await arena()
    const first = await activeBuyer(concertId)
    expect((await hold(first, concertId, date, 5)).status).toBe(201)
    const second = await activeBuyer(concertId)
    const before = await stateOf(concertId)
    const refused = await holdOrder(second, concertId, date, [4, 5, 6])
    expectError(refused, 409, 'SEAT_UNAVAILABLE')
    expect(refused.body.error.message).toMatch(/Seat 5 is/)
    expect(await stateOf(concertId)).toEqual(before)
  })

  it('50 users race for overlapping 2-seat orders: no seat is held twice, every order is held whole or refused whole', async () => {
    const { concertId, date } = await arena()
    const buyers = await Promise.all(Array.from({ length: 50 }, () => activeBuyer(concertId)))
    // Buyer i wants seats i % 12 + 1 and the next: neighbours overlap by one seat.
    const wanted = buyers.map((_, i) => [(i % 12) + 1, (i % 12) + 2])
    const replies = await Promise.all(buyers.map((b, i) => holdOrder(b, concertId, date, wanted[i]!)))
    const won = replies.map((r, i) => ({ r, seats: wanted[i]! })).filter(({ r }) => r.status === 201)
    for (const r of replies) if (r.status !== 201) expectError(r, 409, 'SEAT_UNAVAILABLE')
    const heldSeats = won.flatMap(({ seats }) => seats)
    expect(new Set(heldSeats).size).toBe(heldSeats.length)
    expect(won.length).toBeGreaterThanOrEqual(4)
    // The object's rows agree: each held seat points at the order that won it, and only those.
    const rows = await runInDurableObject(stubOf(concertId), (_, state) =>
      state.storage.sql
        .exec<{ seat_number: number; seat_numbers: string }>(
          'SELECT s.seat_number, r.seat_numbers FROM seats s JOIN reservations r ON r.id = s.reservation_id ORDER BY s.seat_number',
        )
        .toArray(),
    )
    expect(rows.map((r) => r.seat_number)).toEqual([...heldSeats].sort((a, b) => a - b))
    for (const row of rows) expect(JSON.parse(row.seat_numbers)).toContain(row.seat_number)
  })

  it('are paid in one D1 batch: the total debited, one payment, one booking row per seat', async () => {
    const { concertId, date } = await arena()
    const buyer = await activeBuyer(concertId, 500_000)
    const held = (await holdOrder(buyer, concertId, date, [1, 30])).body
    const paid = await payFor(buyer, held.reservationId)
    expect(paid.status).toBe(201)
    expect(paid.body).toMatchObject({
      reservationId: held.reservationId,
      seatNumber: 1,
      seatNumbers: [1, 30],
      amount: 210_000,
      status: 'PAID',
    })
    expect(await balanceOf(buyer)).toBe(290_000)
    const ledger = await env.DB.prepare('SELECT seat_number FROM bookings WHERE payment_id = ? ORDER BY seat_number')
      .bind(paid.body.paymentId)
      .all()
    expect(ledger.results).toEqual([{ seat_number: 1 }, { seat_number: 30 }])
    const mine = await call('GET', '/api/users/me/reservations', { accessToken: buyer.accessToken })
    expect(mine.body.reservations).toEqual([
      {
        reservationId: held.reservationId,
        paymentId: paid.body.paymentId,
        concertId,
        date,
        seatNumber: 1,
        seatNumbers: [1, 30],
        price: 210_000,
        status: 'PAID',
        paidAt: paid.body.paidAt,
      },
    ])
    const next = await activeBuyer(concertId)
    expect((await seatMap(next, concertId, date)).filter((s) => s.status === 'SOLD').map((s) => s.seatNumber)).toEqual([
      1, 30,
    ])
  })

  it('an order the balance does not cover is 402 and stays held', async () => {
    const { concertId, date } = await arena()
    const buyer = await activeBuyer(concertId, 200_000)
    const held = (await holdOrder(buyer, concertId, date, [1, 2])).body
    expectError(await payFor(buyer, held.reservationId), 402, 'INSUFFICIENT_BALANCE')
    expect(await balanceOf(buyer)).toBe(200_000)
    expect((await seatMap(buyer, concertId, date)).slice(0, 2).map((s) => s.status)).toEqual(['HELD', 'HELD'])
  })
})

describe('purchase limits', () => {
  it('maxSeatsPerOrder: at the bound 201, one past it 400 naming seatNumbers', async () => {
    const { concertId, date } = await arena({ maxSeatsPerOrder: 3, maxTicketsPerUser: 10 })
    const buyer = await activeBuyer(concertId)
    const over = await holdOrder(buyer, concertId, date, [1, 2, 3, 4])
    expectError(over, 400, 'VALIDATION_FAILED')
    expect(over.body.error.message).toMatch(/^seatNumbers: at most 3 seats/)
    expect((await holdOrder(buyer, concertId, date, [1, 2, 3])).status).toBe(201)
  })

  it('maxTicketsPerUser counts holds and purchases, across tokens and dates', async () => {
    const { concertId, dates } = await newConcert({
      dates: [{ date: daysFromNow(30) }, { date: daysFromNow(31) }],
      sections: SECTIONS,
      queuePolicy: { maxActiveUsers: 10, maxTicketsPerUser: 4, maxHoldsPerUser: 3 },
    })
    const [d1, d2] = [dates[0]!.date, dates[1]!.date]
    const buyer = await activeBuyer(concertId, 1_000_000)
    const first = (await holdOrder(buyer, concertId, d1, [1, 2])).body
    expect((await payFor(buyer, first.reservationId)).status).toBe(201)
    // The payment ended the token: the buyer queues again, and the 2 bought still count.
    const again = { ...buyer, queueToken: (await enterQueue(buyer, concertId)).token }
    const past = await holdOrder(again, concertId, d2, [1, 2, 3])
    expectError(past, 409, 'TICKET_LIMIT_REACHED')
    expect(past.body.error.message).toMatch(/at most 4 ticket\(s\).*you have 2/)
    expect((await hold(again, concertId, d2, 1)).status).toBe(201)
    expect((await hold(again, concertId, d2, 2)).status).toBe(201)
    expectError(await hold(again, concertId, d2, 3), 409, 'TICKET_LIMIT_REACHED')
  })

  it('maxHoldsPerUser counts orders, not seats', async () => {
    const { concertId, date } = await arena({ maxHoldsPerUser: 1 })
    const buyer = await activeBuyer(concertId)
    expect((await holdOrder(buyer, concertId, date, [1, 2, 3, 4])).status).toBe(201)
    expectError(await hold(buyer, concertId, date, 5), 409, 'HOLD_LIMIT_REACHED')
  })
})

describe('bad orders get 400 and change nothing', () => {
  it.each([
    ['no seats', { seatNumbers: [] }],
    ['a seat twice', { seatNumbers: [3, 3] }],
    ['both seatNumber and seatNumbers', { seatNumber: 3, seatNumbers: [4] }],
    ['neither', {}],
    ['more than 20 seats', { seatNumbers: Array.from({ length: 21 }, (_, i) => i + 1) }],
    ['a seat 0', { seatNumbers: [0, 1] }],
    ['a seat as a string', { seatNumbers: ['1'] }],
    ['seatNumbers not a list', { seatNumbers: 3 }],
  ])('%s', async (_, order) => {
    const { concertId, date } = await arena()
    const buyer = await activeBuyer(concertId)
    const before = await stateOf(concertId)
    const reply = await call('POST', `/api/concerts/${concertId}/reservations`, {
      accessToken: buyer.accessToken,
      queueToken: buyer.queueToken,
      body: { date, ...order },
    })
    expectError(reply, 400, 'VALIDATION_FAILED')
    expect(reply.body.error.message).toMatch(/seatNumber/)
    expect(await stateOf(concertId)).toEqual(before)
  })

  it('a seat past the date is 404 naming it', async () => {
    const { concertId, date } = await arena()
    const buyer = await activeBuyer(concertId)
    const reply = await holdOrder(buyer, concertId, date, [40, 41])
    expectError(reply, 404, 'SEAT_NOT_FOUND')
    expect(reply.body.error.message).toMatch(/not 41$/)
  })
})
