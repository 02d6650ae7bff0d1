// @ts-check
// `npm run bench:peer [-- --runs 3 --duration 10 --warmup 2 --connections 50
//   --workloads trivial,entry,status,dates,seats --ours-port 9087 --peer-port 9088
//   --platform-port 9089 --peer-dir /work/peer-src]`: ours side by side with the peer
// (bench/peer/README.md; node bench/peer/setup.mjs first). Ours: the bundle served by
// bench/serve-bundle.mjs, its sale events delivered to the stand-in data platform as in
// `npm run bench`. The peer: its build, Kafka off, Redis emptied. Both driven by bench/load.mjs
// at the same concurrency; per workload ours and the peer alternate, each run after a warm-up
// of its own; after each of our runs, our sale events are left to drain before the peer's run.
// Prints a table (median req/s, p50/p99 across runs, ratio, errors); writes bench/results/peer.json (peer-rates.json with --rates).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { startDataPlatform } from '../../test/support/data-platform.mjs'
import { benchClient, eventsLost } from '../client.mjs'
import { heldRate, highestHeld, ratesTable } from '../open-loop/held-rates.mjs'
import { pool } from '../pool.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from '../serve-bundle.mjs'
import {
  activeToken,
  CONCERT_ID,
  ensureDatabases,
  flushRedis,
  PEER_DIR,
  PEER_PORT,
  startPeer,
  waitingAhead,
} from './peer.mjs'

const WORKLOADS = {
  trivial: 'trivial route (/healthz vs its GET /)',
  entry: 'queue token issue, distinct users',
  status: 'queue status, 10,000 waiting',
  dates: 'dates / performances',
  seats: 'seat map of one date',
}
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    workloads: { type: 'string', default: Object.keys(WORKLOADS).join(',') },
    'ours-port': { type: 'string', default: '9087' },
    'peer-port': { type: 'string', default: String(PEER_PORT) },
    'platform-port': { type: 'string', default: '9089' },
    'peer-dir': { type: 'string', default: PEER_DIR },
    // Entry offered open loop at these rates a second (each side, --duration each), after the closed-loop runs.
    rates: { type: 'string', default: '' },
    p99: { type: 'string', default: '200' },
  },
})
const RUNS = Number(values.runs)
const DURATION = Number(values.duration) * 1000
const WARMUP = Number(values.warmup) * 1000
const C = Number(values.connections)
const chosen = values.workloads.split(',').filter(Boolean)
for (const w of chosen)
  if (!(w in WORKLOADS)) throw new Error(`unknown workload ${w}: ${Object.keys(WORKLOADS).join(', ')}`)
/** Distinct users an entry load is given per second: above either side's entry rate here, and above every offered rate. */
const ENTRY_USERS_PER_SECOND = Math.max(5_000, ...(values.rates ? values.rates.split(',').map(Number) : []))
/** The peer admits 100 waiting users a second (its QueueSchedule), first come first admitted. */
const PEER_ADMITTED_PER_SECOND = 100
const started = Date.now()

const platformUrl = `http://127.0.0.1:${values['platform-port']}`
ensureDatabases()
const platform = await startDataPlatform(Number(values['platform-port']))
const ourServer = await serveBundle({
  port: Number(values['ours-port']),
  vars: { DATA_PLATFORM_URL: `${platformUrl}/events` },
})
flushRedis()
const peerServer = await startPeer({ dir: values['peer-dir'], port: Number(values['peer-port']) }).catch(async (e) => {
  await ourServer.dispose()
  platform.close()
  throw e
})
const ours = benchClient(ourServer.url, { AUTH_SECRET, ADMIN_TOKEN })
const peer = benchClient(peerServer.url, {})
/** Every concert of ours made here, for the count of its sale events. */
const concerts = []
let peerUserId = 0
/** The first of the peer's 10,000 polling users: still waiting after the runs, or a note says not. */
let peerFirstPolled
const results = {}
const notes = []
/** Our sale events, written and delivered, at the end. */
let events
/** Where the results go: an open-loop run beside the closed-loop one, not over it. */
const resultName = values.rates ? 'peer-rates' : 'peer'
/** Entry offered open loop (--rates), each side. */
let entryRates = null

/**
 * Per workload and side: made ready once, it returns the requests of one load of `ms`
 * (a new set of users each time where the workload needs distinct ones).
 * @typedef {(ms: number) => Promise<object[]> | object[]} Requests
 * @type {Record<string, Record<'ours' | 'peer', () => Promise<Requests> | Requests>>}
 */
