import { applyTicketEvents } from '../ledger/tickets'
import { applyWaitlistEvents } from '../ledger/waitlist'
import { keepDeadLetters } from './dead-letters'
import { retryDelaySeconds } from './retry-schedule'
import type { SaleEvent } from './sale-event'

// The consumer side of the sale events (docs/events.md): each event is POSTed to the data
// platform on its own, with its eventId as the Idempotency-Key, so the platform can drop
// the duplicates that at-least-once delivery brings. Failures are retried by the queue over
// hours (src/events/retry-schedule.ts); after max_retries the event goes to the dead-letter
// queue, whose consumer keeps it in D1 for an operator to send again (src/events/dead-letters.ts).

export const SALE_EVENTS_QUEUE = 'sale-events'
export const DEAD_LETTER_QUEUE = 'sale-events-dead'
/** A platform slower than this counts as failed; the event is retried. */
export const DELIVERY_TIMEOUT_MS = 5_000

export async function handleSaleEvents(batch: MessageBatch<SaleEvent>, env: Env): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return keepDeadLetter(batch, env)
  // D1's ticket rows follow the concert object's decisions; a route that died before writing
  // one is repaired here, one D1 batch per batch of events (idempotent: applying a decision
  // again changes nothing).
  // The waitlist's index likewise (src/ledger/waitlist.ts).
  // If D1 fails, the whole batch is retried on the same schedule as a refused delivery (a
  // thrown error would retry it at once, spending the retries in seconds).
  const events = batch.messages.map((m) => m.body)
  try {
    await applyTicketEvents(env.DB, events)
    await applyWaitlistEvents(env.DB, events)
  } catch (err) {
    const retryInSeconds = retryDelaySeconds(
      Math.min(...batch.messages.map((m) => m.attempts)),
      Number(env.EVENT_RETRY_BASE_SECONDS),
    )
    batch.retryAll({ delaySeconds: retryInSeconds })
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'sale events not applied to D1',
        count: batch.messages.length,
        retryInSeconds,
        error: String(err),
      }),
    )
    return
  }
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

async function keepDeadLetter(batch: MessageBatch<SaleEvent>, env: Env) {
  await keepDeadLetters(env.DB, batch.messages, new Date().toISOString(), 1 + Number(env.EVENT_MAX_RETRIES))
  for (const { body } of batch.messages)
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'sale event undelivered after every retry',
        eventId: body.eventId,
        type: body.type,
      }),
    )
  batch.ackAll()
}
