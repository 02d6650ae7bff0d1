// The sale events' retry schedule (src/events/retry-schedule.ts) as a function: the delays, their
// caps for any input, the span of 100 retries and the chance of giving an event up.
import { describe, expect, it } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import {
  giveUpProbability,
  MAX_DELIVERY_RETRIES,
  MAX_RETRY_DELAY_SECONDS,
  QUEUE_MAX_DELAY_SECONDS,
  retryDelaySeconds,
  retrySpanSeconds,
} from '../../src/events/retry-schedule'

describe('retry schedule', () => {
  it('doubles from the base, then stays at 10 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((a) => retryDelaySeconds(a, 2))).toEqual([
      2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600,
    ])
    expect(retryDelaySeconds(100, 2)).toBe(MAX_RETRY_DELAY_SECONDS)
    expect(retryDelaySeconds(3, 0)).toBe(0)
  })

  it('gives a whole delay Queues accepts for any attempts count and any base', () => {
    const attempts = [0, -5, 1, 31, 32, 33, 1_024, 1e9, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, NaN]
    const bases = [0, 0.5, 2, 1e6, 1e308, -1, NaN, Infinity]
    for (const a of attempts)
      for (const b of bases) {
        const delay = retryDelaySeconds(a, b)
        expect(Number.isInteger(delay), `attempts ${a}, base ${b}: ${delay}`).toBe(true)
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThanOrEqual(Math.min(MAX_RETRY_DELAY_SECONDS, QUEUE_MAX_DELAY_SECONDS))
      }
    // A fraction of a second rounds up; an unset base (Number('') is 0, Number(undefined) NaN) retries at once.
    expect(retryDelaySeconds(1, 0.5)).toBe(1)
    expect(retryDelaySeconds(4, NaN)).toBe(0)
  })

  it('spreads 100 retries over about 15 hours, and gives up an event at a 50% failure rate with probability 2^-101', () => {
    // 2 + 4 + … + 512 = 1,022 s, then 91 retries of 600 s = 54,600 s.
    expect(retrySpanSeconds(2)).toBe(55_622)
    expect(retrySpanSeconds(2) / 3600).toBeCloseTo(15.45, 2)
    // The old schedule: 5 retries, 62 s, 2^-6.
    expect(retrySpanSeconds(2, 5)).toBe(62)
    expect(giveUpProbability(0.5, 5)).toBe(1 / 64)
    expect(giveUpProbability(0.5)).toBe(2 ** -101)
    expect(giveUpProbability(0.5)).toBeLessThan(4e-31)
  })

  it('is computed for the max_retries wrangler.toml gives the sale-events consumer', () => {
    const consumer = /queue = "sale-events"\n[^[]*?max_retries = (\d+)/.exec(wranglerToml)
    expect(Number(consumer?.[1])).toBe(MAX_DELIVERY_RETRIES)
    // What the dead-letter consumer records as the attempts of a dead letter.
    expect(/^EVENT_MAX_RETRIES = "(\d+)"$/m.exec(wranglerToml)?.[1]).toBe(String(MAX_DELIVERY_RETRIES))
    expect(MAX_DELIVERY_RETRIES).toBe(100)
  })
})
