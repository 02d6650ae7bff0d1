// @ts-check
// `npm run bench:costs`: the CPU time each kind of Durable Object spends per operation, the
// costs `npm run sim:rush` works from. The bundle is served as `npm run bench` serves it, with
// a probe (a Worker in an isolate of its own) that calls the objects' methods directly a known
// number of times, one kind at a time, while the runtime's CPU profiler samples the isolate the
// objects run in every 200 µs. CPU per operation = the sampled time not idle (JavaScript, the
// runtime's RPC and SQLite work, garbage collection) over the operations made; beside it the
// runtime's CPU from /proc (the probe's included), and for relays only that (see relayCost).
// Writes bench/results/costs.json and prints a Markdown table. `-- --only <words>` measures
// the rows named so, prints where their time went, and writes nothing.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { benchClient } from './client.mjs'
import { pool } from './pool.mjs'
import { profilerOf } from './inspector.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'

const DRAW_SLICE = Number(
  /DRAW_SLICE = ([\d_]+)/.exec(readFileSync('src/concert/pre-queue/draw-slices.ts', 'utf8'))?.[1].replace('_', ''),
)

const BATCH = 1_000
const PROBE = `
const preQueue = []
const ids = (n) => Array.from({ length: n }, () => crypto.randomUUID())
const versionOf = (r) => { if (!r.ok) throw new Error(r.code); return { epoch: r.value.epoch, version: r.value.version } }
export default {
  async fetch(request, env) {
    const q = Object.fromEntries(new URL(request.url).searchParams)
    const n = Number(q.n)
    const concert = env.CONCERT.get(env.CONCERT.idFromName(q.concert))
    const mirror = env.MIRROR.get(env.MIRROR.idFromName(q.concert + '/probe'))
    let have
    switch (new URL(request.url).pathname) {
      case '/enter':
        for (let i = 0; i < n; i++) await concert.enterAll(ids(${BATCH}))
        break
      case '/view-change':
        have = versionOf(await concert.queueView([]))
        for (let i = 0; i < n; i++) have = versionOf(await concert.queueView([], have))
        break
      case '/view-whole':
        for (let i = 0; i < n; i++) versionOf(await concert.queueView([]))
        break
      case '/mirror-line':
        have = versionOf(await mirror.mirroredLine(q.concert, []))
        for (let i = 0; i < n; i++) have = versionOf(await mirror.mirroredLine(q.concert, [], have))
        break
      case '/hold-release': {
        const entered = (await concert.enterAll(['holder']))[0]
        const holder = { arrival: entered.value.arrival, userId: 'holder' }
        for (let i = 0; i < n; i += 2) {
          const held = await concert.hold(holder, q.date, [1 + (i % 40)])
          if (!held.ok) throw new Error(held.code)
          await concert.release(holder, held.value.reservationId)
        }
        break
      }
      case '/hold-release-together': {
        // 50 holders at once, each holding and releasing a seat of its own: the object groups what arrives together (group commit).
        const holders = (await concert.enterAll(Array.from({ length: 50 }, (_, k) => 'together-' + k))).map((e, k) => ({ arrival: e.value.arrival, userId: 'together-' + k }))
        await Promise.all(
          holders.map(async (holder, k) => {
            for (let i = 0; i < n / 50; i += 2) {
              const held = await concert.hold(holder, q.date, [1 + k])
              if (!held.ok) throw new Error(held.code)
              await concert.release(holder, held.value.reservationId)
            }
          }),
        )
        break
      }
      case '/pre-queue-fill':
        for (let i = 0; i < n; i++) for (const entry of await concert.enterAll(ids(${BATCH}))) preQueue.push({ arrival: 0, userId: entry.value.status.userId, entryId: entry.value.entryId })
        break
      case '/status-drawn':
        // A drawn pre-queue entry's first status: its token names the entry; the object finds the place the draw gave it.
        for (let i = 0; i < n; i++) {
          const status = await concert.status(preQueue[i])
          if (!status.ok || status.value.arrival === 0) throw new Error('not drawn')
        }
        break
      case '/drawn-arrivals':
        // The same, as a gate asks them: 500 entries a call.
        for (let i = 0; i < n; i += 500) {
          const arrivals = await concert.drawnArrivals(preQueue.slice(i, i + 500))
          if (!arrivals.ok || arrivals.value.some((a) => a === 0)) throw new Error('not drawn')
        }
        break
      case '/follow-drawn':
        // As relays ask for their listeners' places after the draw: 500 a call.
        for (let i = 0; i < n; i += 500) {
          const followed = await concert.follow(preQueue.slice(i, i + 500))
          if (!followed.ok || followed.value.some((f) => !f.arrival)) throw new Error('not followed')
        }
        break
      case '/draw-order':
        // The draw's order as the order gate fetches it (sorted as the draw began, from the prefixes gathered as entries were made).
        for (let i = 0; i < n; i++) if (!(await concert.drawOrder()).ok) throw new Error('no order')
        break
      case '/order-gate': {
        // The order gate sending the order on, as each place gate fetches it.
        const orderGate = env.GATE.get(env.GATE.idFromName(q.concert + '/gate/order')) // orderGateName (src/shared/gate-names.ts)
        for (let i = 0; i < n; i++) if (!(await orderGate.drawOrder(q.concert)).value) throw new Error('no order')
        break
      }
      case '/first-place':
        // A place gate's first place: the order fetched from the order gate (sent on, received), then one place found.
        for (let i = 0; i < n; i++) {
          const found = await env.GATE.get(env.GATE.idFromName(q.concert + '/gate/first-' + i)).drawnArrivals(q.concert, [{ arrival: 0, userId: 'probe', entryId: crypto.randomUUID() }], [q.concert + '/gate/order'])
          if (!found.ok) throw new Error(found.code)
        }
        break
      case '/gate-place': {
        // A pre-queue entry's place from a gate, one a call as Workers ask it, 100 at once over the gates.
        const gates = Number(q.gates)
        for (let i = 0; i < n; i += 100) {
          const found = await Promise.all(preQueue.slice(i, i + 100).map((place, k) => env.GATE.get(env.GATE.idFromName(q.concert + '/gate/' + (k % gates))).drawnArrivals(q.concert, [place], [q.concert + '/gate/order'])))
          if (found.some((r) => !r.ok || r.value[0] === 0)) throw new Error('no place')
        }
        break
      }
      case '/gate-places':
        // The same, 1,000 a call, as a relay asks for its listeners.
        for (let i = 0; i < n; i += 1_000) {
          const found = await env.GATE.get(env.GATE.idFromName(q.concert + '/gate/0')).drawnArrivals(q.concert, preQueue.slice(i, i + 1_000), [q.concert + '/gate/order'])
          if (!found.ok || found.value.some((a) => a === 0)) throw new Error('no place')
        }
        break
      case '/seats':
        for (let i = 0; i < n; i++) if (!(await concert.seats(q.date, q.section)).ok) throw new Error('no seat map')
        break
      case '/gate-enter':
        for (let i = 0; i < n; i += 500) {
          const gates = Number(q.gates)
          const made = await Promise.all(ids(500).map((id, k) => env.GATE.get(env.GATE.idFromName(q.concert + '/gate/' + (k % gates))).enter(q.concert, id)))
          if (!made.every((r) => r.ok)) throw new Error('an entry was refused')
        }
        break
    }
    return new Response('ok')
  },
}`

