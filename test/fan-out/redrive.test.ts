// The dead letters (docs/events.md, "Dead letters"): sale events the platform refused on every
// attempt are kept in D1, listed to an operator and sent again, against the stand-in platform
// over real HTTP. A redrive deletes only what the queue took, so a refused send keeps the rest,
// and two redrives at once lose nothing (the platform drops the duplicate by eventId).
import { createMessageBatch } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { keepDeadLetters, redrive } from '../../src/events/dead-letters'
import { DEAD_LETTER_QUEUE, handleSaleEvents } from '../../src/events/delivery'
import type { SaleEvent } from '../../src/events/sale-event'
import { ApiError } from '../../src/errors'
import {
  ADMIN_TOKEN,
  call,
  enterQueue,
  expectError,
  newConcert,
  newUser,
  platformMode,
  received,
  until,
} from '../helpers'

const UNDELIVERED = '/api/admin/events/undelivered'
const REDRIVE = '/api/admin/events/redrive'

const keptFor = async (concertId: string) =>
  (
    await env.DB.prepare('SELECT COUNT(*) AS n FROM undelivered_events WHERE concert_id = ?')
      .bind(concertId)
      .first<{ n: number }>()
  )?.n ?? 0

const eventOf = (concertId: string, n: number): SaleEvent => ({
  eventId: crypto.randomUUID(),
  type: 'token.issued',
  concertId,
  userId: `u${n}`,
  arrival: n,
  at: new Date().toISOString(),
})

/** `count` dead letters of a concert of their own, kept by the dead-letter queue's consumer as the runtime hands them over. */
async function deadLetters(count: number) {
  const concertId = crypto.randomUUID()
  const events = Array.from({ length: count }, (_, n) => eventOf(concertId, n + 1))
  const batch = createMessageBatch<SaleEvent>(
    DEAD_LETTER_QUEUE,
    events.map((body, i) => ({ id: `d${i}`, timestamp: Date.now(), attempts: 1, body })),
  )
  await handleSaleEvents(batch, env)
  expect(await keptFor(concertId)).toBe(count)
  return { concertId, eventIds: events.map((e) => e.eventId).sort() }
}

/** Every event of the concert arrived at the platform, each once after dedupe, and none is kept any more. */
async function allDelivered(concertId: string, eventIds: string[]) {
  const r = await until(`${eventIds.length} events delivered`, async () => {
    const now = await received(concertId)
    return now.events.length === eventIds.length && now
  })
  expect(r.events.map((e) => e.eventId).sort()).toEqual(eventIds)
  expect(await keptFor(concertId)).toBe(0)
  return r
}

