import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { decode } from 'hono/jwt'
import { SNAPSHOT_MAX_AGE_MS } from '../../src/concert-client/status-polls'
import {
  activeBuyer,
  call,
  daysFromNow,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  payFor,
  seatMap,
  sleep,
  stubOf,
} from '../helpers'

const release = (buyer: { accessToken: string; queueToken: string }, concertId: string, reservationId: string) =>
  call('DELETE', `/api/concerts/${concertId}/reservations/${reservationId}`, {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
  })

describe('seat map', () => {
  it('shows all 50 seats of a date with status and price to an ACTIVE user', async () => {
    const { concertId, dates } = await newConcert()
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const seats = await seatMap(buyer, concertId, date)
    expect(seats).toHaveLength(50)
    expect(seats[0]).toEqual({ seatNumber: 1, status: 'AVAILABLE', price: 100_000, section: 'General' })
    expect(seats.map((s) => s.seatNumber)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  })

  it('is refused to a WAITING user (403 QUEUE_NOT_ACTIVE) and without credentials (401)', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    await activeBuyer(concertId)
    const waiter = await newUser()
    const { token, status } = await enterQueue(waiter, concertId)
    expect(status).toBe('WAITING')
    const path = `/api/concerts/${concertId}/dates/${dates[0]!.date}/seats`
    expectError(
      await call('GET', path, { accessToken: waiter.accessToken, queueToken: token }),
      403,
      'QUEUE_NOT_ACTIVE',
    )
    expectError(await call('GET', path, { queueToken: token }), 401)
    expectError(await call('GET', path, { accessToken: waiter.accessToken }), 401, 'QUEUE_TOKEN_INVALID')
  })

  it('a date with no show is 404, a malformed date 400', async () => {
    const { concertId } = await newConcert()
    const buyer = await activeBuyer(concertId)
    const at = (date: string) =>
      call('GET', `/api/concerts/${concertId}/dates/${date}/seats`, {
        accessToken: buyer.accessToken,
        queueToken: buyer.queueToken,
      })
    expectError(await at(daysFromNow(99)), 404, 'DATE_NOT_FOUND')
    expectError(await at('2026-02-30'), 400, 'VALIDATION_FAILED')
    expectError(await at('tomorrow'), 400, 'VALIDATION_FAILED')
  })
})

