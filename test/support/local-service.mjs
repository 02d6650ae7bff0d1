// @ts-check
// `npm start` as scripts and tests see it from outside: when it serves, and its local D1.

/**
 * Waits until the service at `base` answers /healthz, polling every 300 ms.
 * @param {string} base
 */
export async function untilServing(base, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`npm start did not answer in ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

// Rows from the local D1 of a service started with STATE_DIR, read through wrangler. Asynchronous
// on purpose: a synchronous child process stops the event loop for seconds, the server closes
// idle keep-alive connections meanwhile, and the next request goes out on one of them before its
// close is seen ("other side closed").
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

/**
 * @param {string} stateDir
 * @param {string} sql
 */
export async function localD1(stateDir, sql) {
  const { stdout } = await promisify(execFile)(
    'node',
    [
      'node_modules/wrangler/bin/wrangler.js',
      'd1',
      'execute',
      'DB',
      '--local',
      '--persist-to',
      stateDir,
      '--json',
      '--command',
      sql,
    ],
    { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, maxBuffer: 64 * 1024 * 1024 },
  )
  return JSON.parse(stdout)[0].results
}