const prepare = {
  trivial: {
    ours: () => () => [{ method: 'GET', path: '/healthz' }],
    peer: () => () => [{ method: 'GET', path: '/' }],
  },
  // Ours: access tokens signed with the server's secret, into a concert of one place (all wait).
  // The peer: any user id, into concert 1, whose line its scheduler admits from 100 a second.
  entry: {
    ours: async () => {
      const concertId = await createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
      return async (ms) => oursEntries(concertId, await ours.accessTokens(entryUsers(ms)))
    },
    peer: () => (ms) => Array.from({ length: entryUsers(ms) }, () => peerEntry()),
  },
  // 10,000 waiting users poll. The peer's line gets users ahead of them first, enough that its
  // scheduler (100 a second) admits none of the 10,000 during both sides' runs (checked after).
  status: {
    ours: async () => {
      const concertId = await createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
      const entered = await ours.load({
        kind: 'http',
        connections: C,
        amount: 10_001,
        requests: oursEntries(concertId, await ours.accessTokens(10_001)),
        collectWaiting: true,
      })
      await ours.eventsDelivered(concerts, platformUrl)
      const path = `/api/concerts/${concertId}/queue/status`
      return () => entered.collected.map((t) => ({ method: 'GET', path, headers: { 'x-queue-token': t } }))
    },
    peer: async () => {
      waitingAhead(Math.ceil(PEER_ADMITTED_PER_SECOND * ((2 * RUNS * (WARMUP + DURATION)) / 1000 + 600)))
      const tokens = await peerTokens(10_000)
      peerFirstPolled = tokens[0]
      return () =>
        tokens.map((waitToken) => ({
          method: 'POST',
          path: '/queue/status',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ waitToken }),
        }))
    },
  },
  dates: {
    ours: async () => {
      const path = `/api/concerts/${await saleConcert()}/dates`
      return () => [{ method: 'GET', path }]
    },
    peer: () => () => [{ method: 'GET', path: `/performances/performances?concertId=${CONCERT_ID}` }],
  },
  // The first date's seats, read by a user admitted to the concert: a new one for each load,
  // whom no idle timeout (ours) or 5-minute TTL (the peer's) ends during the run.
  seats: {
    ours: async () => {
      const concertId = await saleConcert()
      const date = (await ours.json('GET', `/api/concerts/${concertId}/dates`)).dates[0].date
      const path = `/api/concerts/${concertId}/dates/${date}/seats`
      return async () => [{ method: 'GET', path, headers: (await ours.activeBuyers(concertId, 1))[0] }]
    },
    peer: async () => {
      const dates = await peer.json('GET', `/performances/performances?concertId=${CONCERT_ID}`)
      const path = `/performances/${dates.data.results.at(-1).info.id}/seats`
      return () => [{ method: 'GET', path, headers: { 'x-queue-token': activeToken(++peerUserId) } }]
    },
  },
}

/** Ours: 8 dates of 50 seats, as bench/run.mjs's sale concert and the peer's seed. */
let sale
function saleConcert() {
  return (sale ??= createConcert({ maxActiveUsers: 1_000 }, 8))
}

console.error(
  `ours ${ourServer.url}, peer ${peerServer.url} (pid ${peerServer.pid}); ${chosen.length} workloads × ${RUNS} runs × 2 sides × ` +
    `(${WARMUP / 1000} + ${DURATION / 1000} s) at concurrency ${C}: about ${Math.ceil((chosen.length * RUNS * 2 * (WARMUP + DURATION)) / 60_000)} min of load`,
)
try {
  for (const name of chosen) results[name] = await compare(name)
  if (values.rates) entryRates = await compareRates(values.rates.split(',').map(Number), Number(values.p99))
  events = await ours.eventsDelivered(concerts, platformUrl)
} finally {
  await peerServer.dispose()
  await ourServer.dispose()
  platform.close()
}

const report = {
  meta: {
    date: new Date().toISOString(),
    cpus: cpus().length,
    connections: C,
    runs: RUNS,
    durationMs: DURATION,
    warmupMs: WARMUP,
    totalSeconds: Math.round((Date.now() - started) / 1000),
    notes,
  },
  workloads: results,
  events,
  ...(entryRates ? { entryRates } : {}),
}
mkdirSync('bench/results', { recursive: true })
writeFileSync(`bench/results/${resultName}.json`, `${JSON.stringify(report, null, 2)}\n`)
console.log(table(results))
if (entryRates) {
  const { ours: o, peer: p, p99Bar } = entryRates
  console.log(`\nEntry offered open loop, ours:\n${ratesTable(o, p99Bar)}\n\nthe peer:\n${ratesTable(p, p99Bar)}`)
  console.log(
    `\nHighest entry rate held with p99 < ${p99Bar} ms: ours ${highestHeld(o)}/s, the peer ${highestHeld(p)}/s`,
  )
}
for (const note of notes) console.log(`\n${note}`)
console.log(
  `\nOur sale events: ${events.written} written, ${events.delivered} delivered, ${events.unsent} unsent.` +
    `\n${RUNS} run(s) of ${DURATION / 1000} s each side after ${WARMUP / 1000} s of warm-up, concurrency ${C}, ` +
    `${report.meta.totalSeconds} s in all: bench/results/${resultName}.json`,
)
if (eventsLost(events)) {
  console.error('Sale events lost: written and delivered differ')
  process.exitCode = 1
}

