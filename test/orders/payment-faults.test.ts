import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { pay } from '../../src/concert-client/checkout'
import { refund } from '../../src/concert-client/refund-order'
import type { ConcertObject } from '../../src/concert'
import { PAYMENT_GRACE_MS } from '../../src/shared/policy'
import { activeBuyer, arrivalOf, balanceOf, call, holdOrder, newConcert, stubOf } from '../helpers'

// Fault injection between the Worker, the concert object and D1 in the payment path. Every
// call the payment makes to either store goes through a wrapper that can fail the n-th one,
// before it happens (the request never arrived) or after (it happened, the answer was lost).
// For every step and both kinds, the outcome is a whole sale or no sale and no debit, and the
// recovery path (the client's retry, or the object's alarm with no retry) finishes it.

type When = 'before' | 'after'

class InjectedFault extends Error {}

/** The env the payment sees, with the n-th call to D1 or the concert object failing. */
function faultyEnv(failAt: number, when: When) {
  const calls: string[] = []
  async function trip<T>(name: string, op: () => Promise<T>): Promise<T> {
    calls.push(name)
    const mine = calls.length === failAt
    if (mine && when === 'before') throw new InjectedFault(`${name} failed before it ran`)
    const result = await op()
    if (mine && when === 'after') throw new InjectedFault(`${name} ran, its answer was lost`)
    return result
  }

  const real = new WeakMap<object, D1PreparedStatement>()
  const statement = (s: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => statement(s.bind(...values)),
      first: (column?: string) => trip('D1 first', () => (column ? s.first(column) : s.first())),
      all: () => trip('D1 all', () => s.all()),
      raw: (options?: { columnNames?: boolean }) => trip('D1 raw', () => s.raw(options as { columnNames: true })),
      run: () => trip('D1 run', () => s.run()),
    } as unknown as D1PreparedStatement
    real.set(wrapped, s)
    return wrapped
  }
  const DB = {
    prepare: (query: string) => statement(env.DB.prepare(query)),
    batch: (statements: D1PreparedStatement[]) =>
      trip('D1 batch', () => env.DB.batch(statements.map((s) => real.get(s) ?? s))),
  } as unknown as D1Database
  const CONCERT = {
    idFromName: (name: string) => env.CONCERT.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = env.CONCERT.get(id) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
      return new Proxy(stub, {
        get:
          (target, method: string) =>
          (...args: unknown[]) =>
            trip(`object.${method}`, () => target[method]!(...args)),
      })
    },
  } as unknown as DurableObjectNamespace<ConcertObject>
  return { env: { ...env, DB, CONCERT }, calls }
}

/**
 * Pays through the fault: it either fails with the injected error (drizzle wraps D1's as the
 * cause) or, when the payment's own recovery absorbed it (a lost batch answer is found by
 * reading D1 back), succeeds.
 */
async function payThroughFault(faulty: Env, request: Parameters<typeof pay>[1]) {
  try {
    await pay(faulty, request)
  } catch (err) {
    const injected = err instanceof InjectedFault || (err as Error).cause instanceof InjectedFault
    if (!injected) throw err
  }
}

