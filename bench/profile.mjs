// @ts-check
// `npm run bench:profile -- <entry|admitted|status|dates|seatMap|race|purchase|purchaseLarge> [--no-profile] [--connections N]`:
// a CPU profile of the Worker and its objects (one isolate) while one workload runs against the
// bundle served as `npm run bench` serves it. Prints the functions with the most self time;
// writes the whole profile to bench/results/<workload>.cpuprofile (open it in Chrome DevTools'
// Performance panel). With --no-profile it measures the workload alone (no inspector), after
// /healthz in the same run, for quick A/B comparisons of one workload.
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { benchClient } from './client.mjs'
import { profilerOf } from './inspector.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'

const { positionals, values: options } = parseArgs({
  allowPositionals: true,
  options: { 'no-profile': { type: 'boolean', default: false }, connections: { type: 'string', default: '50' } },
})
const workload = positionals[0] ?? 'entry'
const profiling = !options['no-profile']
const connections = Number(options.connections)
const inspectorPort = profiling ? 9229 + Math.floor(Math.random() * 500) : undefined
const server = await serveBundle({ inspectorPort })
const { load, json, createConcert, accessTokens, fundedUsers, activeBuyers, sameSeatRace } = benchClient(server.url, {
  ADMIN_TOKEN,
  AUTH_SECRET,
})
const run = (requests) =>
  load({ kind: workload.startsWith('purchase') ? 'purchase' : 'http', connections, durationMs: 3_000, ...requests })
const summary = (name, r) =>
  `${name}: ${Math.round(r.rps)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, statuses ${JSON.stringify(r.statusCounts)}${r.steps ? `, steps ${JSON.stringify(r.steps)}` : ''}`

try {
  if (!profiling) {
    const baseline = await load({
      kind: 'http',
      connections,
      durationMs: 3_000,
      requests: [{ method: 'GET', path: '/healthz' }],
    })
    const result = await run(await requestsFor(workload))
    console.log(summary('baseline', baseline))
    console.log(`${summary(workload, result)}, ${Math.round((result.rps / baseline.rps) * 100)}% of baseline`)
  } else {
    const requests = await requestsFor(workload)
    const inspector = await profilerOf(inspectorPort)
    await inspector.call('Profiler.start')
    const result = await run(requests)
    const { profile } = await inspector.call('Profiler.stop')
    inspector.close()
    mkdirSync('bench/results', { recursive: true })
    writeFileSync(`bench/results/${workload}.cpuprofile`, JSON.stringify(profile))
    console.log(summary(workload, result))
    console.log(summarize(profile))
  }
} finally {
  await server.dispose()
}

async function requestsFor(name) {
  if (name === 'entry' || name === 'status' || name === 'admitted') {
    // 'admitted': every entry is admitted at once, as in a sale with places free.
    const concertId = await createConcert(
      name === 'admitted' ? { maxActiveUsers: 20_000 } : { maxActiveUsers: 1, idleTimeoutSeconds: 86_400 },
      1,
    )
    const enter = (await accessTokens(12_000)).map((t) => ({
      method: 'POST',
      path: `/api/concerts/${concertId}/queue/tokens`,
      headers: { authorization: `Bearer ${t}` },
    }))
    if (name !== 'status') return { requests: enter }
    const { collected } = await load({
      kind: 'http',
      connections: 50,
      amount: 10_000,
      requests: enter,
      collectWaiting: true,
    })
    return {
      requests: collected.map((t) => ({
        method: 'GET',
        path: `/api/concerts/${concertId}/queue/status`,
        headers: { 'x-queue-token': t },
      })),
    }
  }
  if (name === 'dates' || name === 'seatMap') {
    // As `npm run bench` has them: a concert on sale of 8 dates, its dates, and one date's seats read by an ACTIVE buyer.
    const concertId = await createConcert({ maxActiveUsers: 1_000 }, 8)
    if (name === 'dates') return { requests: [{ method: 'GET', path: `/api/concerts/${concertId}/dates` }] }
    const [buyer] = await activeBuyers(concertId, 1)
    const date = (await json('GET', `/api/concerts/${concertId}/dates`)).dates[0].date
    return { requests: [{ method: 'GET', path: `/api/concerts/${concertId}/dates/${date}/seats`, headers: buyer }] }
  }
  if (name === 'race') return sameSeatRace()
  if (name === 'purchase' || name === 'purchaseLarge') {
    // purchaseLarge: the same purchases in a venue of 4 dates of 50,000 seats (1,000 sections of 50).
    const large = name === 'purchaseLarge'
    const sections = large
      ? Array.from({ length: 1_000 }, (_, i) => ({ name: `B${i + 1}`, price: 1_000, seats: 50 }))
      : undefined
    const concertId = await createConcert({ maxActiveUsers: 10_000 }, large ? 4 : 60, sections)
    const dates = (await json('GET', `/api/concerts/${concertId}/dates`)).dates.map((d) => d.date)
    return { concertId, dates, seatsPerDate: large ? 50_000 : 50, buyers: await fundedUsers(1_000, 1_000_000) }
  }
  throw new Error(`no such workload: ${name} (entry, admitted, status, dates, seatMap, race, purchase, purchaseLarge)`)
}

/**
 * Self time per function, as a share of all samples. Time in the runtime's own code (no
 * script URL) is charged to the script function that called it, so that `exec` shows up as
 * the query that ran it.
 */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id)
  const label = ({ functionName, url, lineNumber }) =>
    `${functionName || '(anonymous)'} ${url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''}`.trim()
  const counts = new Map()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  const total = profile.samples.length
  const self = new Map()
  for (const [id, n] of counts) {
    const own = byId.get(id).callFrame
    let key = label(own)
    if (!own.url && !key.startsWith('(')) {
      let up = parent.get(id)
      while (up !== undefined && !byId.get(up).callFrame.url) up = parent.get(up)
      if (up !== undefined) key = `${key} ← ${label(byId.get(up).callFrame)}`
    }
    self.set(key, (self.get(key) ?? 0) + n)
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40)
    .map(([key, n]) => `${((n / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n')
}
