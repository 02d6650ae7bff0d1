// @ts-check
// `npm run bench [-- --quick] [-- --dev | --entry-worker] [-- --connections N] [-- --only gate]`: the sale-rush workloads against the
// Worker served the way production runs it (the bundle `wrangler deploy` builds, in workerd
// through Miniflare's API, on a socket of its own, fresh state); with --entry-worker the same
// behind Miniflare's entry Worker (how this bench served it until 2026-11-25), with --dev
// against `wrangler dev`. Load comes from bench/load.mjs in its own process. Writes
// bench/results/<latest|entry-worker|dev>[-c<N> past 50 connections].json, its table in docs/benchmarks.md and, for the
// default serving, the chart docs/benchmarks.svg.
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchClient, eventsLost } from './client.mjs'
import { gateWorkloads } from './gate.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'
import { startDataPlatform } from '../test/support/data-platform.mjs'

const quick = process.argv.includes('--quick')
const dev = process.argv.includes('--dev')
const entryWorker = process.argv.includes('--entry-worker')
const DURATION = quick ? 3_000 : 10_000
const connectionsFlag = process.argv.indexOf('--connections')
const C = connectionsFlag > 0 ? Number(process.argv[connectionsFlag + 1]) : 50
/** `--only gate`: the baseline and the gate's workloads alone (bench/gate.mjs), written to bench/results/gate.json, not to the docs' tables. */
const onlyFlag = process.argv.indexOf('--only')
const only = onlyFlag > 0 ? process.argv[onlyFlag + 1] : undefined
if (only !== undefined && only !== 'gate') throw new Error(`--only: unknown workload group ${only} (known: gate)`)
const started = Date.now()

// Every sale event is delivered to a stand-in data platform (test/support/data-platform.mjs), which counts them.
const PLATFORM_PORT = 9793
const platform = dev ? null : await startDataPlatform(PLATFORM_PORT)
const server = dev
  ? await serveDev()
  : await serveBundle({ entryWorker, vars: { DATA_PLATFORM_URL: `http://127.0.0.1:${PLATFORM_PORT}/events` } })
const secrets = dev ? devSecrets() : { AUTH_SECRET, ADMIN_TOKEN }
const base = server.url
const bench = benchClient(base, secrets)
const { load, json, accessTokens, fundedUsers, activeBuyers } = bench
const results = {}
const notes = []
/** Every concert the run made, for the count of events written. */
const concerts = []
const createConcert = async (...args) => {
  const id = await bench.createConcert(...args)
  concerts.push(id)
  return id
}
const sameSeatRace = async () => {
  const race = await bench.sameSeatRace()
  concerts.push(race.concertId)
  return race
}
let events = null

try {
  await run()
  if (platform) events = await bench.eventsDelivered(concerts, `http://127.0.0.1:${PLATFORM_PORT}`)
} finally {
  await server.dispose()
  platform?.close()
}

