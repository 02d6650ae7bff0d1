// @ts-check
// `node bench/fill-through-start.mjs [users] [clients] [flaky|ok|none]`: the failure #17 asks to find first.
// `npm start` (its own state dir, port 8794) with DATA_PLATFORM_URL at a stand-in platform
// that fails half of its requests (test/support/data-platform.mjs, "flaky"); then `clients`
// concurrent clients (32) each make users with POST /api/users and enter them into one
// concert's queue, `users` (20,000) in all. Every answer is counted; any 5xx fails the run
// (exit 1), with what the server printed around it.
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDataPlatform } from '../test/support/data-platform.mjs'
import { untilServing } from '../test/support/local-service.mjs'

const started = Date.now()

const USERS = Number(process.argv[2] ?? 20_000)
const CLIENTS = Number(process.argv[3] ?? 32)
/** The platform's mode for the concert; `none`: no DATA_PLATFORM_URL, events only logged. */
const PLATFORM = process.argv[4] ?? 'flaky'
const PORT = 8794
const PLATFORM_PORT = 9794
const base = `http://127.0.0.1:${PORT}`
const state = mkdtempSync(join(tmpdir(), 'fill-'))
const platform = await startDataPlatform(PLATFORM_PORT)
// Everything the server prints, whole: what happened at a failure is among thousands of lines.
const logPath = join(tmpdir(), `fill-server-${Date.now()}.log`)
const log = createWriteStream(logPath)
const server = spawn('npm', ['start'], {
  env: {
    ...process.env,
    PORT: String(PORT),
    STATE_DIR: state,
    ...(PLATFORM === 'none' ? {} : { DATA_PLATFORM_URL: `http://127.0.0.1:${PLATFORM_PORT}/events` }),
  },
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
})
const keep = (d) => log.write(`${((Date.now() - started) / 1000).toFixed(1)} ${d}`)
server.stdout.on('data', keep)
server.stderr.on('data', keep)

const statuses = {}
const failures = []
try {
  await untilServing(base)
  const admin = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim()
  const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const created = await (
    await fetch(`${base}/api/admin/concerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        title: 'Fill',
        dates: [{ date, price: 1_000 }],
        queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 86_400 },
      }),
    })
  ).json()
  const concertId = created.concertId
  if (PLATFORM !== 'none')
    await fetch(`http://127.0.0.1:${PLATFORM_PORT}/control`, {
      method: 'POST',
      body: JSON.stringify({ concertId, mode: PLATFORM }),
    })

  let next = 0
  const call = async (method, path, headers = {}, body) => {
    let res
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(30_000),
      })
    } catch (err) {
      statuses[0] = (statuses[0] ?? 0) + 1
      failures.push({
        at: ((Date.now() - started) / 1000).toFixed(1),
        method,
        path,
        status: 0,
        body: String(err.cause ?? err),
      })
      return { status: 0, body: '' }
    }
    const text = await res.text()
    statuses[res.status] = (statuses[res.status] ?? 0) + 1
    if (res.status >= 500)
      failures.push({
        at: ((Date.now() - started) / 1000).toFixed(1),
        method,
        path,
        status: res.status,
        body: text.slice(0, 200),
      })
    return { status: res.status, body: text }
  }
  const progress = setInterval(
    () => console.error(`${((Date.now() - started) / 1000).toFixed(0)} s: ${next} users, ${JSON.stringify(statuses)}`),
    10_000,
  )
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < USERS && failures.length === 0) {
        next++
        const user = await call('POST', '/api/users', {}, '{}')
        if (user.status !== 201) continue
        const { accessToken } = JSON.parse(user.body)
        await call('POST', `/api/concerts/${concertId}/queue/tokens`, { authorization: `Bearer ${accessToken}` })
      }
    }),
  )
  clearInterval(progress)
  console.log(
    JSON.stringify({
      users: next,
      clients: CLIENTS,
      platform: PLATFORM,
      seconds: (Date.now() - started) / 1000,
      statuses,
      failures,
    }),
  )
} finally {
  process.kill(-(/** @type {number} */ (server.pid)), 'SIGTERM')
  platform.close()
  setTimeout(() => rmSync(state, { recursive: true, force: true }), 2_000)
}
log.end()
console.error(`server output, each chunk stamped with the seconds since the start: ${logPath}`)
if (failures.length > 0) process.exitCode = 1
