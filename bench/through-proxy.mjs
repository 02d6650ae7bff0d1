// @ts-check
// `node bench/through-proxy.mjs [bursts] [fansPerBurst] [gapsMs,...]`: issue #34's measurement.
// `npm start` (PORT, its own STATE_DIR) behind a keep-alive HTTP proxy
// (test/support/keep-alive-proxy.mjs), acceptance-style traffic through it in bursts with idle
// gaps between them (test/support/acceptance-traffic.mjs); then every user and payment the
// client was told 201 about is looked up in the local D1, and the rows are counted. Prints one
// JSON line; exit 1 on any 5xx or dropped request. The server's whole output, stamped with the
// seconds since the start, is kept in a file named at the end.
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { acceptanceTraffic } from '../test/support/acceptance-traffic.mjs'
import { localD1, untilServing } from '../test/support/local-service.mjs'
import { startKeepAliveProxy } from '../test/support/keep-alive-proxy.mjs'

const started = Date.now()
const BURSTS = Number(process.argv[2] ?? 40)
const FANS = Number(process.argv[3] ?? 8)
const GAPS = (process.argv[4] ?? '1000,4500,2000,5200,7000,3000,9500,4900,1500,6000').split(',').map(Number)
const PORT = Number(process.env.PORT ?? 8787)
const base = `http://127.0.0.1:${PORT}`
const state = process.env.STATE_DIR ?? mkdtempSync(join(tmpdir(), 'through-proxy-'))
const logPath = join(tmpdir(), `through-proxy-server-${Date.now()}.log`)
const log = createWriteStream(logPath)
const seconds = () => ((Date.now() - started) / 1000).toFixed(1)
const server = spawn('npm', ['start'], {
  env: { ...process.env, PORT: String(PORT), STATE_DIR: state },
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
})
server.stdout.on('data', (d) => log.write(`${seconds()} ${d}`))
server.stderr.on('data', (d) => log.write(`${seconds()} ${d}`))

const d1 = (/** @type {string} */ sql) => localD1(state, sql)

let failed
const proxy = await startKeepAliveProxy(base)
try {
  await untilServing(base)
  // Past the demo concert's seeding: the server printed "ready".
  await new Promise((r) => setTimeout(r, 3_000))
  const adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim() ?? ''
  const run = await acceptanceTraffic({
    base: proxy.url,
    adminToken,
    bursts: BURSTS,
    fansPerBurst: FANS,
    gapsMs: GAPS,
    log: (line) => console.error(`${seconds()} s: ${line}`),
  })
  const users = new Set((await d1('SELECT id FROM users')).map((r) => r.id))
  const payments = new Set((await d1(`SELECT id FROM payments WHERE concert_id = '${run.concertId}'`)).map((r) => r.id))
  const requests = Object.values(run.statuses).reduce((a, b) => a + b, 0)
  const result = {
    requests,
    seconds: Number(seconds()),
    statuses: run.statuses,
    failures: run.failures,
    restartedMidRequest: run.failures.filter((f) => f.body.includes('restarted mid-request')).length,
    unknownOutcome: run.unknown,
    usersToldMade: run.made.users.length,
    usersToldMadeMissing: run.made.users.filter((id) => !users.has(id)).length,
    // The demo concert's seeding makes no user: every row is one this run made.
    userRows: users.size,
    paymentsToldMade: run.made.payments.length,
    paymentsToldMadeMissing: run.made.payments.filter((id) => !payments.has(id)).length,
    paymentRows: payments.size,
    proxy: proxy.stats,
  }
  console.log(JSON.stringify(result))
  failed = run.failures.length > 0 || result.usersToldMadeMissing > 0 || result.paymentsToldMadeMissing > 0
} finally {
  proxy.close()
  process.kill(-(/** @type {number} */ (server.pid)), 'SIGTERM')
  setTimeout(() => {
    if (!process.env.STATE_DIR) rmSync(state, { recursive: true, force: true })
  }, 2_000)
  log.end()
  console.error(`server output: ${logPath}`)
}
if (failed) process.exitCode = 1
