// @ts-check
// The service under faults (test/faults/): `npm start` on its own port and state directory,
// SIGKILLed as a whole process group and started again on the same state; HTTP calls that
// answer status 0 when the service is not there; the local D1 read through wrangler.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localD1 } from '../support/local-service.mjs'

export const wait = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))
export const pick = (/** @type {number} */ n) => Math.floor(Math.random() * n)
export const adminToken = () => /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim() ?? ''

/** @param {number} port */
export function faultedService(port) {
  const base = `http://127.0.0.1:${port}`
  const stateDir = mkdtempSync(join(tmpdir(), 'concert-faults-'))
  /** @type {import('node:child_process').ChildProcess | null} */
  let server = null
  let log = ''
  /** Requests made, those in flight now, kills so far. */
  const counts = { requests: 0, inFlight: 0, kills: 0 }

  async function start() {
    server = spawn('npm', ['start'], {
      env: { ...process.env, PORT: String(port), STATE_DIR: stateDir },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stdout.on('data', (d) => (log = (log + d).slice(-4000)))
    server.stderr.on('data', (d) => (log = (log + d).slice(-4000)))
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline) {
      if ((await request('GET', '/healthz')).status === 200) return
      await wait(250)
    }
    throw new Error(`npm start did not answer within 120 s:\n${log}`)
  }

  async function kill() {
    const exited = new Promise((r) => server.once('exit', r))
    process.kill(-server.pid, 'SIGKILL')
    await exited
    // The group: npm, node, wrangler, workerd. All must be gone before the next start.
    for (let i = 0; i < 50 && (await request('GET', '/healthz')).status !== 0; i++) await wait(100)
    server = null
    counts.kills++
  }

  /**
   * One HTTP call; status 0 when the service is not there (killed mid-request).
   * @param {string} method
   * @param {string} path
   * @param {{ body?: unknown, token?: string, queueToken?: string, key?: string }} [options]
   */
  async function request(method, path, { body, token, queueToken, key } = {}) {
    /** @type {Record<string, string>} */
    const headers = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    if (queueToken) headers['x-queue-token'] = queueToken
    if (key) headers['idempotency-key'] = key
    counts.requests++
    counts.inFlight++
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    } catch {
      return { status: 0, body: null }
    } finally {
      counts.inFlight--
    }
  }

  /** Retries a setup call while the service settles; a service that never answers fails the test. */
  async function until(what, attempt) {
    const deadline = Date.now() + 30_000
    for (;;) {
      const result = await attempt()
      if (result) return result
      if (Date.now() > deadline) throw new Error(`${what}: no success in 30 s\n${log}`)
      await wait(200)
    }
  }

  /** Rows from the service's local D1 (test/support/local-service.mjs). */
  const d1 = (/** @type {string} */ sql) => localD1(stateDir, sql)

  /** The service gone (if running) and its state removed: for `after`. */
  function stop() {
    if (server?.pid) process.kill(-server.pid, 'SIGKILL')
    rmSync(stateDir, { recursive: true, force: true })
  }

  return {
    base,
    counts,
    request,
    start,
    kill,
    until,
    d1,
    stop,
    get running() {
      return server !== null
    },
  }
}