const inspectorPort = 9229 + Math.floor(Math.random() * 500)
const server = await serveBundle({ inspectorPort, probe: PROBE })
const { createConcert, json, load, accessTokens } = benchClient(server.url, { ADMIN_TOKEN, AUTH_SECRET })
const inspector = await profilerOf(inspectorPort)

/** Each entry writes a sale event: the outbox's publishing runs in the same isolate, so it is waited out before the next measurement. */
async function eventsSent(concertId) {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
  for (;;) {
    const { events } = await json('GET', `/api/admin/concerts/${concertId}/queue`, undefined, admin)
    if (events.unsent === 0) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/**
 * CPU ms the runtime's processes (workerd: the objects, the probe, the runtime's own I/O) used
 * so far, from /proc: the profiler's samples count a thread preempted, or waiting outside
 * JavaScript, as busy, so where the isolate also waits (the relays' row) this is the measure.
 */
function runtimeCpuMs() {
  const ticks = execFileSync('sh', ['-c', "for p in $(pgrep -x workerd); do cut -d' ' -f14,15 /proc/$p/stat; done"], {
    encoding: 'utf8',
  })
    .split(/\s+/)
    .filter(Boolean)
    .reduce((sum, n) => sum + Number(n), 0)
  return (ticks * 1000) / 100
}

/**
 * A sample's time in µs: the gap since the sample before it, capped at five sampling intervals.
 * The profiler takes no samples while the isolate waits for work, so the first sample after a
 * wait carried the whole wait: in the draw's slices, a second apart, single samples in SQLite
 * carried 0.5 and 0.9 s, where the slices' statements took 63–75 ms each by the clock (16:45 UTC).
 */
const SAMPLE_CAP_US = 1_000
const sampleUs = (profile, i) => Math.min(profile.timeDeltas[i] ?? 0, SAMPLE_CAP_US)

/** CPU ms of the objects' isolate while the probe runs `path`. */
async function busyMs(path) {
  const cpuBefore = runtimeCpuMs()
  await inspector.call('Profiler.start')
  const started = performance.now()
  const res = await server.probe(path)
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  const wallMs = performance.now() - started
  const { profile } = await inspector.call('Profiler.stop')
  const runtimeMs = runtimeCpuMs() - cpuBefore
  if (only) console.error(hottest(profile), '\n', busyByKind(profile))
  return { cpuMs: busyOf(profile) / 1000, wallMs, runtimeMs }
}

/** The module each line of the bundle comes from (esbuild's `// src/...` and `// node_modules/...` markers). */
const moduleOfLine = (() => {
  const modules = []
  let current = ''
  for (const line of server.bundle.split('\n')) {
    const marker = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line)
    if (marker) current = marker[1]
    modules.push(current)
  }
  return modules
})()

/**
 * Busy time by the kind of object whose code a sample runs for: the outermost frame of our own
 * code (src/relay/ → relay, src/concert/ → concert object, ...), so that what a relay runs of
 * the line's code (held-line.ts) counts as the relay's. Samples with none of our frames
 * (the runtime's own work, garbage collection) are `runtime`. In µs.
 */
function busyByKind(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])))
  const kindOf = new Map()
  const kindOfNode = (id) => {
    if (kindOf.has(id)) return kindOf.get(id)
    const parent = parents.get(id)
    const outer = parent === undefined ? 'runtime' : kindOfNode(parent)
    const { url, lineNumber, functionName } = nodes.get(id).callFrame
    const module = url.endsWith('index.js') ? (moduleOfLine[lineNumber] ?? '') : ''
    const own = module.startsWith('src/') ? (/^src\/([^/]+)\//.exec(module)?.[1] ?? 'worker') : null
    const kind = functionName === '(idle)' ? 'idle' : outer === 'runtime' && own ? own : outer
    kindOf.set(id, kind)
    return kind
  }
  const busy = {}
  profile.samples.forEach((id, i) => {
    const kind = kindOfNode(id)
    if (kind !== 'idle') busy[kind] = (busy[kind] ?? 0) + sampleUs(profile, i)
  })
  return busy
}