async function ledgerFor(reservationId: string) {
  return env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM payments WHERE reservation_id = ?1) AS payments,
            (SELECT COUNT(*) FROM bookings b JOIN payments p ON p.id = b.payment_id WHERE p.reservation_id = ?1) AS bookings`,
  )
    .bind(reservationId)
    .first<{ payments: number; bookings: number }>()
}

async function objectSide(concertId: string, reservationId: string) {
  return runInDurableObject(stubOf(concertId), (_, state) => ({
    reservation: state.storage.sql
      .exec<{ state: string }>('SELECT state FROM reservations WHERE id = ?', reservationId)
      .one().state,
    sold: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM seats WHERE sold = 1').one().n,
  }))
}

// Every case pays for, or refunds, an order of two seats: all of it moves, or none.
const SEATS = [7, 8]
const PRICE = 100_000 * SEATS.length
const BALANCE = 250_000

async function heldOrder() {
  const { concertId, dates } = await newConcert()
  const buyer = await activeBuyer(concertId, BALANCE)
  const held = await holdOrder(buyer, concertId, dates[0]!.date, SEATS)
  expect(held.status).toBe(201)
  const request = {
    concertId,
    userId: buyer.userId,
    place: { arrival: arrivalOf(buyer.queueToken), userId: buyer.userId },
    reservationId: held.body.reservationId as string,
    idempotencyKey: `pay-${crypto.randomUUID()}`,
  }
  return { concertId, buyer, request }
}

/** Whole sale or none: the money and the booking move together, and only once. */
async function expectAllOrNothing(reservationId: string, accessToken: string) {
  const ledger = await ledgerFor(reservationId)
  const balance = await balanceOf({ accessToken })
  if (ledger?.payments === 1) {
    expect({ ...ledger, balance }).toEqual({ payments: 1, bookings: SEATS.length, balance: BALANCE - PRICE })
    return 'sold'
  }
  expect({ ...ledger, balance }).toEqual({ payments: 0, bookings: 0, balance: BALANCE })
  return 'unsold'
}

// The calls of a payment that goes well: the object (begin), the D1 batch, the object (complete).
const { env: counting, calls: happyPath } = faultyEnv(Number.POSITIVE_INFINITY, 'before')

describe('payment under injected faults', () => {
  it('the happy path makes three calls, which the cases below fail one at a time', async () => {
    const { request, buyer } = await heldOrder()
    await pay(counting, request)
    expect(happyPath).toEqual(['object.beginPayment', 'D1 batch', 'object.completePayment'])
    expect(await expectAllOrNothing(request.reservationId, buyer.accessToken)).toBe('sold')
  })

  for (let n = 1; n <= 3; n++) {
    for (const when of ['before', 'after'] as const) {
      it(`call ${n} fails ${when} it runs: all or nothing, then the client's retry completes the sale once`, async () => {
        const { concertId, buyer, request } = await heldOrder()
        const { env: faulty, calls } = faultyEnv(n, when)
        await payThroughFault(faulty, request)
        expect(calls.length).toBeGreaterThanOrEqual(n)
        await expectAllOrNothing(request.reservationId, buyer.accessToken)

        // The client retries with its Idempotency-Key: one payment, one debit, seat SOLD.
        const retry = await call('POST', '/api/payments', {
          accessToken: buyer.accessToken,
          queueToken: buyer.queueToken,
          body: { reservationId: request.reservationId },
          headers: { 'idempotency-key': request.idempotencyKey },
        })
        expect(retry.status, JSON.stringify(retry.body)).toBe(201)
        expect(await expectAllOrNothing(request.reservationId, buyer.accessToken)).toBe('sold')
        expect(await objectSide(concertId, request.reservationId)).toEqual({ reservation: 'PAID', sold: SEATS.length })
      })

      it(`call ${n} fails ${when} it runs and nobody retries: the alarm finishes or undoes it`, async () => {
        const { concertId, buyer, request } = await heldOrder()
        const { env: faulty, calls } = faultyEnv(n, when)
        await payThroughFault(faulty, request)
        expect(calls.length).toBeGreaterThanOrEqual(n)
        const outcome = await expectAllOrNothing(request.reservationId, buyer.accessToken)

        // Long after: the payment's grace and the hold have both run out.
        const stub = stubOf(concertId)
        await runInDurableObject(stub, (_, state) => {
          state.storage.sql.exec(
            'UPDATE reservations SET paying_since = CASE WHEN paying_since IS NULL THEN NULL ELSE ? END, expires_at = ? WHERE id = ?',
            Date.now() - PAYMENT_GRACE_MS - 1,
            Date.now() - 1,
            request.reservationId,
          )
        })
        await runDurableObjectAlarm(stub)
        const side = await objectSide(concertId, request.reservationId)
        if (outcome === 'sold') expect(side).toEqual({ reservation: 'PAID', sold: SEATS.length })
        else expect(side).toEqual({ reservation: 'EXPIRED', sold: 0 })
        // And D1 agrees with the object, still all or nothing.
        expect(await expectAllOrNothing(request.reservationId, buyer.accessToken)).toBe(outcome)
      })
    }
  }
})

// The same faults in a refund: its calls are the ledger's read of the payment, the object
// (finish the payment, begin the refund), the D1 batch, the object (complete). Whatever fails,
// the seats are never on sale without the refund, nor the refund made with the seats still sold.

async function paidOrder() {
  const { concertId, buyer, request } = await heldOrder()
  expect(
    (
      await call('POST', '/api/payments', {
        accessToken: buyer.accessToken,
        queueToken: buyer.queueToken,
        body: { reservationId: request.reservationId },
      })
    ).status,
  ).toBe(201)
  const refundRequest = {
    userId: buyer.userId,
    reservationId: request.reservationId,
    idempotencyKey: `refund-${crypto.randomUUID()}`,
  }
  return { concertId, buyer, refundRequest }
}

async function refundThroughFault(faulty: Env, request: Parameters<typeof refund>[1]) {
  try {
    await refund(faulty, request)
  } catch (err) {
    const injected = err instanceof InjectedFault || (err as Error).cause instanceof InjectedFault
    if (!injected) throw err
  }
}