// --- workloads ---

/** Ours and the peer, alternated RUNS times; each side's requests prepared before its first run. */
async function compare(name) {
  const sides = { ours: await prepare[name].ours(), peer: await prepare[name].peer() }
  const runs = { ours: [], peer: [] }
  for (let i = 0; i < RUNS; i++) {
    for (const side of /** @type {const} */ (['ours', 'peer'])) {
      const client = side === 'ours' ? ours : peer
      if (WARMUP > 0)
        await client.load({ kind: 'http', connections: C, durationMs: WARMUP, requests: await sides[side](WARMUP) })
      const requests = await sides[side](DURATION)
      const r = await client.load({ kind: 'http', connections: C, durationMs: DURATION, requests })
      if (name === 'entry' && r.count > requests.length)
        notes.push(`${name}, ${side} run ${i + 1}: ${r.count} entries by ${requests.length} users (some entered twice)`)
      runs[side].push(r)
      // Our sale events of this run delivered before the peer's run, not during it.
      if (side === 'ours') await ours.eventsDelivered(concerts, platformUrl)
    }
  }
  if (name === 'status') {
    const { result } = (await peer.json('POST', '/queue/status', { waitToken: peerFirstPolled })).data
    if (result.status !== 'Wait')
      notes.push(`status: the peer admitted polling users during the runs (${result.status})`)
  }
  return { what: WORKLOADS[name], ...runs }
}

/** Entry offered open loop at each rate, ours then the peer's, each a fresh set of users. */
async function compareRates(rates, p99Bar) {
  const sides = { ours: await prepare.entry.ours(), peer: await prepare.entry.peer() }
  const rows = { ours: [], peer: [], p99Bar }
  for (const rate of rates) {
    for (const side of /** @type {const} */ (['ours', 'peer'])) {
      const client = side === 'ours' ? ours : peer
      const requests = await sides[side](DURATION)
      const r = await client.load({ kind: 'open', rate, durationMs: DURATION, requests })
      rows[side].push({ rate, ...r, held: heldRate(r, p99Bar) })
      if (side === 'ours') await ours.eventsDelivered(concerts, platformUrl)
    }
  }
  return rows
}

async function createConcert(...args) {
  const id = await ours.createConcert(...args)
  concerts.push(id)
  return id
}

function entryUsers(ms) {
  return Math.ceil((ms / 1000) * ENTRY_USERS_PER_SECOND)
}

function oursEntries(concertId, tokens) {
  const path = `/api/concerts/${concertId}/queue/tokens`
  return tokens.map((t) => ({ method: 'POST', path, headers: { authorization: `Bearer ${t}` } }))
}

function peerEntry() {
  return {
    method: 'POST',
    path: '/queue/tokens',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ concertId: CONCERT_ID, userId: ++peerUserId }),
  }
}

/** `count` users entered into the peer's line in turn (C at a time): their queue tokens, in that order. */
async function peerTokens(count) {
  const tokens = new Array(count)
  await pool(count, C, async (i) => {
    const { method, path, body } = peerEntry()
    tokens[i] = (await peer.json(method, path, JSON.parse(body))).data.info.uid
  })
  return tokens
}

// --- the table ---

function table(all) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const n = (v) => Math.round(v).toLocaleString('en')
  const ms = (v) => (v < 10 ? v.toFixed(1) : v.toFixed(0))
  const range = (runs, key) => {
    const xs = runs.map((r) => r[key])
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)]
    return ms(lo) === ms(hi) ? ms(lo) : `${ms(lo)}–${ms(hi)}`
  }
  const errors = (runs) => runs.reduce((sum, r) => sum + r.errors, 0)
  const non2xx = (runs) =>
    runs.reduce(
      (sum, r) => sum + Object.entries(r.statusCounts).reduce((s, [code, k]) => s + (code.startsWith('2') ? 0 : k), 0),
      0,
    )
  const rows = Object.values(all).map(({ what, ours: o, peer: p }) => {
    const [ro, rp] = [median(o.map((r) => r.rps)), median(p.map((r) => r.rps))]
    return `| ${what} | ${n(ro)} | ${range(o, 'p50')} | ${range(o, 'p99')} | ${n(rp)} | ${range(p, 'p50')} | ${range(p, 'p99')} | ${(ro / rp).toFixed(2)} | ${errors(o)} / ${errors(p)} | ${non2xx(o)} / ${non2xx(p)} |`
  })
  return [
    '| workload | ours req/s | ours p50 ms | ours p99 ms | peer req/s | peer p50 ms | peer p99 ms | ours/peer | errors ours / peer | non-2xx ours / peer |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}
