import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { PAYMENT_GRACE_MS } from '../../src/shared/policy'
import { findPayment, settle } from '../../src/ledger/payments'
import {
  activeBuyer,
  arrivalOf,
  call,
  chargeUser,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  payFor,
  seatMap,
  stubOf,
  balanceOf,
} from '../helpers'

/** A concert with one ACTIVE buyer holding seat `seat` and a waiting user behind them. */
async function heldSeat(balance: number, seat = 7) {
  const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
  const date = dates[0]!.date
  const buyer = await activeBuyer(concertId, balance)
  const waiter = await newUser()
  const waiting = await enterQueue(waiter, concertId)
  expect(waiting.status).toBe('WAITING')
  const held = await hold(buyer, concertId, date, seat)
  expect(held.status).toBe(201)
  return {
    concertId,
    date,
    buyer,
    waiter: { ...waiter, queueToken: waiting.token },
    reservationId: held.body.reservationId as string,
  }
}

describe('payment', () => {
  it('debits the price, sells the seat, ends the token and admits the next user', async () => {
    const { concertId, date, buyer, waiter, reservationId } = await heldSeat(250_000)
    const reply = await payFor(buyer, reservationId)
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      paymentId: expect.any(String),
      reservationId,
      concertId,
      date,
      seatNumber: 7,
      seatNumbers: [7],
      amount: 100_000,
      status: 'PAID',
      paidAt: expect.any(String),
    })
    expect(await balanceOf(buyer)).toBe(150_000)
    // The token that paid is finished; the place went to the waiting user at once.
    expectError(
      await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: buyer.queueToken }),
      401,
      'QUEUE_TOKEN_INVALID',
    )
    const next = await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: waiter.queueToken })
    expect(next.body).toMatchObject({ status: 'ACTIVE', position: 0 })
    expect((await seatMap(waiter, concertId, date))[6]!.status).toBe('SOLD')
    expectError(await hold(waiter, concertId, date, 7), 409, 'SEAT_UNAVAILABLE')

    const mine = await call('GET', '/api/users/me/reservations', { accessToken: buyer.accessToken })
    expect(mine.body).toEqual({
      reservations: [
        {
          reservationId,
          paymentId: reply.body.paymentId,
          concertId,
          date,
          seatNumber: 7,
          seatNumbers: [7],
          price: 100_000,
          status: 'PAID',
          paidAt: reply.body.paidAt,
        },
      ],
    })
  })

  it('with too little balance is 402 and changes nothing; after a charge it succeeds', async () => {
    const { concertId, date, buyer, reservationId } = await heldSeat(99_999)
    expectError(await payFor(buyer, reservationId), 402, 'INSUFFICIENT_BALANCE')
    expect(await balanceOf(buyer)).toBe(99_999)
    expect((await seatMap(buyer, concertId, date))[6]!.status).toBe('HELD')
    await chargeUser(buyer, 1)
    expect((await payFor(buyer, reservationId)).status).toBe(201)
    expect(await balanceOf(buyer)).toBe(0)
  })

  it('10 concurrent payments of one hold debit once: one 201, nine 409 ALREADY_PAID', async () => {
    const { buyer, reservationId } = await heldSeat(1_000_000)
    const replies = await Promise.all(Array.from({ length: 10 }, () => payFor(buyer, reservationId)))
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1)
    for (const r of replies.filter((x) => x.status !== 201)) expectError(r, 409, 'ALREADY_PAID')
    expect(await balanceOf(buyer)).toBe(900_000)
  })

  it('10 concurrent payments with one Idempotency-Key all replay the one payment', async () => {
    const { buyer, reservationId } = await heldSeat(1_000_000)
    const replies = await Promise.all(Array.from({ length: 10 }, () => payFor(buyer, reservationId, 'pay-once')))
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201))
    expect(new Set(replies.map((r) => r.body.paymentId)).size).toBe(1)
    expect(await balanceOf(buyer)).toBe(900_000)
  })

  it('a repeat after success is 409 ALREADY_PAID, or the first 201 with the same Idempotency-Key', async () => {
    const { buyer, reservationId } = await heldSeat(300_000)
    const first = await payFor(buyer, reservationId, 'k1')
    expect(first.status).toBe(201)
    expectError(await payFor(buyer, reservationId), 409, 'ALREADY_PAID')
    expectError(await payFor(buyer, reservationId, 'another-key'), 409, 'ALREADY_PAID')
    const replay = await payFor(buyer, reservationId, 'k1')
    expect(replay.status).toBe(201)
    expect(replay.body).toEqual(first.body)
    expect(await balanceOf(buyer)).toBe(200_000)
  })

  it("a paid reservation presented with the payer's token of another concert is not found there, not replayed", async () => {
    const { buyer, reservationId } = await heldSeat(300_000)
    expect((await payFor(buyer, reservationId, 'k1')).status).toBe(201)
    const other = await newConcert()
    const elsewhere = await enterQueue(buyer, other.concertId)
    expect(elsewhere.status).toBe('ACTIVE')
    expectError(
      await payFor({ ...buyer, queueToken: elsewhere.token }, reservationId, 'k1'),
      404,
      'RESERVATION_NOT_FOUND',
    )
    expect(await balanceOf(buyer)).toBe(200_000)
  })

  it("paying someone else's hold is 403 and debits nobody", async () => {
    const { concertId, dates } = await newConcert()
    const owner = await activeBuyer(concertId, 500_000)
    const thief = await activeBuyer(concertId, 500_000)
    const { reservationId } = (await hold(owner, concertId, dates[0]!.date, 1)).body
    expectError(await payFor(thief, reservationId), 403, 'NOT_YOUR_RESERVATION')
    expect(await balanceOf(thief)).toBe(500_000)
    expect(await balanceOf(owner)).toBe(500_000)
  })

  it('needs an ACTIVE queue token of the payer: none 401, a waiting one 403, another user one 403', async () => {
    const { concertId, buyer, waiter, reservationId } = await heldSeat(500_000)
    expectError(
      await call('POST', '/api/payments', { accessToken: buyer.accessToken, body: { reservationId } }),
      401,
      'QUEUE_TOKEN_INVALID',
    )
    expectError(await payFor({ ...buyer, queueToken: waiter.queueToken }, reservationId), 403, 'QUEUE_TOKEN_MISMATCH')
    expectError(await payFor(waiter, reservationId), 403, 'QUEUE_NOT_ACTIVE')
    expectError(await payFor(buyer, crypto.randomUUID()), 404, 'RESERVATION_NOT_FOUND')
    expect(await balanceOf(buyer)).toBe(500_000)
    void concertId
  })

  it('balances and sold seats survive a restart of every Durable Object', async () => {
    const { concertId, date, buyer, waiter, reservationId } = await heldSeat(120_000)
    expect((await payFor(buyer, reservationId)).status).toBe(201)
    await abortAllDurableObjects()
    expect(await balanceOf(buyer)).toBe(20_000)
    expect((await seatMap(waiter, concertId, date))[6]!.status).toBe('SOLD')
    expectError(await hold(waiter, concertId, date, 7), 409, 'SEAT_UNAVAILABLE')
  })
})

