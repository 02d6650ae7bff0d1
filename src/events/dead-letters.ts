import { asc, count, inArray, lte } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { ApiError } from '../errors'
import type { SaleEvent } from './sale-event'

// Sale events the data platform did not take after every retry (docs/events.md, "Dead letters"):
// the dead-letter queue's consumer keeps each in D1, an operator lists them and sends them
// again. A row is deleted only after the queue took its event, so a crash or a refused send
// keeps it; two redrives racing may both send an event, which the platform drops by its
// eventId (the Idempotency-Key).

/** Mirrors migrations/0002_undelivered_events.sql. */
export const undeliveredEvents = sqliteTable('undelivered_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  concertId: text('concert_id').notNull(),
  event: text('event').notNull(),
  attempts: integer('attempts').notNull(),
  failedAt: text('failed_at').notNull(),
})

/** The list shows this many, oldest first; a redrive sends this many per sendBatch (Queues' most). */
export const DEAD_LETTERS_PER_PAGE = 100

export interface UndeliveredEvent {
  eventId: string
  type: string
  concertId: string
  attempts: number
  failedAt: string
  event: SaleEvent
}

/**
 * The dead-letter queue's batch, kept in D1 (one row per eventId: a dead letter delivered twice
 * is kept once). Each was tried `attempts` times: a message's own count starts again in the
 * dead-letter queue, so the caller gives 1 + the sale-events consumer's max_retries.
 */
export async function keepDeadLetters(
  db: D1Database,
  messages: readonly Message<SaleEvent>[],
  failedAt: string,
  attempts: number,
) {
  const orm = drizzle(db)
  const inserts = messages.map(({ body }) =>
    orm
      .insert(undeliveredEvents)
      .values({
        eventId: body.eventId,
        type: body.type,
        concertId: body.concertId,
        event: JSON.stringify(body),
        attempts,
        failedAt,
      })
      .onConflictDoNothing(),
  )
  const [first, ...rest] = inserts
  if (first) await orm.batch([first, ...rest])
}

/** How many are kept, and the oldest DEAD_LETTERS_PER_PAGE of them (by failedAt, then eventId). */
export async function listUndelivered(db: D1Database): Promise<{ count: number; events: UndeliveredEvent[] }> {
  const orm = drizzle(db)
  const [total, rows] = await orm.batch([
    orm.select({ n: count() }).from(undeliveredEvents),
    orm
      .select()
      .from(undeliveredEvents)
      .orderBy(asc(undeliveredEvents.failedAt), asc(undeliveredEvents.eventId))
      .limit(DEAD_LETTERS_PER_PAGE),
  ])
  return {
    count: total[0]?.n ?? 0,
    events: rows.map(({ event, ...row }) => ({ ...row, event: JSON.parse(event) as SaleEvent })),
  }
}

/**
 * Sends every kept event again to the sale-events queue, oldest first, DEAD_LETTERS_PER_PAGE to
 * a sendBatch, deleting each page's rows only once the queue took it. Only rows kept before the
 * redrive began are sent: an event that fails again meanwhile comes back with a later failedAt,
 * so the loop ends. A refused send stops it with 503 TRY_AGAIN; what was not yet sent stays.
 * Answers how many events this call sent.
 */
export async function redrive(env: Pick<Env, 'DB' | 'SALE_EVENTS'>, now: Date = new Date()): Promise<number> {
  const orm = drizzle(env.DB)
  const startedAt = now.toISOString()
  let requeued = 0
  for (;;) {
    const page = await orm
      .select({ eventId: undeliveredEvents.eventId, event: undeliveredEvents.event })
      .from(undeliveredEvents)
      .where(lte(undeliveredEvents.failedAt, startedAt))
      .orderBy(asc(undeliveredEvents.failedAt), asc(undeliveredEvents.eventId))
      .limit(DEAD_LETTERS_PER_PAGE)
    if (page.length === 0) return requeued
    try {
      await env.SALE_EVENTS.sendBatch(
        page.map((row) => ({ body: JSON.parse(row.event) as SaleEvent, contentType: 'json' as const })),
      )
    } catch (err) {
      console.error(
        JSON.stringify({ level: 'error', msg: 'redrive refused by the queue', requeued, error: String(err) }),
      )
      throw new ApiError(
        'TRY_AGAIN',
        `The events queue refused the send after ${requeued} events were requeued; the others are kept, please retry`,
        { 'Retry-After': '5' },
      )
    }
    await orm.delete(undeliveredEvents).where(
      inArray(
        undeliveredEvents.eventId,
        page.map((row) => row.eventId),
      ),
    )
    requeued += page.length
  }
}
