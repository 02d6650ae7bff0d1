import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { DEAD_LETTER_QUEUE, handleSaleEvents, SALE_EVENTS_QUEUE } from '../../src/events/delivery'
import type { SaleEvent } from '../../src/events/sale-event'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  enterQueue,
  hold,
  newConcert,
  newUser,
  payFor,
  platformMode,
  received,
  stubOf,
  until,
} from '../helpers'

const setMode = platformMode

/** One buyer pays seat 4, after holding and releasing seat 3; a second user waits and is admitted. */
async function sale(concertId: string, date: string) {
  const buyer = await activeBuyer(concertId, 200_000)
  const waiter = await newUser()
  await enterQueue(waiter, concertId)
  const first = await hold(buyer, concertId, date, 3)
  await call('DELETE', `/api/concerts/${concertId}/reservations/${first.body.reservationId}`, {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
  })
  const second = await hold(buyer, concertId, date, 4)
  const paid = await payFor(buyer, second.body.reservationId)
  expect(paid.status).toBe(201)
  return { buyer, waiter, paid: paid.body }
}

describe('sale events', () => {
  it('every change of a sale reaches the data platform once, with its concert, user, seat and time', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const date = dates[0]!.date
    const { buyer, waiter, paid } = await sale(concertId, date)

    const { events } = await until('nine events', async () => {
      const r = await received(concertId)
      return r.events.length >= 9 && r
    })
    const inOrder = [...events].sort((a, b) => a.at.localeCompare(b.at))
    expect(new Set(inOrder.map((e) => e.type))).toEqual(
      new Set(['token.issued', 'token.admitted', 'seat.held', 'seat.released', 'seat.paid', 'token.expired']),
    )
    expect(events).toHaveLength(9)
    expect(
      events
        .filter((e) => e.userId === waiter.userId)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['token.admitted', 'token.issued'])
    expect(events.find((e) => e.type === 'seat.paid')).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'seat.paid',
      concertId,
      userId: buyer.userId,
      arrival: 1,
      at: expect.any(String),
      reservationId: paid.reservationId,
      date,
      seatNumber: 4,
      seatNumbers: [4],
      price: 100_000,
      paymentId: paid.paymentId,
    })
    expect(events.find((e) => e.type === 'token.expired')).toMatchObject({ userId: buyer.userId, reason: 'PAID' })
    // Written in the change's transaction and relayed: the outbox is empty again.
    await until('an empty outbox', () =>
      runInDurableObject(
        stubOf(concertId),
        (_, s) => s.storage.sql.exec('SELECT COUNT(*) AS n FROM outbox').one().n === 0,
      ),
    )
    // Operators see how many were written: as many as the platform gets.
    const { events: counted } = (
      await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
    ).body
    expect(counted).toEqual({ written: expect.any(Number), unsent: 0 })
    expect(counted.written).toBeGreaterThanOrEqual(6)
    await until(
      'every event written delivered',
      async () => (await received(concertId)).events.length === counted.written,
    )
  })

  it('a hold that runs out is a seat.expired event, with no request', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { holdTtlSeconds: 1 } })
    const buyer = await activeBuyer(concertId)
    const held = await hold(buyer, concertId, dates[0]!.date, 8)
    const expired = await until('seat.expired', async () =>
      (await received(concertId)).events.find((e) => e.type === 'seat.expired'),
    )
    expect(expired).toMatchObject({ reservationId: held.body.reservationId, seatNumber: 8, userId: buyer.userId })
  })

  it('the sale does not wait for the platform: with it down, payments still succeed, and the events arrive once it is back', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    await setMode(concertId, 'down')
    const { paid } = await sale(concertId, dates[0]!.date)
    expect(paid.status).toBe('PAID')
    await until('refused deliveries', async () => (await received(concertId)).failed >= 9)
    expect((await received(concertId)).events).toEqual([])
    await setMode(concertId, 'ok')
    const back = await until('all nine events', async () => {
      const r = await received(concertId)
      return r.events.length === 9 && r
    })
    expect(back.events.filter((e) => e.type === 'seat.paid')).toHaveLength(1)
  })

  it('with a platform failing half its requests, every paid reservation arrives exactly once after dedupe', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 10 } })
    const date = dates[0]!.date
    await setMode(concertId, 'flaky')
    const buyers = await Promise.all(Array.from({ length: 8 }, () => activeBuyer(concertId, 100_000)))
    const payments = await Promise.all(
      buyers.map(async (b, i) => {
        const held = await hold(b, concertId, date, i + 1)
        const paid = await payFor(b, held.body.reservationId)
        expect(paid.status).toBe(201)
        return paid.body.reservationId as string
      }),
    )
    const r = await until('eight seat.paid events', async () => {
      const now = await received(concertId)
      return now.events.filter((e) => e.type === 'seat.paid').length === 8 && now.events.length === 8 * 5 && now
    })
    expect(
      r.events
        .filter((e) => e.type === 'seat.paid')
        .map((e) => e.reservationId)
        .sort(),
    ).toEqual([...payments].sort())
    // Half of the requests failed; some of those had been stored, so their retries were duplicates, dropped by eventId.
    expect(r.failed * 2).toBe(r.requests)
    expect(r.duplicates).toBeGreaterThan(0)
    expect(new Set(r.events.map((e) => e.eventId)).size).toBe(r.events.length)
  })

  it('after max_retries an event goes to the dead-letter queue, kept in D1', async () => {
    const { concertId } = await newConcert()
    await setMode(concertId, 'down')
    const user = await newUser()
    await enterQueue(user, concertId)
    // token.issued and token.admitted: 1 + max_retries (5 in the tests, vitest.config.ts) attempts each, then dead-lettered.
    const dead = await until('two dead letters', async () => {
      const rows = await env.DB.prepare(
        'SELECT event_id, type, attempts, event FROM undelivered_events WHERE concert_id = ?',
      )
        .bind(concertId)
        .all()
      return rows.results.length === 2 && rows.results
    })
    expect(dead.map((d) => d.type).sort()).toEqual(['token.admitted', 'token.issued'])
    expect((await received(concertId)).failed).toBe(12)
    expect(JSON.parse(dead[0]!.event as string)).toMatchObject({ concertId, userId: user.userId })
  })
})