/** Sampled ms spent with each of these functions on the stack (a function's own time and its callees'). */
function underFrames(profile, names) {
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])))
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const totals = Object.fromEntries(names.map((n) => [n, 0]))
  profile.samples.forEach((id, i) => {
    const seen = new Set()
    for (let node = id; node !== undefined; node = parents.get(node)) {
      const name = nodes.get(node).callFrame.functionName
      if (name in totals && !seen.has(name)) {
        seen.add(name)
        totals[name] += sampleUs(profile, i) / 1000
      }
    }
  })
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, +v.toFixed(1)]))
}

/** With `--only`: where the time went, the functions with the most sampled time of their own. */
function hottest(profile, count = 15) {
  const self = new Map()
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])))
  profile.samples.forEach((id, i) => {
    const frame = (node) =>
      `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`
    const node = nodes.get(id)
    const name = `${frame(node)} < ${parents.has(id) ? frame(nodes.get(parents.get(id))) : ''}`
    self.set(name, (self.get(name) ?? 0) + sampleUs(profile, i))
  })
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`)
    .join('\n')
}

/** `-- --only <words>`: measure only the rows whose name has these words (costs.json is then left as it is). */
const onlyAt = process.argv.indexOf('--only')
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined
const rows = []
async function measure(name, operation, count, path) {
  if (only && !name.includes(only))
    return { name, operation, count, cpuMs: NaN, wallMs: NaN, cpuUsPerOp: NaN, runtimeCpuMs: NaN }
  const { cpuMs, wallMs, runtimeMs } = await busyMs(path)
  const row = {
    name,
    operation,
    count,
    cpuMs: +cpuMs.toFixed(1),
    wallMs: Math.round(wallMs),
    cpuUsPerOp: +((cpuMs * 1000) / count).toFixed(1),
    runtimeCpuMs: runtimeMs,
  }
  rows.push(row)
  console.error(JSON.stringify(row))
  return row
}

/**
 * The opening of a pre-queue of 100,000: the alarm at opensAt begins the draw (the order
 * sorted, the places reserved) and draws its first slice of DRAW_SLICE. The profile's samples
 * under the opening's own frame (`openIfDue`) less those under its first slice (`drawSlice`,
 * `joinDrawn`, which the simulation counts with every slice), per entry. The runtime's CPU
 * from /proc over the same second is printed beside it (it counts in 10 ms, and the fill's
 * garbage collected then).
 */
async function openingCost() {
  const ENTRIES = 100_000
  // Time to fill and to publish every entry's event first (5,000 a second).
  const opensAt = Date.now() + 5_000 + ENTRIES / 4
  const concertId = await createConcert({ maxActiveUsers: 100, idleTimeoutSeconds: 86_400 }, 1, undefined, {
    opensAt: new Date(opensAt).toISOString(),
    preQueueOpensAt: new Date(Date.now() - 60_000).toISOString(),
  })
  await server.probe(`/enter?concert=${concertId}&n=${ENTRIES / BATCH}`)
  await eventsSent(concertId)
  if (Date.now() > opensAt - 500) throw new Error('the pre-queue filled too late to measure its opening')
  // Kept awake until then, as a rush keeps it: an object evicted while idle reads the draw's order back from its table at the opening (240 ms at 100,000).
  while (Date.now() < opensAt - 1_300)
    await Promise.all([eventsSent(concertId), new Promise((resolve) => setTimeout(resolve, 1_000))])
  await new Promise((resolve) => setTimeout(resolve, opensAt - 300 - Date.now()))
  const before = runtimeCpuMs()
  await inspector.call('Profiler.start')
  // The opening and its first slice, then SLICES more, a second apart.
  const SLICES = 3
  await new Promise((resolve) => setTimeout(resolve, 1_300 + SLICES * 1_000))
  const { profile } = await inspector.call('Profiler.stop')
  const runtimeMs = runtimeCpuMs() - before
  if ((await json('GET', `/api/concerts/${concertId}/sale`)).drawnEntries !== ENTRIES)
    throw new Error('the draw did not begin')
  const under = underFrames(profile, ['openIfDue', 'drawSlice', 'joinDrawn'])
  if (only) console.error(hottest(profile, 25))
  const slicesMs = under.drawSlice + under.joinDrawn
  const openingMs = under.openIfDue - slicesMs
  const drawn = (SLICES + 1) * DRAW_SLICE
  /** A row of entries from sampled ms. */
  const perEntry = (name, count, ms, digits, runtimeCpuMs = NaN) => ({
    name,
    operation: 'entry',
    count,
    cpuMs: +ms.toFixed(1),
    wallMs: NaN,
    cpuUsPerOp: +((ms * 1000) / count).toFixed(digits),
    runtimeCpuMs,
  })
  const rows = [
    perEntry(
      `object: the opening, per entry in the pre-queue (${ENTRIES.toLocaleString('en')}, sampled, its slices apart)`,
      ENTRIES,
      openingMs,
      2,
    ),
    perEntry(
      `object: the draw's slices, per entry drawn (${SLICES + 1} slices after an opening of ${ENTRIES.toLocaleString('en')}, sampled)`,
      drawn,
      slicesMs,
      1,
      runtimeMs,
    ),
  ]
  console.error(JSON.stringify(rows))
  return { rows, concertId, entries: ENTRIES }
}