async function run() {
  results.baseline = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: [{ method: 'GET', path: '/healthz' }],
  })
  if (only === 'gate') return gate()

  // Queue entry: distinct users (access tokens signed here with the server's secret, as the
  // Worker would) enter one concert whose single place keeps everyone after the first waiting.
  const queueConcert = await createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
  const entryUsers = await accessTokens(quick ? 15_000 : 40_000)
  const enter = (tokens) =>
    tokens.map((t) => ({
      method: 'POST',
      path: `/api/concerts/${queueConcert}/queue/tokens`,
      headers: { authorization: `Bearer ${t}` },
    }))
  const entry = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: enter(entryUsers),
    collectWaiting: true,
  })
  let waitingTokens = entry.collected
  if (waitingTokens.length < 10_000) {
    const more = await load({
      kind: 'http',
      connections: C,
      amount: 10_000 - waitingTokens.length,
      requests: enter(await accessTokens(10_000)),
      collectWaiting: true,
    })
    waitingTokens = waitingTokens.concat(more.collected)
  }
  results.queueEntry = entry

  // Status polling by 10,000 waiting users, once the entries' sale events (one each) have been
  // relayed and delivered: polls while thousands of deliveries were in flight measured the
  // deliveries' share of the two cores, not the polls.
  await (platform
    ? bench.eventsDelivered(concerts, `http://127.0.0.1:${PLATFORM_PORT}`)
    : new Promise((resolve) => setTimeout(resolve, 2_000)))
  results.queueStatus = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: waitingTokens.slice(0, 10_000).map((t) => ({
      method: 'GET',
      path: `/api/concerts/${queueConcert}/queue/status`,
      headers: { 'x-queue-token': t },
    })),
  })

  // Dates and the seat map of a concert on sale.
  const saleConcert = await createConcert({ maxActiveUsers: 1_000 }, 8)
  results.dates = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: [{ method: 'GET', path: `/api/concerts/${saleConcert}/dates` }],
  })
  const [buyer] = await activeBuyers(saleConcert, 1)
  const saleDate = (await json('GET', `/api/concerts/${saleConcert}/dates`)).dates[0].date
  results.seatMap = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: [{ method: 'GET', path: `/api/concerts/${saleConcert}/dates/${saleDate}/seats`, headers: buyer }],
  })

  // 10,000 attempts on one seat by 100 ACTIVE users at concurrency 100.
  results.sameSeatRace = await load({ kind: 'http', amount: 10_000, ...(await sameSeatRace()) })
  results.sameSeatRace.winners = results.sameSeatRace.statusCounts['201'] ?? 0

  // Purchases from queue entry to payment. The buyers are users with a balance, made before the
  // clock starts; each buys several seats (a new queue token each time), within the per-user
  // limit of 20 entries and holds per 10 s.
  const purchaseDates = quick ? 60 : 200
  const purchaseConcert = await createConcert({ maxActiveUsers: 10_000 }, purchaseDates)
  const dates = (await json('GET', `/api/concerts/${purchaseConcert}/dates`)).dates.map((d) => d.date)
  const buyers = await fundedUsers(1_000, 1_000_000)
  results.purchase = await load({
    kind: 'purchase',
    connections: C,
    durationMs: DURATION,
    concertId: purchaseConcert,
    dates,
    seatsPerDate: 50,
    buyers,
  })
  const p = results.purchase
  const ms = (v) => v.toFixed(1)
  notes.push(
    `purchase: req/s is completed purchases per second (${Math.round(p.requestsPerSecond).toLocaleString('en')} requests/s); its p50/p95/p99 are per request, as elsewhere. ` +
      `Whole purchases (entry, hold, payment) took p50 ${ms(p.purchaseP50)} / p95 ${ms(p.purchaseP95)} / p99 ${ms(p.purchaseP99)} ms; ` +
      `per step p50/p99: ${Object.entries(p.steps)
        .map(([step, l]) => `${step} ${ms(l.p50)}/${ms(l.p99)}`)
        .join(', ')} ms.`,
  )

  // A large venue (#18): 4 dates of 50,000 seats in 1,000 sections of 50. Its seat map read
  // one section at a time and its purchases of one seat are the same work as seatMap and
  // purchase above on 50 seats a date, so per-seat work on a hot path would show as the gap;
  // then 4-seat orders from entry to payment.
  const blocks = Array.from({ length: 1_000 }, (_, i) => ({
    name: `B${String(i + 1).padStart(4, '0')}`,
    price: 1_000 + (i % 10) * 100,
    seats: 50,
  }))
  const largeConcert = await createConcert({ maxActiveUsers: 10_000, maxTicketsPerUser: 100 }, 4, blocks)
  const largeDates = (await json('GET', `/api/concerts/${largeConcert}/dates`)).dates.map((d) => d.date)
  const [largeBuyer] = await activeBuyers(largeConcert, 1)
  const sectionMap = (b) => ({
    method: 'GET',
    path: `/api/concerts/${largeConcert}/dates/${largeDates[0]}/seats?section=${b.name}`,
    headers: largeBuyer,
  })
  results.seatMapLarge = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: [sectionMap(blocks[0])],
  })
  // Fans spread over every section: each section is asked for less often than an isolate's
  // view of it lasts (250 ms), so nearly every read reaches the object.
  results.seatMapLargeSpread = await load({
    kind: 'http',
    connections: C,
    durationMs: DURATION,
    requests: blocks.map(sectionMap),
  })
  results.purchaseLarge = await load({
    kind: 'purchase',
    connections: C,
    durationMs: DURATION,
    concertId: largeConcert,
    dates: largeDates,
    seatsPerDate: 50_000,
    buyers,
  })
  results.purchaseOrder = await load({
    kind: 'purchase',
    connections: C,
    durationMs: DURATION,
    concertId: largeConcert,
    dates: largeDates.slice(1),
    seatsPerDate: 50_000,
    buyers,
    seatsPerOrder: 4,
  })
  const o = results.purchaseOrder
  notes.push(
    `seatMapLarge reads one 50-seat section of a date of 50,000 (4 such dates, 1,000 sections), to compare with seatMap (a 50-seat date); seatMapLargeSpread reads the 1,000 sections in turn; purchaseLarge buys single seats there, to compare with purchase; ` +
      `purchaseOrder buys 4-seat orders there: req/s is orders per second (${Math.round(o.rps * 4).toLocaleString('en')} seats/s), whole orders p50 ${ms(o.purchaseP50)} / p99 ${ms(o.purchaseP99)} ms.`,
  )

  // An admission reaching every socket: 1,000 in a concert of its own, 10,000 of the queue above.
  const fanoutConcert = await createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
  const fanoutEntries = await load({
    kind: 'http',
    connections: C,
    amount: 1_001,
    requests: enter(await accessTokens(1_001)).map((r) => ({
      ...r,
      path: `/api/concerts/${fanoutConcert}/queue/tokens`,
    })),
    collectWaiting: true,
  })
  results.wsFanout1k = await load({
    kind: 'fanout',
    concertId: fanoutConcert,
    tokens: fanoutEntries.collected,
    trigger: policyChange(fanoutConcert, 2),
  })
  if (dev) {
    // Measured: wrangler dev's proxy holds two descriptors per socket, so 10,000 sockets pass
    // this machine's 20,000 open files and its workerd aborts ("accept: Too many open files").
    notes.push(
      'wsFanout10k not run: through wrangler dev each WebSocket costs its proxy two file descriptors, and 10,000 sockets exceed the 20,000 open files allowed here (`ulimit -n`, not raisable); the proxy aborts with "accept: Too many open files".',
    )
  } else {
    results.wsFanout10k = await load({
      kind: 'fanout',
      concertId: queueConcert,
      tokens: waitingTokens.slice(0, 10_000),
      trigger: policyChange(queueConcert, 2),
    })
  }
  await gate()
}

