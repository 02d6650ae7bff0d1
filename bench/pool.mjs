// @ts-check
// Concurrency and percentiles for the benches that drive requests from this process.
import { performance } from 'node:perf_hooks'

/**
 * Runs `task(i)` for i in [0, count) with `concurrency` in flight; returns each latency in ms.
 * @param {number} count @param {number} concurrency @param {(i: number) => Promise<unknown>} task
 */
export async function pool(count, concurrency, task) {
  const latencies = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++
        const t0 = performance.now()
        await task(i)
        latencies[i] = performance.now() - t0
      }
    }),
  )
  return latencies
}

/** @param {number[]} xs @param {number} p NaN of none, so that a table shows a dash rather than failing. */
export const pct = (xs, p) => {
  if (xs.length === 0) return NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