describe('payment recovery between the concert object and D1', () => {
  /** Steps 1 and 2 of a payment (PAYING, then the D1 batch), as if the Worker died before step 3. */
  async function paidButNotCompleted() {
    const setup = await heldSeat(500_000)
    const stub = stubOf(setup.concertId)
    const hold = await stub.beginPayment(
      { arrival: arrivalOf(setup.buyer.queueToken), userId: setup.buyer.userId },
      setup.reservationId,
    )
    if (!hold.ok) throw new Error(hold.message)
    const outcome = await settle(env.DB, {
      reservationId: setup.reservationId,
      userId: setup.buyer.userId,
      ...hold.value,
      amount: hold.value.price,
    })
    expect(outcome.kind).toBe('paid')
    return { ...setup, stub }
  }

  it('a retry finds the payment in D1, finishes the sale and answers ALREADY_PAID without a second debit', async () => {
    const { concertId, date, buyer, waiter, reservationId } = await paidButNotCompleted()
    expect((await seatMap(buyer, concertId, date))[6]!.status).toBe('HELD')
    expectError(await payFor(buyer, reservationId), 409, 'ALREADY_PAID')
    expect(await balanceOf(buyer)).toBe(400_000)
    expect((await seatMap(waiter, concertId, date))[6]!.status).toBe('SOLD')
  })

  it('with no retry, the alarm asks D1 once the grace has passed and marks the seat SOLD', async () => {
    const { date, buyer, reservationId, stub } = await paidButNotCompleted()
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec(
        'UPDATE reservations SET paying_since = ?, expires_at = ? WHERE id = ?',
        Date.now() - PAYMENT_GRACE_MS - 1,
        Date.now() - 1,
        reservationId,
      )
    })
    await runDurableObjectAlarm(stub)
    const seat = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec('SELECT sold, reservation_id FROM seats WHERE date = ? AND seat_number = 7', date).one(),
    )
    expect(seat).toEqual({ sold: 1, reservation_id: reservationId })
    expect(await balanceOf(buyer)).toBe(400_000)
    expect((await findPayment(env.DB, reservationId))?.amount).toBe(100_000)
  })

  it('a payment that never reached D1 is undone by the alarm: the expired hold is released, nothing debited', async () => {
    const { concertId, date, buyer, reservationId } = await heldSeat(500_000)
    const stub = stubOf(concertId)
    expect(
      (await stub.beginPayment({ arrival: arrivalOf(buyer.queueToken), userId: buyer.userId }, reservationId)).ok,
    ).toBe(true)
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec(
        'UPDATE reservations SET paying_since = ?, expires_at = ? WHERE id = ?',
        Date.now() - PAYMENT_GRACE_MS - 1,
        Date.now() - 1,
        reservationId,
      )
    })
    await runDurableObjectAlarm(stub)
    const after = await runInDurableObject(stub, (_, state) => ({
      seat: state.storage.sql
        .exec('SELECT sold, reservation_id FROM seats WHERE date = ? AND seat_number = 7', date)
        .one(),
      reservation: state.storage.sql.exec('SELECT state FROM reservations WHERE id = ?', reservationId).one(),
    }))
    expect(after).toEqual({ seat: { sold: 0, reservation_id: null }, reservation: { state: 'EXPIRED' } })
    expect(await balanceOf(buyer)).toBe(500_000)
    expectError(await payFor(buyer, reservationId), 410, 'RESERVATION_EXPIRED')
  })

  it('a payment in flight keeps its hold past expiry until the ledger answers', async () => {
    const { concertId, date, buyer, reservationId } = await heldSeat(500_000)
    const stub = stubOf(concertId)
    expect(
      (await stub.beginPayment({ arrival: arrivalOf(buyer.queueToken), userId: buyer.userId }, reservationId)).ok,
    ).toBe(true)
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec('UPDATE reservations SET expires_at = ? WHERE id = ?', Date.now() - 1, reservationId)
    })
    await runDurableObjectAlarm(stub)
    expect((await seatMap(buyer, concertId, date))[6]!.status).toBe('HELD')
    // The Worker's batch lands late and completes the sale.
    expect((await payFor(buyer, reservationId)).status).toBe(201)
    expect(await balanceOf(buyer)).toBe(400_000)
  })

  it('D1 refuses to sell one seat twice even if the object were wrong about it', async () => {
    const { concertId, date, buyer } = await heldSeat(500_000)
    const other = await newUser()
    await chargeUser(other, 500_000)
    const sale = {
      concertId,
      date,
      seatNumbers: [7],
      amount: 100_000,
      startsAt: `${date}T10:00:00.000Z`,
      sections: ['General'],
    }
    expect((await settle(env.DB, { ...sale, reservationId: crypto.randomUUID(), userId: buyer.userId })).kind).toBe(
      'paid',
    )
    expect((await settle(env.DB, { ...sale, reservationId: crypto.randomUUID(), userId: other.userId })).kind).toBe(
      'seatTaken',
    )
    expect(await balanceOf(other)).toBe(500_000)
  })
})