/**
 * Relays: SOCKETS waiting fans each holding a socket, then the line moved five times (the
 * operator admits more), a second apart: CPU per socket told (the objects' isolate, where the
 * relays run; the object's pushes are charged to the relays here, so it is an upper bound).
 */
async function relayCost() {
  const SOCKETS = 2_000
  const concertId = await createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
  const enter = (await accessTokens(SOCKETS + 1)).map((t) => ({
    method: 'POST',
    path: `/api/concerts/${concertId}/queue/tokens`,
    headers: { authorization: `Bearer ${t}` },
  }))
  const { collected } = await load({
    kind: 'http',
    connections: 50,
    amount: enter.length,
    requests: enter,
    collectWaiting: true,
  })
  let told = 0
  const sockets = []
  await pool(collected.length, 100, async (i) => {
    const ws = new WebSocket(
      `${server.url.replace('http', 'ws')}/api/concerts/${concertId}/queue/ws?token=${collected[i]}`,
    )
    sockets.push(ws)
    ws.on('message', () => told++)
    await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)))
  })
  await eventsSent(concertId)
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
  const before = told
  // The clients read nothing while the profile runs (the kernel keeps what arrives): their work
  // on these 2 cores would otherwise preempt the runtime and count as its busy time.
  for (const ws of sockets) ws.pause()
  const cpuBefore = runtimeCpuMs()
  await inspector.call('Profiler.start')
  for (let k = 1; k <= 5; k++) {
    await fetch(`${server.url}/api/admin/concerts/${concertId}/queue-policy`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ maxActiveUsers: 1 + 10 * k }),
    })
    await new Promise((resolve) => setTimeout(resolve, 1_100))
  }
  const { profile } = await inspector.call('Profiler.stop')
  const runtimeMs = runtimeCpuMs() - cpuBefore
  for (const ws of sockets) ws.resume()
  for (let last = -1; told !== last;) {
    last = told
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const messages = told - before
  const byKind = busyByKind(profile)
  if (only) console.error(hottest(profile, 25), '\n', byKind)
  // The row: the runtime's CPU over the changes, everything in it included (the object's
  // pushes, the sockets' writes outside the isolate), an upper bound on a relay's. Its sampled
  // ms are the relays' own code in the isolate alone, a lower bound.
  const row = {
    name: `relay: a socket told (${collected.length.toLocaleString('en')} sockets, 5 changes; the runtime's CPU, all of it)`,
    operation: 'message',
    count: messages,
    cpuMs: +(byKind.relay / 1000).toFixed(1),
    wallMs: NaN,
    cpuUsPerOp: +((runtimeMs * 1000) / messages).toFixed(1),
    runtimeCpuMs: runtimeMs,
  }
  console.error(JSON.stringify(row))
  return row
}

