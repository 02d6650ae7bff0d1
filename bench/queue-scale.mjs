// @ts-check
// `npm run bench:queue`: one concert's queue filled to 1k, 10k, 100k (and 1M) waiting users
// with real requests; at each level the latency of status polls and of entering the queue and
// the runtime's memory, and at 10k the time one admission takes to reach all 10,000 WebSockets
// (held by relays). Prints a Markdown table. Users are access tokens signed here with the
// server's secret, as the Worker signs them (entry needs no user row), so the fill measures entry.
//   --max N         stop at N waiting (default 100000; 1000000 for the million)
//   --prequeue [N]  instead: N fans in a pre-queue (default 100000), drawn at the opening (bench/pre-queue-draw.mjs)
import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { sign } from 'hono/jwt'
import WebSocket from 'ws'
import { pool, pct } from './pool.mjs'
import { preQueueDraw } from './pre-queue-draw.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'

const maxIndex = process.argv.indexOf('--max')
const maxWaiting = maxIndex > 0 ? Number(process.argv[maxIndex + 1]) : 100_000
const levels = [1_000, 10_000, 100_000, 1_000_000].filter((l) => l <= maxWaiting)
const SOCKETS = Math.min(10_000, maxWaiting)

const server = await serveBundle()
const base = server.url

const preQueueIndex = process.argv.indexOf('--prequeue')
if (preQueueIndex > 0) {
  const given = Number(process.argv[preQueueIndex + 1])
  const r = await preQueueDraw(base, Number.isInteger(given) && given > 0 ? given : 100_000)
  console.log(
    '| drawn | fill | opensAt → first admitted fan told | → first socket told | → half the sockets | → every socket told (of) | verify-draw.mjs |',
  )
  console.log('|---|---|---|---|---|---|---|')
  console.log(
    `| ${r.drawn.toLocaleString('en')} | ${r.fillSeconds.toFixed(0)} s | ${(r.firstAdmittedMs / 1000).toFixed(2)} s | ${(r.firstSocketMs / 1000).toFixed(2)} s | ${(r.medianSocketMs / 1000).toFixed(2)} s | ${(r.lastSocketMs / 1000).toFixed(2)} s (${r.sockets.toLocaleString('en')}) | ok in ${r.verifySeconds.toFixed(1)} s |`,
  )
  await server.dispose()
  process.exit(0)
}
const json = async (res) => ({ status: res.status, body: await res.json() })
const post = (path, body, token) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(json)

const summary = (xs, ms) => ({ p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), rps: (xs.length / ms) * 1000 })
const fmt = (s, unit = 'req/s') =>
  `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.p99.toFixed(1)} ms, ${Math.round(s.rps)} ${unit}`

const created = await post(
  '/api/admin/concerts',
  {
    title: 'Queue at scale',
    dates: [{ date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), price: 1000 }],
    // One place, so everyone else waits; nobody is dropped for idling during the run.
    queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 86_400 },
  },
  ADMIN_TOKEN,
)
const concertId = created.body.concertId
/** The first SOCKETS + 1 queue tokens (the sockets'), and a sample of all of them for the polls. */
const tokens = []
const sample = []
const SAMPLE = 10_000
let entered = 0
const rows = []
let broadcast = null
const exp = Math.floor(Date.now() / 1000) + 6 * 3600