describe('delivery', () => {
  const event = (n: number): SaleEvent => ({
    eventId: crypto.randomUUID(),
    type: 'token.issued',
    concertId: 'c',
    userId: `u${n}`,
    arrival: n,
    at: new Date().toISOString(),
  })

  it('retries what the platform refused, with the backoff delay for each attempt', async () => {
    const { concertId } = await newConcert()
    await setMode(concertId, 'down')
    // Messages as the runtime hands them over, recording what the handler asks of them
    // (getQueueResult does not report retry delays).
    const messages = [1, 3].map((attempts) => ({
      id: `m${attempts}`,
      timestamp: new Date(),
      attempts,
      body: { ...event(attempts), concertId },
      ack: vi.fn(),
      retry: vi.fn(),
    }))
    const batch = {
      queue: SALE_EVENTS_QUEUE,
      messages,
      ackAll: vi.fn(),
      retryAll: vi.fn(),
    } as unknown as MessageBatch<SaleEvent>
    await handleSaleEvents(batch, { ...env, EVENT_RETRY_BASE_SECONDS: '2' })
    expect(messages.map((m) => m.retry.mock.calls)).toEqual([[[{ delaySeconds: 2 }]], [[{ delaySeconds: 8 }]]])
    expect(messages.map((m) => m.ack.mock.calls.length)).toEqual([0, 0])
  })

  it('a batch whose D1 writes fail is retried on the backoff schedule, not at once, and nothing is delivered', async () => {
    const { concertId } = await newConcert()
    const transfer: SaleEvent = {
      ...event(1),
      concertId,
      type: 'ticket.checked_in',
      ticketId: crypto.randomUUID(),
    }
    const messages = [4, 2].map((attempts) => ({
      id: `m${attempts}`,
      timestamp: new Date(),
      attempts,
      body: attempts === 4 ? transfer : { ...event(attempts), concertId },
      ack: vi.fn(),
      retry: vi.fn(),
    }))
    const batch = { queue: SALE_EVENTS_QUEUE, messages, ackAll: vi.fn(), retryAll: vi.fn() }
    const failingDb = {
      ...env.DB,
      prepare: env.DB.prepare.bind(env.DB),
      batch: () => Promise.reject(new Error('D1 is unavailable (injected)')),
    } as unknown as D1Database
    await handleSaleEvents(batch as unknown as MessageBatch<SaleEvent>, {
      ...env,
      DB: failingDb,
      EVENT_RETRY_BASE_SECONDS: '2',
    })
    // The batch's least-tried message sets the delay: its 2nd attempt failed, 4 s.
    expect(batch.retryAll.mock.calls).toEqual([[{ delaySeconds: 4 }]])
    expect(messages.map((m) => m.ack.mock.calls.length + m.retry.mock.calls.length)).toEqual([0, 0])
    expect((await received(concertId)).requests).toBe(0)
  })

  it('with no DATA_PLATFORM_URL, acknowledges every event to the log only', async () => {
    const batch = createMessageBatch<SaleEvent>(SALE_EVENTS_QUEUE, [
      { id: 'm1', timestamp: Date.now(), attempts: 1, body: event(1) },
      { id: 'm2', timestamp: Date.now(), attempts: 1, body: event(2) },
    ])
    const ctx = createExecutionContext()
    await handleSaleEvents(batch, { ...env, DATA_PLATFORM_URL: '' })
    const result = await getQueueResult(batch, ctx)
    expect(result.ackAll).toBe(true)
    expect(result.retryBatch.retry).toBe(false)
    expect(result.retryMessages).toEqual([])
  })

  it('a dead letter delivered twice is kept once', async () => {
    const body = event(7)
    for (let i = 0; i < 2; i++) {
      const batch = createMessageBatch<SaleEvent>(DEAD_LETTER_QUEUE, [
        { id: `d${i}`, timestamp: Date.now(), attempts: 6, body },
      ])
      await handleSaleEvents(batch, env)
    }
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM undelivered_events WHERE event_id = ?')
      .bind(body.eventId)
      .first<{ n: number }>()
    expect(rows?.n).toBe(1)
  })

  it('a relay that crashes after the send sends again: the alarm publishes what is still in the outbox', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    await enterQueue(user, concertId)
    const stub = stubOf(concertId)
    await until('relayed', async () => (await received(concertId)).events.length === 2)
    // As if the object died after the send and before deleting: the same rows are back.
    const again = (await received(concertId)).events
    await runInDurableObject(stub, (_, s) => {
      for (const e of again) s.storage.sql.exec('INSERT INTO outbox (event) VALUES (?)', JSON.stringify(e))
    })
    await runInDurableObject(
      stub,
      (instance) => ((instance as unknown as { room: { outbox: { due: number } } }).room.outbox.due = Date.now()),
    )
    await runDurableObjectAlarm(stub)
    const after = await until('duplicates seen', async () => {
      const r = await received(concertId)
      return r.duplicates === 2 && r
    })
    expect(after.events).toHaveLength(2)
  })
})