async function gate() {
  // Its concert is counted with the others' events: createConcert keeps the id.
  const { ticketCode, checkIn } = await gateWorkloads(bench, createConcert, {
    quick,
    connections: C,
    adminToken: secrets.ADMIN_TOKEN,
  })
  Object.assign(results, { ticketCode, checkIn })
}

for (const r of Object.values(results)) {
  r.ratioToBaseline = r.rps / results.baseline.rps
  delete r.collected
}
const report = {
  meta: {
    mode: dev
      ? 'wrangler dev'
      : entryWorker
        ? "bundle in workerd via Miniflare API, behind Miniflare's entry Worker"
        : 'bundle in workerd via Miniflare API, own socket',
    quick,
    date: new Date().toISOString(),
    cpus: cpus().length,
    connections: C,
    durationMs: DURATION,
    totalSeconds: (Date.now() - started) / 1000,
    notes,
  },
  workloads: results,
  ...(events ? { events } : {}),
}
mkdirSync('bench/results', { recursive: true })
const name = only ?? `${dev ? 'dev' : entryWorker ? 'entry-worker' : 'latest'}${C === 50 ? '' : `-c${C}`}`
writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(report, null, 2)}\n`)
if (!only) writeDocs(report, name)
console.log(table(report))
console.log(
  `\n${report.meta.mode}, ${quick ? 'quick' : 'full'} run in ${report.meta.totalSeconds.toFixed(0)} s: bench/results/${name}.json`,
)
if (events && eventsLost(events)) {
  console.error(
    `Sale events lost: ${events.written} written, ${events.delivered} delivered, ${events.unsent} unsent (bench/results/${name}.json)`,
  )
  process.exitCode = 1
}

// --- helpers ---

function policyChange(concertId, maxActiveUsers) {
  return {
    method: 'PUT',
    path: `/api/admin/concerts/${concertId}/queue-policy`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.ADMIN_TOKEN}` },
    body: JSON.stringify({ maxActiveUsers }),
  }
}

function devSecrets() {
  if (!existsSync('.dev.vars')) copyFileSync('.dev.vars.example', '.dev.vars')
  const vars = readFileSync('.dev.vars', 'utf8')
  const get = (key) => new RegExp(`^${key}=(.*)$`, 'm').exec(vars)[1].trim()
  return { AUTH_SECRET: get('AUTH_SECRET'), ADMIN_TOKEN: get('ADMIN_TOKEN') }
}

