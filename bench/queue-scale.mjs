// @ts-check
// `npm run bench:queue`: one concert's queue filled to 1k, 10k and 100k waiting users with
// real requests; at each level the latency of status polls and of entering the queue, and at
// 10k the time one admission takes to reach all 10,000 WebSockets. Prints a Markdown table.
//   --max N         stop at N waiting (default 100000)
//   --prequeue [N]  instead: N fans in a pre-queue (default 100000), drawn at the opening (bench/pre-queue-draw.mjs)
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { pool, pct } from './pool.mjs'
import { preQueueDraw } from './pre-queue-draw.mjs'
import { ADMIN_TOKEN, serveBundle } from './serve-bundle.mjs'

const maxIndex = process.argv.indexOf('--max')
const maxWaiting = maxIndex > 0 ? Number(process.argv[maxIndex + 1]) : 100_000
const levels = [1_000, 10_000, 100_000].filter((l) => l <= maxWaiting)
const SOCKETS = Math.min(10_000, maxWaiting)

const server = await serveBundle()
const base = server.url

const preQueueIndex = process.argv.indexOf('--prequeue')
if (preQueueIndex > 0) {
  const given = Number(process.argv[preQueueIndex + 1])
  const r = await preQueueDraw(base, Number.isInteger(given) && given > 0 ? given : 100_000)
  console.log('| drawn | fill | opensAt → first admitted fan told | → first socket told | → half the sockets | → every socket told (of) | verify-draw.mjs |')
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
const fmt = (s, unit = 'req/s') => `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.p99.toFixed(1)} ms, ${Math.round(s.rps)} ${unit}`

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
const tokens = []
const rows = []
let broadcast = null

for (const level of levels) {
  const toAdd = level + 1 - tokens.length // +1: the one ACTIVE user
  const t0 = performance.now()
  const entryLatencies = []
  await pool(toAdd, 64, async () => {
    const user = await post('/api/users', {})
    const t = performance.now()
    const entry = await post(`/api/concerts/${concertId}/queue/tokens`, undefined, user.body.accessToken)
    entryLatencies.push(performance.now() - t)
    if (entry.status !== 201) throw new Error(`entry: ${entry.status} ${JSON.stringify(entry.body)}`)
    tokens.push(entry.body.token)
  })
  const fillMs = performance.now() - t0
  const entries = { ...summary(entryLatencies.slice(-1000), fillMs), rps: (toAdd / fillMs) * 1000 }

  const polls = 3000
  const s0 = performance.now()
  const statusLatencies = await pool(polls, 32, async (i) => {
    const token = tokens[1 + ((i * 7919) % (tokens.length - 1))]
    const res = await fetch(`${base}/api/concerts/${concertId}/queue/status`, { headers: { 'x-queue-token': token } })
    if (res.status !== 200) throw new Error(`status: ${res.status}`)
    await res.arrayBuffer()
  })
  const status = summary(statusLatencies, performance.now() - s0)
  const stats = (await json(await fetch(`${base}/api/admin/concerts/${concertId}/queue`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))).body
  rows.push({ level, waiting: stats.waiting, status, entries, fillSeconds: fillMs / 1000 })
  console.error(`waiting ${stats.waiting}: status ${fmt(status)}; entry ${fmt(entries)}`)

  if (level === SOCKETS) broadcast = await measureBroadcast(tokens.slice(1, SOCKETS + 1))
}

/** Opens a socket per waiting user, then times one admission reaching every one of them. */
async function measureBroadcast(socketTokens) {
  const sockets = []
  const positions = new Map()
  const o0 = performance.now()
  // Fewer at once than CONCERT_MAX_IN_FLIGHT: more would be shed with 429, as designed.
  await pool(socketTokens.length, 100, async (i) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/concerts/${concertId}/queue/ws?token=${socketTokens[i]}`)
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
  for (const ws of sockets) ws.terminate()
  console.error(`${sockets.length} sockets opened in ${(openMs / 1000).toFixed(1)} s; one admission reached all in ${fanoutMs.toFixed(0)} ms`)
  return { sockets: sockets.length, openSeconds: openMs / 1000, fanoutMs }
}

console.log('| waiting | status p50 / p95 / p99, throughput | entry p50 / p95 / p99 (last 1,000), users created and entered | fill time |')
console.log('|---|---|---|---|')
for (const r of rows) console.log(`| ${r.waiting.toLocaleString('en')} | ${fmt(r.status)} | ${fmt(r.entries, 'users/s')} | ${r.fillSeconds.toFixed(0)} s |`)
if (broadcast) {
  console.log(`\nBroadcast: ${broadcast.sockets.toLocaleString('en')} sockets; one admission moved every position and reached the last socket in ${broadcast.fanoutMs.toFixed(0)} ms.`)
}
await server.dispose()
