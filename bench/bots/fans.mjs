// @ts-check
// The fans: each a real account verified with a phone of its own (service.mjs), entering once,
// 32 at a time. With proof on each fetches its challenge and solves it. A fan's page solves in a
// Web Worker; to keep the run bounded the fans here solve with the plain loop on worker threads
// of this process, one fan's solve at a time per thread, and a fan's wait in Chromium is its
// requests plus its tries times Chromium's measured time per try (bench:proof, --chromium-us).
// A fan's wait counts its own requests and its own solve, as on its own device, not the time it
// queued for this machine's threads.
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { request } from '../client.mjs'
import { proofHeader } from '../entry-proof.mjs'
import { pool } from '../pool.mjs'

/** @param {number} threads */
export function solverPool(threads) {
  const idle = Array.from({ length: threads }, () => new Worker(new URL('./solver-thread.mjs', import.meta.url)))
  const all = [...idle]
  /** @type {Array<() => void>} */
  const waiting = []
  return {
    /** @param {object} work @returns {Promise<{ number: number | null, ms: number }>} */
    async solve(work) {
      while (idle.length === 0) await new Promise((r) => waiting.push(() => r(undefined)))
      const worker = /** @type {Worker} */ (idle.pop())
      try {
        return await new Promise((resolve, reject) => {
          worker.once('message', resolve)
          worker.once('error', reject)
          worker.postMessage(work)
        })
      } finally {
        worker.removeAllListeners('error')
        idle.push(worker)
        waiting.shift()?.()
      }
    },
    close: () => Promise.all(all.map((w) => w.terminate())),
  }
}

/** @typedef {{ waitMs: number, chromiumMs: number, solveMs: number, entryId: string }} FanEntry */

/**
 * Every fan enters the concert's pre-queue; any refusal or failed request ends the run.
 * @param {{ base: string, concertId: string, tokens: string[], proof: boolean,
 *   solvers: ReturnType<typeof solverPool>, chromiumUs: number }} sale
 * @returns {Promise<FanEntry[]>}
 */
export async function fansEnter({ base, concertId, tokens, proof, solvers, chromiumUs }) {
  /** @type {FanEntry[]} */
  const entries = new Array(tokens.length)
  await pool(tokens.length, 32, async (i) => {
    const auth = { authorization: `Bearer ${tokens[i]}` }
    /** @type {Record<string, string>} */
    const headers = { ...auth }
    let waitMs = 0
    let solveMs = 0
    let chromiumMs = 0
    if (proof) {
      const t0 = performance.now()
      const got = await request(`${base}/api/concerts/${concertId}/queue/challenge`, { headers: auth })
      if (got.status !== 200) throw new Error(`fan ${i} challenge: ${got.status} ${JSON.stringify(got.body)}`)
      waitMs += performance.now() - t0
      const solved = await solvers.solve(got.body)
      if (solved.number === null) throw new Error(`fan ${i}: not solved`)
      solveMs = solved.ms
      chromiumMs = ((solved.number + 1) * chromiumUs) / 1000
      headers['x-entry-proof'] = proofHeader(got.body, solved.number)
    }
    const t1 = performance.now()
    const res = await request(`${base}/api/concerts/${concertId}/queue/tokens`, { method: 'POST', headers })
    if (res.status !== 201) throw new Error(`fan ${i} entry: ${res.status} ${JSON.stringify(res.body)}`)
    waitMs += performance.now() - t1
    entries[i] = { waitMs: waitMs + solveMs, chromiumMs: waitMs + chromiumMs, solveMs, entryId: res.body.entryId }
  })
  return entries
}