function busyOf(profile) {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id))
  let busy = 0
  profile.samples.forEach((id, i) => idle.has(id) || (busy += sampleUs(profile, i)))
  return busy
}

try {
  // First, on a fresh server: the local Queue's timers, which later rows' events pile up, refused sends past 10,000.
  if (!only || 'object: the opening'.includes(only)) {
    const opening = await openingCost()
    rows.push(...opening.rows)
    // What the order gate fetches from the object as the draw begins, and sends on to each place gate, at this size.
    const size = opening.entries.toLocaleString('en')
    const sent = await measure(
      `object: the draw's order sent to the order gate, at the opening (${size} entries)`,
      'call',
      20,
      `/draw-order?concert=${opening.concertId}&n=20`,
    )
    await server.probe(`/order-gate?concert=${opening.concertId}&n=1`) // its first call fetches the order from the object
    const sentOn = await measure(
      `gate: the draw's order sent on to a place gate, at the opening (${size} entries)`,
      'call',
      20,
      `/order-gate?concert=${opening.concertId}&n=20`,
    )
    const firstPlace = await measure(
      `gate: a place gate's first place, the order fetched from the order gate, at the opening (${size} entries)`,
      'call',
      20,
      `/first-place?concert=${opening.concertId}&n=20`,
    )
    sent.entries = sentOn.entries = firstPlace.entries = opening.entries
    // The draw goes on writing a slice of DRAW_SLICE (5,000, src/concert/pre-queue/draw-slices.ts)
    // a second, with its events: every object here shares one isolate, so rows measured meanwhile
    // counted the slices as theirs (a line view's change measured 136 µs in the whole run at 02:20
    // UTC on 2026-12-07, 43 µs alone). The next rows wait for the draw's end and its events.
    await new Promise((resolve) => setTimeout(resolve, (opening.entries / 5_000 + 2) * 1_000))
    await eventsSent(opening.concertId)
  }
  const open = await createConcert({ maxActiveUsers: 100, idleTimeoutSeconds: 86_400 }, 1)
  await measure('object: entries into the line', 'entry', 20 * BATCH, `/enter?concert=${open}&n=20`)
  await eventsSent(open)
  await measure('object: line view, a change (nothing left)', 'call', 2_000, `/view-change?concert=${open}&n=2000`)
  await measure('object: line view, whole (20,000 waiting)', 'call', 50, `/view-whole?concert=${open}&n=50`)
  await measure(
    'mirror: line view, a change (its pulls included)',
    'call',
    5_000,
    `/mirror-line?concert=${open}&n=5000`,
  )
  const seated = await createConcert({ maxActiveUsers: 100 }, 1)
  const date = (await json('GET', `/api/concerts/${seated}/dates`)).dates[0].date
  await measure('object: a hold or a release', 'call', 2_000, `/hold-release?concert=${seated}&n=2000&date=${date}`)
  await eventsSent(seated)
  await measure(
    'object: a hold or a release, 50 holders at once',
    'call',
    10_000,
    `/hold-release-together?concert=${seated}&n=10000&date=${date}`,
  )
  await eventsSent(seated)
  const arena = await createConcert(
    { maxActiveUsers: 100 },
    1,
    ['A', 'B', 'C', 'D'].map((name) => ({ name, price: 1_000, seats: 5_000 })),
  )
  const arenaDate = (await json('GET', `/api/concerts/${arena}/dates`)).dates[0].date
  await measure(
    'object: a seat map, one section of 5,000 seats',
    'call',
    200,
    `/seats?concert=${arena}&n=200&date=${arenaDate}&section=A`,
  )
  const hour = 3_600_000
  const scheduled = await createConcert({ maxActiveUsers: 100, idleTimeoutSeconds: 86_400 }, 1, undefined, {
    opensAt: new Date(Date.now() + hour).toISOString(),
    preQueueOpensAt: new Date(Date.now() - 60_000).toISOString(),
  })
  const preQueue = await measure(
    'object: entries into the pre-queue',
    'entry',
    20 * BATCH,
    `/enter?concert=${scheduled}&n=20`,
  )
  await eventsSent(scheduled)
  const gated = await measure(
    'gates + object: entries through 8 gates',
    'entry',
    10_000,
    `/gate-enter?concert=${scheduled}&n=10000&gates=8`,
  )
  rows.push({
    name: "gate: an entry (the line above less the object's)",
    operation: 'entry',
    count: gated.count,
    cpuMs: NaN,
    wallMs: NaN,
    cpuUsPerOp: +(gated.cpuUsPerOp - preQueue.cpuUsPerOp).toFixed(1),
    runtimeCpuMs: NaN,
  })
  // A pre-queue drawn at its opening, then each entry's first status asked of the object.
  const soon = await createConcert({ maxActiveUsers: 100, idleTimeoutSeconds: 86_400 }, 1, undefined, {
    opensAt: new Date(Date.now() + 15_000).toISOString(),
    preQueueOpensAt: new Date(Date.now() - 60_000).toISOString(),
  })
  await server.probe(`/pre-queue-fill?concert=${soon}&n=10`)
  while ((await json('GET', `/api/concerts/${soon}/sale`)).drawnEntries === undefined)
    await new Promise((resolve) => setTimeout(resolve, 500))
  await eventsSent(soon)
  await measure("object: a drawn pre-queue entry's first status", 'call', 5_000, `/status-drawn?concert=${soon}&n=5000`)
  await measure(
    "object: drawn entries' places, 500 a call (from a gate)",
    'entry',
    10_000,
    `/drawn-arrivals?concert=${soon}&n=10000`,
  )
  await measure(
    "object: drawn entries' statuses, 500 a call (from a relay)",
    'entry',
    10_000,
    `/follow-drawn?concert=${soon}&n=10000`,
  )
  await measure(
    "object: the draw's order sent to the order gate (10,000 entries)",
    'call',
    50,
    `/draw-order?concert=${soon}&n=50`,
  )
  await measure(
    "gate: a pre-queue entry's place from the draw's order, one a call",
    'call',
    5_000,
    `/gate-place?concert=${soon}&n=5000&gates=8`,
  )
  await measure(
    "gate: pre-queue entries' places from the draw's order, 1,000 a call",
    'entry',
    10_000,
    `/gate-places?concert=${soon}&n=10000`,
  )
  if (!only || only.startsWith('relay')) rows.push(await relayCost())
  if (!only) {
    mkdirSync('bench/results', { recursive: true })
    writeFileSync(
      'bench/results/costs.json',
      JSON.stringify({ measuredAt: new Date().toISOString(), rows }, null, 2) + '\n',
    )
  }
  const shown = (n) => (n === undefined || Number.isNaN(n) ? '–' : n)
  console.log(
    "| what | operations | sampled busy ms | runtime's CPU ms (probe included) | wall ms | CPU µs per operation |",
  )
  console.log('|---|---|---|---|---|---|')
  for (const r of rows)
    console.log(
      `| ${r.name} | ${(r.count ?? 0).toLocaleString('en')} ${r.operation === 'entry' ? 'entries' : r.operation === 'message' ? 'messages' : 'calls'} | ${shown(r.cpuMs)} | ${shown(r.runtimeCpuMs)} | ${shown(r.wallMs)} | **${r.cpuUsPerOp}** |`,
    )
} finally {
  inspector.close()
  await server.dispose()
}
