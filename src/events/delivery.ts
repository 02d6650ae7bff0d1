import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { applyTicketEvents } from '../ledger/tickets'
import { applyWaitlistEvents } from '../ledger/waitlist'
import type { SaleEvent } from './sale-event'

// The consumer side of the sale events (docs/events.md): each event is POSTed to the data
// platform on its own, with its eventId as the Idempotency-Key, so the platform can drop
// the duplicates that at-least-once delivery brings. Failures are retried with exponential
// backoff by the queue; after max_retries the event goes to the dead-letter queue, whose
// consumer keeps it in D1.

export const SALE_EVENTS_QUEUE = 'sale-events'
export const DEAD_LETTER_QUEUE = 'sale-events-dead'
/** A platform slower than this counts as failed; the event is retried. */
export const DELIVERY_TIMEOUT_MS = 5_000
const MAX_RETRY_DELAY_SECONDS = 300

/** Mirrors migrations/0002_undelivered_events.sql. */
export const undeliveredEvents = sqliteTable('undelivered_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  concertId: text('concert_id').notNull(),
  event: text('event').notNull(),
  attempts: integer('attempts').notNull(),
  failedAt: text('failed_at').notNull(),
})

/** Delay before the next attempt after `attempts` failed ones: base, 2·base, 4·base, … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1))
}

export async function handleSaleEvents(batch: MessageBatch<SaleEvent>, env: Env): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return keepDeadLetters(batch, env)
  // D1's ticket rows follow the concert object's decisions; a route that died before writing
  // one is repaired here, one D1 batch per batch of events (idempotent: applying a decision
  // again changes nothing). If D1 fails, the whole batch is retried by the queue.
  // The waitlist's index likewise (src/ledger/waitlist.ts).
  const events = batch.messages.map((m) => m.body)
  await applyTicketEvents(env.DB, events)
  await applyWaitlistEvents(env.DB, events)
  if (!env.DATA_PLATFORM_URL) {
    // No platform configured: the log is the destination; each event was logged when it happened.
    console.log(
      JSON.stringify({ level: 'info', msg: 'sale events delivered to the log', count: batch.messages.length }),
    )
    batch.ackAll()
    return
  }
  const failures = (await Promise.all(batch.messages.map((message) => deliver(message, env)))).filter((f) => f !== null)
  // One line per batch, not per event: at a rush a failing platform would otherwise add a log line per event and retry.
  if (failures.length > 0) {
    const first = failures[0]!
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'sale event deliveries failed',
        failed: failures.length,
        of: batch.messages.length,
        eventIds: failures.map((f) => f.eventId),
        attempts: first.attempts,
        retryInSeconds: first.retryInSeconds,
        error: first.error,
      }),
    )
  }
}

type DeliveryFailure = { eventId: string; attempts: number; retryInSeconds: number; error: string }

/** Delivers one event, or schedules its retry and says why it failed. */
async function deliver(message: Message<SaleEvent>, env: Env): Promise<DeliveryFailure | null> {
  const event = message.body
  try {
    const res = await fetch(env.DATA_PLATFORM_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': event.eventId },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
    await res.body?.cancel()
    if (!res.ok) throw new Error(`the data platform answered ${res.status}`)
    message.ack()
    return null
  } catch (err) {
    const retryInSeconds = retryDelaySeconds(message.attempts, Number(env.EVENT_RETRY_BASE_SECONDS))
    message.retry({ delaySeconds: retryInSeconds })
    return { eventId: event.eventId, attempts: message.attempts, retryInSeconds, error: String(err) }
  }
}

async function keepDeadLetters(batch: MessageBatch<SaleEvent>, env: Env) {
  const failedAt = new Date().toISOString()
  const rows = batch.messages.map(({ body, attempts }) => ({
    eventId: body.eventId,
    type: body.type,
    concertId: body.concertId,
    event: JSON.stringify(body),
    attempts,
    failedAt,
  }))
  const orm = drizzle(env.DB)
  const [first, ...rest] = rows.map((row) => orm.insert(undeliveredEvents).values(row).onConflictDoNothing())
  if (first) await orm.batch([first, ...rest])
  for (const row of rows)
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'sale event undelivered after every retry',
        eventId: row.eventId,
        type: row.type,
      }),
    )
  batch.ackAll()
}