/** `wrangler dev` on a free port with its own fresh state. */
async function serveDev() {
  devSecrets()
  const persist = mkdtempSync(join(tmpdir(), 'concert-dev-'))
  const wrangler = 'node_modules/wrangler/bin/wrangler.js'
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
  execFileSync('node', [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], {
    stdio: 'ignore',
    env,
  })
  const port = 8900 + Math.floor(Math.random() * 90)
  const child = spawn(
    'node',
    [wrangler, 'dev', '--port', String(port), '--persist-to', persist, '--show-interactive-dev-session=false'],
    { stdio: 'ignore', env, detached: true },
  )
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return {
    url,
    // A promise, as serveBundle's dispose() returns: the caller awaits either.
    dispose() {
      process.kill(-child.pid, 'SIGTERM')
      rmSync(persist, { recursive: true, force: true })
      return Promise.resolve()
    },
  }
}

function table(report) {
  const rows = Object.entries(report.workloads).map(([name, r]) => {
    const statuses = Object.entries(r.statusCounts ?? {})
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')
    return `| ${name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.p999 === undefined ? '' : r.p999.toFixed(1)} | ${r.errors} | ${statuses} | ${(r.ratioToBaseline * 100).toFixed(0)}% | ${(r.durationMs / 1000).toFixed(2)} s |`
  })
  return [
    '| workload | req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | errors | statuses | of baseline | duration |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}

function writeDocs(report, name) {
  const marker = name === 'latest' ? 'bundle' : name
  const file = 'docs/benchmarks.md'
  const doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : `# Benchmarks\n\n<!-- bundle:start -->\n<!-- bundle:end -->\n\n<!-- entry-worker:start -->\n<!-- entry-worker:end -->\n\n<!-- dev:start -->\n<!-- dev:end -->\n`
  const section = `<!-- ${marker}:start -->\n${report.meta.mode}, ${report.meta.quick ? '`--quick`' : 'full'} run of ${report.meta.date.slice(0, 16).replace('T', ' ')} UTC, ${report.meta.cpus} cores shared with the load generator, concurrency ${report.meta.connections} unless the workload says otherwise:\n\n${table(report)}\n${report.meta.notes.map((n) => `\n${n}\n`).join('')}${eventsLine(report.events)}<!-- ${marker}:end -->`
  writeFileSync(file, doc.replace(new RegExp(`<!-- ${marker}:start -->[\\s\\S]*<!-- ${marker}:end -->`), section))
  if (name === 'latest') writeFileSync('docs/benchmarks.svg', chart(report))
}

function eventsLine(events) {
  if (!events) return ''
  const n = (v) => v.toLocaleString('en')
  return `\nSale events: **${n(events.written)} written** to the objects' outboxes over the run, **${n(events.delivered)} delivered** (distinct eventIds at the stand-in data platform; ${n(events.deliveries)} deliveries, ${n(events.duplicates)} duplicates dropped by eventId), ${n(events.unsent)} left unsent, ${events.drainedSecondsAfterRun} s after the last workload.\n`
}

/** Throughput and p99 per workload, as two horizontal bar charts in one SVG. */
function chart(report) {
  const entries = Object.entries(report.workloads)
  const row = 26
  const left = 120
  const width = 360
  const height = 60 + entries.length * row
  const maxRps = Math.max(...entries.map(([, r]) => r.rps))
  const maxP99 = Math.max(...entries.map(([, r]) => r.p99))
  const bars = (x0, value, max, color, label) =>
    entries
      .map(([, r], i) => {
        const w = Math.max(1, (value(r) / max) * (width - 70))
        const y = 40 + i * row
        return `<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${color}"/><text x="${x0 + w + 4}" y="${y + 13}" font-size="11">${label(r)}</text>`
      })
      .join('')
  const names = entries
    .map(([name], i) => `<text x="${left - 6}" y="${53 + i * row}" font-size="12" text-anchor="end">${name}</text>`)
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + 2 * width + 20}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left}" y="24" font-size="14" font-weight="bold">requests/s (${report.meta.mode})</text>
<text x="${left + width + 10}" y="24" font-size="14" font-weight="bold">p99 latency, ms</text>
${names}
${bars(
  left,
  (r) => r.rps,
  maxRps,
  '#5b3df5',
  (r) => Math.round(r.rps).toLocaleString('en'),
)}
${bars(
  left + width + 10,
  (r) => r.p99,
  maxP99,
  '#e0803a',
  (r) => r.p99.toFixed(1),
)}
</svg>
`
}
