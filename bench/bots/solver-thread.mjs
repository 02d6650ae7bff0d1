// @ts-check
// One of the fans' solver threads (fans.mjs): a challenge in, its number and the ms it took out,
// one at a time.
import { performance } from 'node:perf_hooks'
import { parentPort } from 'node:worker_threads'
import { solve } from '../entry-proof.mjs'

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
port.on('message', (work) => {
  const t0 = performance.now()
  const number = solve(work)
  port.postMessage({ number, ms: performance.now() - t0 })
})
