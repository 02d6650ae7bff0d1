// When a sale event the data platform refused is tried again (docs/events.md, "Retry schedule").
// Queues allows at most 100 retries of a message and a delay of at most 12 hours per retry
// (developers.cloudflare.com/queues/platform/limits). With 100 retries, doubling from the base
// and capped at 10 minutes, the retries of one event span about 15 hours: a platform down for a
// night loses nothing, and one that fails half its requests gives up an event with
// probability 2^-101 rather than the 2^-6 of five retries.

/** wrangler.toml's `max_retries` of the sale-events consumer (Queues' own maximum). */
export const MAX_DELIVERY_RETRIES = 100
/** The longest wait between two attempts: the retries of an event span hours, not a minute. */
export const MAX_RETRY_DELAY_SECONDS = 600
/** Queues refuses a retry delay above 12 hours. */
export const QUEUE_MAX_DELAY_SECONDS = 43_200
/** Past this many doublings any base in seconds is above every cap: the power is never computed larger. */
const MAX_DOUBLINGS = 32

/**
 * Seconds before the next attempt after `attempts` failed ones: base, 2·base, 4·base, …, at
 * most MAX_RETRY_DELAY_SECONDS, a whole number within what Queues accepts. Any attempts count
 * (a message retried more often than configured, NaN) and any base (unset, negative, huge)
 * still give a delay Queues takes.
 */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  const base = Number.isFinite(baseSeconds) && baseSeconds > 0 ? baseSeconds : 0
  const doublings = Number.isFinite(attempts) ? Math.min(MAX_DOUBLINGS, Math.max(0, Math.floor(attempts) - 1)) : 0
  const delay = Math.min(MAX_RETRY_DELAY_SECONDS, QUEUE_MAX_DELAY_SECONDS, base * 2 ** doublings)
  return Math.ceil(delay)
}

/** Seconds from an event's first failed attempt to its last one: the sum of the delays of `retries` retries. */
export function retrySpanSeconds(baseSeconds: number, retries: number = MAX_DELIVERY_RETRIES): number {
  let span = 0
  for (let attempts = 1; attempts <= retries; attempts++) span += retryDelaySeconds(attempts, baseSeconds)
  return span
}

/** The chance an event is given up: every one of its 1 + `retries` attempts failed, each with `failureRate`. */
export const giveUpProbability = (failureRate: number, retries: number = MAX_DELIVERY_RETRIES): number =>
  failureRate ** (retries + 1)