describe('holds', () => {
  it('a hold is 201 with the reservation, and the seat shows HELD to everyone', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { holdTtlSeconds: 120 } })
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const before = Date.now()
    const reply = await hold(buyer, concertId, date, 7)
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      reservationId: expect.any(String),
      concertId,
      date,
      seatNumber: 7,
      seatNumbers: [7],
      seats: [{ seatNumber: 7, section: 'General', price: 100_000 }],
      price: 100_000,
      status: 'HELD',
      expiresAt: expect.any(String),
    })
    const expiresAt = Date.parse(reply.body.expiresAt)
    expect(expiresAt).toBeGreaterThanOrEqual(before + 120_000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 120_000)
    const other = await activeBuyer(concertId)
    expect((await seatMap(other, concertId, date))[6]).toEqual({
      seatNumber: 7,
      status: 'HELD',
      price: 100_000,
      section: 'General',
    })
  })

  it('55 users race for seat 7: exactly one 201, every other 409 SEAT_UNAVAILABLE', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 60 } })
    const date = dates[0]!.date
    const buyers = await Promise.all(Array.from({ length: 55 }, () => activeBuyer(concertId)))
    const replies = await Promise.all(buyers.map((b) => hold(b, concertId, date, 7)))
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1)
    const losers = replies.filter((r) => r.status !== 201)
    expect(losers).toHaveLength(54)
    for (const r of losers) expectError(r, 409, 'SEAT_UNAVAILABLE')
  })

  it('a seat just refused is refused again by the Worker for at most SNAPSHOT_MAX_AGE_MS, then the object decides', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 10 } })
    const date = dates[0]!.date
    const [holder, late, later] = await Promise.all([
      activeBuyer(concertId),
      activeBuyer(concertId),
      activeBuyer(concertId),
    ])
    const { reservationId } = (await hold(holder, concertId, date, 5)).body
    expectError(await hold(late, concertId, date, 5), 409, 'SEAT_UNAVAILABLE')
    // Released through the object itself, as another Worker would: this Worker does not know.
    const released = await stubOf(concertId).release(
      { arrival: Number(decode(holder.queueToken).payload.arr), userId: holder.userId },
      reservationId,
    )
    expect(released.ok).toBe(true)
    expectError(await hold(later, concertId, date, 5), 409, 'SEAT_UNAVAILABLE')
    await sleep(SNAPSHOT_MAX_AGE_MS + 50)
    expect((await hold(later, concertId, date, 5)).status).toBe(201)
  })

  it('a release through this Worker ends the remembered refusal at once; a WAITING user still hears 403 from the object', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 2 } })
    const date = dates[0]!.date
    const [holder, late] = [await activeBuyer(concertId), await activeBuyer(concertId)]
    const waiter = await newUser()
    const waiting = await enterQueue(waiter, concertId)
    expect(waiting.status).toBe('WAITING')
    const { reservationId } = (await hold(holder, concertId, date, 8)).body
    expectError(await hold(late, concertId, date, 8), 409, 'SEAT_UNAVAILABLE')
    expectError(await hold({ ...waiter, queueToken: waiting.token }, concertId, date, 8), 403, 'QUEUE_NOT_ACTIVE')
    expect((await release(holder, concertId, reservationId)).status).toBe(204)
    expect((await hold(late, concertId, date, 8)).status).toBe(201)
  })

  it('one seat at a time per user: a second hold is 409 HOLD_LIMIT_REACHED', async () => {
    const { concertId, dates } = await newConcert()
    const buyer = await activeBuyer(concertId)
    expect((await hold(buyer, concertId, dates[0]!.date, 1)).status).toBe(201)
    expectError(await hold(buyer, concertId, dates[0]!.date, 2), 409, 'HOLD_LIMIT_REACHED')
  })

  it('seats past seatsPerDate are 404, outside 1..50,000 are 400, past shows are 409', async () => {
    const past = daysFromNow(-1)
    const { concertId, dates } = await newConcert({
      seatsPerDate: 10,
      dates: [
        { date: daysFromNow(9), price: 5 },
        { date: past, price: 5 },
      ],
    })
    const buyer = await activeBuyer(concertId)
    expectError(await hold(buyer, concertId, dates[0]!.date, 11), 404, 'SEAT_NOT_FOUND')
    expectError(await hold(buyer, concertId, dates[0]!.date, 51), 404, 'SEAT_NOT_FOUND')
    expectError(await hold(buyer, concertId, dates[0]!.date, 50_001), 400, 'VALIDATION_FAILED')
    expectError(await hold(buyer, concertId, dates[0]!.date, 0), 400, 'VALIDATION_FAILED')
    expectError(await hold(buyer, concertId, past, 1), 409, 'SEAT_UNAVAILABLE')
    expectError(await hold(buyer, concertId, daysFromNow(100), 1), 404, 'DATE_NOT_FOUND')
  })

  it('releasing early makes the seat AVAILABLE; releasing again is 410, someone else is 403', async () => {
    const { concertId, dates } = await newConcert()
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const other = await activeBuyer(concertId)
    const { reservationId } = (await hold(buyer, concertId, date, 3)).body
    expectError(await release(other, concertId, reservationId), 403, 'NOT_YOUR_RESERVATION')
    const reply = await release(buyer, concertId, reservationId)
    expect(reply.status).toBe(204)
    expect(reply.body).toBeNull()
    expect((await seatMap(buyer, concertId, date))[2]!.status).toBe('AVAILABLE')
    expectError(await release(buyer, concertId, reservationId), 410, 'RESERVATION_EXPIRED')
    expectError(await release(buyer, concertId, crypto.randomUUID()), 404, 'RESERVATION_NOT_FOUND')
    // The freed seat is holdable again, and the hold limit counts it as gone.
    expect((await hold(other, concertId, date, 3)).status).toBe(201)
    expect((await hold(buyer, concertId, date, 4)).status).toBe(201)
  })

  it('a hold expires in real time with no request: the alarm frees the seat, paying then is 410', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { holdTtlSeconds: 1 } })
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId, 200_000)
    const { reservationId } = (await hold(buyer, concertId, date, 9)).body
    await sleep(2_000)
    const seat = await runInDurableObject(stubOf(concertId), (_, state) =>
      state.storage.sql.exec('SELECT reservation_id, sold FROM seats WHERE date = ? AND seat_number = 9', date).one(),
    )
    expect(seat).toEqual({ reservation_id: null, sold: 0 })
    expectError(await payFor(buyer, reservationId), 410, 'RESERVATION_EXPIRED')
    const balance = await call('GET', '/api/users/me/balance', { accessToken: buyer.accessToken })
    expect(balance.body.balance).toBe(200_000)
    expect((await seatMap(buyer, concertId, date))[8]!.status).toBe('AVAILABLE')
  })

  it('runDurableObjectAlarm releases a hold whose time has passed (alarm handler alone), idempotently', async () => {
    const { concertId, dates } = await newConcert()
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const { reservationId } = (await hold(buyer, concertId, date, 5)).body
    const stub = stubOf(concertId)
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec('UPDATE reservations SET expires_at = ? WHERE id = ?', Date.now() - 1, reservationId)
    })
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const read = () =>
      runInDurableObject(stub, (_, state) => ({
        seat: state.storage.sql.exec('SELECT reservation_id FROM seats WHERE date = ? AND seat_number = 5', date).one(),
        state: state.storage.sql.exec('SELECT state FROM reservations WHERE id = ?', reservationId).one(),
      }))
    expect(await read()).toEqual({ seat: { reservation_id: null }, state: { state: 'EXPIRED' } })
    await runDurableObjectAlarm(stub)
    expect(await read()).toEqual({ seat: { reservation_id: null }, state: { state: 'EXPIRED' } })
  })
})