for (const level of levels) {
  const toAdd = level + 1 - entered // +1: the one ACTIVE user
  const t0 = performance.now()
  const entryLatencies = []
  // Entries wait for their gate's next call (100 ms): the fill's speed is its clients in flight,
  // kept under the isolate's CONCERT_MAX_IN_FLIGHT (200), past which it sheds with 429.
  await pool(toAdd, 180, async () => {
    const accessToken = await sign({ typ: 'access', sub: crypto.randomUUID(), exp }, AUTH_SECRET, 'HS256')
    const t = performance.now()
    const entry = await post(`/api/concerts/${concertId}/queue/tokens`, undefined, accessToken)
    entryLatencies.push(performance.now() - t)
    if (entry.status !== 201) throw new Error(`entry: ${entry.status} ${JSON.stringify(entry.body)}`)
    entered++
    if (tokens.length <= SOCKETS) tokens.push(entry.body.token)
    // Reservoir sampling: every waiting user equally likely to be polled.
    if (entry.body.status === 'WAITING') {
      if (sample.length < SAMPLE) sample.push(entry.body.token)
      else if (Math.random() < SAMPLE / entered) sample[Math.floor(Math.random() * SAMPLE)] = entry.body.token
    }
    if (entryLatencies.length > 2_000) entryLatencies.splice(0, 1_000)
  })
  const fillMs = performance.now() - t0
  const entries = { ...summary(entryLatencies.slice(-1000), fillMs), rps: (toAdd / fillMs) * 1000 }

  const polls = 3000
  const s0 = performance.now()
  const statusLatencies = await pool(polls, 32, async (i) => {
    const token = sample[(i * 7919) % sample.length]
    const res = await fetch(`${base}/api/concerts/${concertId}/queue/status`, { headers: { 'x-queue-token': token } })
    if (res.status !== 200) throw new Error(`status: ${res.status}`)
    await res.arrayBuffer()
  })
  const status = summary(statusLatencies, performance.now() - s0)
  const stats = (
    await json(
      await fetch(`${base}/api/admin/concerts/${concertId}/queue`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    )
  ).body
  const memory = runtimeMemory()
  rows.push({ level, waiting: stats.waiting, status, entries, fillSeconds: fillMs / 1000, memory })
  console.error(`waiting ${stats.waiting}: status ${fmt(status)}; entry ${fmt(entries)}; runtime ${memory}`)

  if (level === SOCKETS) broadcast = await measureBroadcast(tokens.slice(1, SOCKETS + 1))
}

/** The resident memory of the workerd runtime serving the bundle (the Worker, the concert object and its relays: an upper bound on the object's). */
function runtimeMemory() {
  const rows = execFileSync('ps', ['-eo', 'ppid,rss,comm'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
  const kb = rows
    .filter(([ppid, , comm]) => Number(ppid) === process.pid && comm === 'workerd')
    .reduce((sum, [, rss]) => sum + Number(rss), 0)
  return `${(kb / 1024).toFixed(0)} MB`
}

/** Opens a socket per waiting user, then times one admission reaching every one of them. */
async function measureBroadcast(socketTokens) {
  const sockets = []
  const positions = new Map()
  const o0 = performance.now()
  // Fewer at once than CONCERT_MAX_IN_FLIGHT: more would be shed with 429, as designed.
  await pool(socketTokens.length, 100, async (i) => {
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/api/concerts/${concertId}/queue/ws?token=${socketTokens[i]}`,
    )
    sockets.push(ws)
    await new Promise((resolve, reject) => {
      ws.once('message', (data) => {
        positions.set(ws, JSON.parse(data).position)
        resolve()
      })
      ws.once('error', reject)
    })
  })
  const openMs = performance.now() - o0
  await new Promise((r) => setTimeout(r, 1500)) // let the push interval pass

  let told = 0
  let done
  const allTold = new Promise((r) => (done = r))
  for (const ws of sockets) {
    ws.on('message', (data) => {
      if (JSON.parse(data).position === positions.get(ws) - 1 && ++told === sockets.length) done()
    })
  }
  const t0 = performance.now()
  await fetch(`${base}/api/admin/concerts/${concertId}/queue-policy`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ maxActiveUsers: 2 }),
  })
  await allTold
  const fanoutMs = performance.now() - t0
  const memory = runtimeMemory()
  console.error(
    `${sockets.length} sockets opened in ${(openMs / 1000).toFixed(1)} s; one admission reached all in ${fanoutMs.toFixed(0)} ms; runtime ${memory} with them open`,
  )
  for (const ws of sockets) ws.terminate()
  return { sockets: sockets.length, openSeconds: openMs / 1000, fanoutMs, memory }
}

console.log(
  '| waiting | status p50 / p95 / p99, throughput | entry p50 / p95 / p99 (last 1,000), entries/s | fill time | runtime memory (RSS) |',
)
console.log('|---|---|---|---|---|')
for (const r of rows)
  console.log(
    `| ${r.waiting.toLocaleString('en')} | ${fmt(r.status)} | ${fmt(r.entries, 'entries/s')} | ${r.fillSeconds.toFixed(0)} s | ${r.memory} |`,
  )
const first = rows[0]
const last = rows.at(-1)
if (first && last && last !== first) {
  console.log(
    `\nStatus median at ${last.waiting.toLocaleString('en')} over median at ${first.waiting.toLocaleString('en')}: ${(last.status.p50 / first.status.p50).toFixed(2)}.`,
  )
}
if (broadcast) {
  console.log(
    `\nBroadcast: ${broadcast.sockets.toLocaleString('en')} sockets; one admission moved every position and reached the last socket in ${broadcast.fanoutMs.toFixed(0)} ms (sockets opened in ${broadcast.openSeconds.toFixed(1)} s; the runtime's memory with them open: ${broadcast.memory}).`,
  )
}
await server.dispose()