/** Refunded or not, whole: the credit, the refund row and the bookings move together, and only once. */
async function expectRefundAllOrNothing(reservationId: string, accessToken: string) {
  const ledger = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM refunds WHERE reservation_id = ?1) AS refunds,
            (SELECT COUNT(*) FROM bookings b JOIN payments p ON p.id = b.payment_id WHERE p.reservation_id = ?1) AS bookings`,
  )
    .bind(reservationId)
    .first<{ refunds: number; bookings: number }>()
  const balance = await balanceOf({ accessToken })
  if (ledger?.refunds === 1) {
    expect({ ...ledger, balance }).toEqual({ refunds: 1, bookings: 0, balance: BALANCE })
    return 'refunded'
  }
  expect({ ...ledger, balance }).toEqual({ refunds: 0, bookings: SEATS.length, balance: BALANCE - PRICE })
  return 'paid'
}

const REFUNDED = { reservation: 'REFUNDED', sold: 0 }
const STILL_PAID = { reservation: 'PAID', sold: SEATS.length }

const { env: countingRefund, calls: refundPath } = faultyEnv(Number.POSITIVE_INFINITY, 'before')

describe('refund under injected faults', () => {
  it('the happy path makes five calls, which the cases below fail one at a time', async () => {
    const { concertId, buyer, refundRequest } = await paidOrder()
    await refund(countingRefund, refundRequest)
    expect(refundPath).toEqual([
      'D1 raw',
      'object.completePayment',
      'object.beginRefund',
      'D1 batch',
      'object.completeRefund',
    ])
    expect(await expectRefundAllOrNothing(refundRequest.reservationId, buyer.accessToken)).toBe('refunded')
    expect(await objectSide(concertId, refundRequest.reservationId)).toEqual(REFUNDED)
  })

  it('a payment whose last step was lost (the object still says PAYING) is finished first, then refunded', async () => {
    const { concertId, buyer, request } = await heldOrder()
    await payThroughFault(faultyEnv(3, 'before').env, request)
    expect(await objectSide(concertId, request.reservationId)).toEqual({ reservation: 'PAYING', sold: 0 })
    const reply = await call('POST', `/api/users/me/reservations/${request.reservationId}/refund`, {
      accessToken: buyer.accessToken,
    })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    expect(await expectRefundAllOrNothing(request.reservationId, buyer.accessToken)).toBe('refunded')
    expect(await objectSide(concertId, request.reservationId)).toEqual(REFUNDED)
  })

  for (let n = 1; n <= 5; n++) {
    for (const when of ['before', 'after'] as const) {
      it(`call ${n} fails ${when} it runs: all or nothing, then the client's retry refunds once`, async () => {
        const { concertId, buyer, refundRequest } = await paidOrder()
        const { env: faulty, calls } = faultyEnv(n, when)
        await refundThroughFault(faulty, refundRequest)
        expect(calls.length).toBeGreaterThanOrEqual(n)
        await expectRefundAllOrNothing(refundRequest.reservationId, buyer.accessToken)

        const retry = await call('POST', `/api/users/me/reservations/${refundRequest.reservationId}/refund`, {
          accessToken: buyer.accessToken,
          headers: { 'idempotency-key': refundRequest.idempotencyKey },
        })
        expect(retry.status, JSON.stringify(retry.body)).toBe(201)
        expect(await expectRefundAllOrNothing(refundRequest.reservationId, buyer.accessToken)).toBe('refunded')
        expect(await objectSide(concertId, refundRequest.reservationId)).toEqual(REFUNDED)
      })

      it(`call ${n} fails ${when} it runs and nobody retries: the alarm finishes or undoes it`, async () => {
        const { concertId, buyer, refundRequest } = await paidOrder()
        const { env: faulty } = faultyEnv(n, when)
        await refundThroughFault(faulty, refundRequest)
        const outcome = await expectRefundAllOrNothing(refundRequest.reservationId, buyer.accessToken)

        // Long after: the refund's grace has run out.
        const stub = stubOf(concertId)
        await runInDurableObject(stub, (_, state) => {
          state.storage.sql.exec(
            'UPDATE reservations SET refunding_since = CASE WHEN refunding_since IS NULL THEN NULL ELSE ? END WHERE id = ?',
            Date.now() - PAYMENT_GRACE_MS - 1,
            refundRequest.reservationId,
          )
        })
        await runDurableObjectAlarm(stub)
        expect(await objectSide(concertId, refundRequest.reservationId)).toEqual(
          outcome === 'refunded' ? REFUNDED : STILL_PAID,
        )
        expect(await expectRefundAllOrNothing(refundRequest.reservationId, buyer.accessToken)).toBe(outcome)
      })
    }
  }
})