describe('dead letters', () => {
  it('events the platform refused on every attempt are kept, listed, sent again once it is back, and then gone', async () => {
    const { concertId } = await newConcert()
    await platformMode(concertId, 'down')
    await Promise.all(Array.from({ length: 3 }, async () => enterQueue(await newUser(), concertId)))
    const { written } = (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body
      .events
    expect(written).toBe(6) // token.issued and token.admitted of each
    // Through the real queue: 1 + max_retries (5 in the tests) refused attempts each, then the dead-letter queue.
    await until('every event dead-lettered', async () => (await keptFor(concertId)) === written)
    expect((await received(concertId)).failed).toBe(written * 6)

    const listed = await call('GET', UNDELIVERED, { accessToken: ADMIN_TOKEN })
    expect(listed.status).toBe(200)
    expect(listed.headers.get('cache-control')).toBe('no-store')
    expect(listed.body.count).toBeGreaterThanOrEqual(written)
    const mine = listed.body.events.filter((e: { concertId: string }) => e.concertId === concertId)
    expect(mine).toHaveLength(written)
    expect(mine[0]).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: expect.stringMatching(/^token\.(issued|admitted)$/),
      concertId,
      attempts: 6, // 1 + max_retries: the dead-letter queue's own count starts again at 1
      failedAt: expect.any(String),
      event: expect.objectContaining({ eventId: mine[0].eventId, concertId, userId: expect.any(String) }),
    })

    await platformMode(concertId, 'ok')
    const redriven = await call('POST', REDRIVE, { accessToken: ADMIN_TOKEN })
    expect(redriven.status).toBe(202)
    expect(redriven.body.requeued).toBeGreaterThanOrEqual(written)
    const r = await allDelivered(concertId, mine.map((e: { eventId: string }) => e.eventId).sort())
    expect(r.duplicates).toBe(0)
    const after = await call('GET', UNDELIVERED, { accessToken: ADMIN_TOKEN })
    expect(after.body.events.some((e: { concertId: string }) => e.concertId === concertId)).toBe(false)
  })

  it('lists the oldest first (by failedAt, then eventId), at most 100, with the count of all', async () => {
    const concertId = crypto.randomUUID()
    const events = Array.from({ length: 120 }, (_, n) => eventOf(concertId, n))
    const asMessages = (slice: SaleEvent[]) =>
      slice.map((body) => ({ body, attempts: 1 }) as unknown as Message<SaleEvent>)
    await keepDeadLetters(env.DB, asMessages(events.slice(0, 60)), '2026-12-01T00:00:02.000Z', 101)
    await keepDeadLetters(env.DB, asMessages(events.slice(60)), '2026-12-01T00:00:01.000Z', 101)
    const { body } = await call('GET', UNDELIVERED, { accessToken: ADMIN_TOKEN })
    expect(body.count).toBeGreaterThanOrEqual(120)
    expect(body.events).toHaveLength(100)
    const order = body.events.map((e: { failedAt: string; eventId: string }) => `${e.failedAt} ${e.eventId}`)
    expect(order).toEqual([...order].sort())
    const mine = body.events.filter((e: { concertId: string }) => e.concertId === concertId)
    // The 60 kept a second earlier come first; of the later 60, the 40 smallest eventIds fill the page.
    expect(mine.slice(0, 60).map((e: { eventId: string }) => e.eventId)).toEqual(
      events
        .slice(60)
        .map((e) => e.eventId)
        .sort(),
    )
    await call('POST', REDRIVE, { accessToken: ADMIN_TOKEN })
    await allDelivered(concertId, events.map((e) => e.eventId).sort())
  })

  it('refuses anyone but the admin (401, 403) and changes nothing', async () => {
    const { concertId } = await deadLetters(3)
    const user = await newUser()
    for (const [method, path] of [
      ['GET', UNDELIVERED],
      ['POST', REDRIVE],
    ] as const) {
      expectError(await call(method, path), 401, 'UNAUTHORIZED')
      expectError(await call(method, path, { accessToken: user.accessToken }), 403, 'FORBIDDEN')
      const wrong = await call(method, path, { accessToken: 'not-the-admin-token' })
      expect([401, 403]).toContain(wrong.status)
    }
    await new Promise((r) => setTimeout(r, 1_500)) // a queue batch's wait: anything sent would have arrived
    expect(await keptFor(concertId)).toBe(3)
    expect((await received(concertId)).requests).toBe(0)
    await call('POST', REDRIVE, { accessToken: ADMIN_TOKEN })
  })

  it('sends more than a batch in chunks of 100, every one once', async () => {
    const { concertId, eventIds } = await deadLetters(250)
    const sizes: number[] = []
    const counting = {
      ...env,
      SALE_EVENTS: {
        send: env.SALE_EVENTS.send.bind(env.SALE_EVENTS),
        sendBatch: (messages: MessageSendRequest<SaleEvent>[]) => {
          sizes.push(messages.length)
          return env.SALE_EVENTS.sendBatch(messages)
        },
      } as unknown as Queue<SaleEvent>,
    }
    expect(await redrive(counting)).toBeGreaterThanOrEqual(250)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100)
    const r = await allDelivered(concertId, eventIds)
    expect(r.duplicates).toBe(0)
  })

  it('a send the queue refuses keeps what it did not send: 503 TRY_AGAIN, and nothing is lost', async () => {
    const { concertId, eventIds } = await deadLetters(150)
    /** The env a redrive sees, with the queue refusing its n-th sendBatch (counted from 1). */
    const refusing = (n: number) => {
      let sends = 0
      return {
        ...env,
        SALE_EVENTS: {
          send: env.SALE_EVENTS.send.bind(env.SALE_EVENTS),
          sendBatch: async (messages: MessageSendRequest<SaleEvent>[]) => {
            if (++sends === n) throw new Error('Queue sendBatch failed: injected')
            return env.SALE_EVENTS.sendBatch(messages)
          },
        } as unknown as Queue<SaleEvent>,
      }
    }
    const refused = await redrive(refusing(1)).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(ApiError)
    expect(refused).toMatchObject({ code: 'TRY_AGAIN', status: 503, headers: { 'Retry-After': '5' } })
    expect(await keptFor(concertId)).toBe(150)

    // The first hundred go, the second send is refused: the other fifty stay.
    const halfway = await redrive(refusing(2)).catch((err: unknown) => err)
    expect(halfway).toMatchObject({ code: 'TRY_AGAIN' })
    expect(await keptFor(concertId)).toBe(50)
    await until('the first hundred delivered', async () => (await received(concertId)).events.length === 100)

    const rest = await call('POST', REDRIVE, { accessToken: ADMIN_TOKEN })
    expect(rest.status).toBe(202)
    expect(rest.body.requeued).toBeGreaterThanOrEqual(50)
    const r = await allDelivered(concertId, eventIds)
    expect(r.duplicates).toBe(0)
  })

  it('two redrives racing both answer 202, and every event arrives, none lost', async () => {
    const { concertId, eventIds } = await deadLetters(250)
    const replies = await Promise.all([
      call('POST', REDRIVE, { accessToken: ADMIN_TOKEN }),
      call('POST', REDRIVE, { accessToken: ADMIN_TOKEN }),
    ])
    expect(replies.map((r) => r.status)).toEqual([202, 202])
    // Each sent what it read before the other deleted it: together at least every event, at most each twice.
    const requeued = replies.reduce((sum, r) => sum + (r.body.requeued as number), 0)
    expect(requeued).toBeGreaterThanOrEqual(250)
    const r = await allDelivered(concertId, eventIds)
    // Whatever both sent reached the platform twice and was dropped there by eventId.
    await until('every send seen', async () => (await received(concertId)).requests >= r.events.length)
    expect(new Set(r.events.map((e) => e.eventId)).size).toBe(250)
  })
  it('two redrives that read the same rows both send them: the platform gets those twice and keeps each once', async () => {
    const { concertId, eventIds } = await deadLetters(150)
    // Each redrive's first send waits until the other has read too: both hold the same first page.
    let arrived = 0
    let bothRead!: () => void
    const barrier = new Promise<void>((resolve) => (bothRead = resolve))
    const meeting = () => {
      let first = true
      return {
        ...env,
        SALE_EVENTS: {
          send: env.SALE_EVENTS.send.bind(env.SALE_EVENTS),
          sendBatch: async (messages: MessageSendRequest<SaleEvent>[]) => {
            if (first) {
              first = false
              if (++arrived === 2) bothRead()
              await barrier
            }
            return env.SALE_EVENTS.sendBatch(messages)
          },
        } as unknown as Queue<SaleEvent>,
      }
    }
    const [a, b] = await Promise.all([redrive(meeting()), redrive(meeting())])
    expect(a + b).toBeGreaterThanOrEqual(250) // the first 100 twice, the last 50 at least once
    const r = await allDelivered(concertId, eventIds)
    const settled = await until('every send seen', async () => {
      const now = await received(concertId)
      return now.requests === a + b && now
    })
    expect(settled.duplicates).toBe(a + b - 150)
    expect(r.events).toHaveLength(150)
  })
})
