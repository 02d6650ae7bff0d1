// @ts-check
// `npm run sim:rush`: one hot concert's on-sale, modelled second by second, with the CPU costs
// measured on this machine by `npm run bench:costs` (bench/results/costs.json) and
// `npm run bench:views`. For each kind of object (the concert object, its mirrors, gates and
// relays) it prints the busiest one's calls/s and CPU ms/s at its busiest second, and the p99
// time until a fan is told of a change; writes docs/scale.svg (busy share over time) and
// sim/results.json. The model and its assumptions: docs/scale.md.
//   --fans N   (default 1,000,000)
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { fans: { type: 'string', default: '1000000' } } })
const FANS = Number(values.fans)

// --- the deployment (wrangler.toml's vars) and the sale ---
const toml = readFileSync('wrangler.toml', 'utf8')
const varOf = (name) => Number(new RegExp(`^${name} = "(\\d+)"`, 'm').exec(toml)?.[1] ?? NaN)
const LOCATIONS = 300
const ISOLATES_PER_LOCATION = 10
const REGIONS = 9
const MIRRORS_PER_REGION = varOf('MIRRORS_PER_REGION')
const GATES = varOf('GATES_PER_CONCERT')
const gateSource = readFileSync('src/gate/gate.ts', 'utf8')
const gateConstant = (name) => Number(new RegExp(`${name} = (\\d+)`).exec(gateSource)?.[1])
// A gate's calls with entries (src/gate/gate.ts): a call at once when quiet, at most one per
// GATE_INTERVAL_MS; from RUSH_ENTRIES_PER_S entries a second, one per RUSH_INTERVAL_MS.
const QUIET_CALLS_PER_S = 1000 / gateConstant('GATE_INTERVAL_MS')
const RUSH_CALLS_PER_S = 1000 / gateConstant('RUSH_INTERVAL_MS')
const RUSH_ENTRIES_PER_S = gateConstant('RUSH_ENTRIES_PER_S')
/** Calls a second one gate makes with `entries` a second: each its own call when quiet, at most. */
const gateEntryCalls = (entries) =>
  entries >= RUSH_ENTRIES_PER_S ? RUSH_CALLS_PER_S : Math.min(entries, QUIET_CALLS_PER_S)
const SOCKETS_PER_RELAY = varOf('SOCKETS_PER_RELAY')
// The object sends a change to RELAY_TREE_WIDTH relays, each passing it on to its share of the rest.
const RELAY_TREE_WIDTH = varOf('RELAY_TREE_WIDTH')
const PRE_QUEUE_RELAYS = Number(
  /PRE_QUEUE_RELAYS = (\d+)/.exec(readFileSync('src/concert-client/relay-names.ts', 'utf8'))?.[1],
)
const gateNamesSource = readFileSync('src/shared/gate-names.ts', 'utf8')
const PLACE_GATES = GATES * Number(/PLACE_GATES_PER_GATE = (\d+)/.exec(gateNamesSource)?.[1]) // gates asked for pre-queue entries' places
// The draw's order goes from the order gate to ORDER_FANOUT forwarding gates, and from each to its share of the place gates.
const ORDER_FANOUT = Number(/ORDER_FANOUT = (\d+)/.exec(gateNamesSource)?.[1])
const PLACE_GATES_PER_FORWARDER = Math.ceil(PLACE_GATES / ORDER_FANOUT)
const OPENING_POLL_SPREAD_S = Number(
  /OPENING_POLL_SPREAD_S = (\d+)/.exec(readFileSync('src/shared/policy.ts', 'utf8'))?.[1],
) // pre-queue pollers' first polls after the opening
const DRAW_SLICE = Number(
  /DRAW_SLICE = ([\d_]+)/.exec(readFileSync('src/concert/pre-queue/draw-slices.ts', 'utf8'))?.[1].replace('_', ''),
) // a slice a second
const PRESENCE_INTERVAL_S = 5 // src/concert-client/status-polls.ts, idle timeout ≥ 15 s
const RELAY_PRESENCE_INTERVAL_S = 10 // src/relay/relay.ts
const LINE_PULLS_PER_S = 4 // MIRROR_LINE_MAX_AGE_MS = 250
const SLOTS_PER_S = { line: 4, reads: 2 } // src/concert-client/shared-views.ts
const PRE_S = 600 // arrivals over the 10 minutes before the opening
const POST_S = 300 // and the 5 after
const PRE_SHARE = 0.7
const SOCKET_SHARE = 0.5 // the rest poll
const POLL_INTERVAL_S = 2
// The sale: 50,000 seats in 4 sections on one date; 100 fans admitted a second (admitPerMinute 6,000).
const SECTIONS = 4
const ADMITTED_PER_S = 100
// An admitted fan: a section list, 1.5 holds, 0.5 releases, a payment (begin and complete).
const WRITES_PER_ADMITTED = 4
const READS_PER_ADMITTED = 1

// --- measured costs (µs of CPU) ---
const costRows = JSON.parse(readFileSync('bench/results/costs.json', 'utf8')).rows
const costs = Object.fromEntries(costRows.map((r) => [r.name, r.cpuUsPerOp]))
const cost = (name) => {
  const found = Object.entries(costs).find(([k]) => k.startsWith(name))
  if (!found) throw new Error(`bench/results/costs.json has no "${name}": run npm run bench:costs`)
  return found[1]
}
/** A call's cost measured at the opening of a pre-queue, and its size (the row says it). Scaled by entries, an upper bound: its fixed part is scaled too. */
const atOpening = (name) => {
  const row = costRows.find((r) => r.name.startsWith(name))
  if (!row?.entries)
    throw new Error(`bench/results/costs.json has no "${name}" with its entries: run npm run bench:costs`)
  return { us: row.cpuUsPerOp, entries: row.entries }
}
const orderSent = atOpening("object: the draw's order sent to the order gate, at the opening")
const orderSentOn = atOpening("gate: the draw's order sent on to a place gate, at the opening")
const firstPlace = atOpening("gate: a place gate's first place, the order fetched from the order gate, at the opening")
const US = {
  call: cost('object: line view'), // a read call: RPC in and out, a line change
  entryLine: cost('object: entries into the line'),
  entryPreQueue: cost('object: entries into the pre-queue'),
  // Holds, releases and payments arrive together in a rush: the object commits them in groups.
  write: cost('object: a hold or a release, 50 holders at once'),
  seatMap: cost('object: a seat map'),
  mirrorCall: cost('mirror: line view'),
  gateEntry: cost('gate: an entry'),
  relaySocket: cost('relay: a socket told'),
  opening: cost('object: the opening, per entry'), // per entry in the pre-queue, once (its first slice is `draw`)
  // The draw's order (4 bytes an entry), per entry: fetched from the object by the order gate once, and from it by each place gate.
  orderSent: orderSent.us / orderSent.entries,
  orderSentOn: orderSentOn.us / orderSentOn.entries,
  gatePlace: cost("gate: a pre-queue entry's place from the draw's order, one a call"),
  gatePlaces: cost("gate: pre-queue entries' places from the draw's order, 1,000 a call"), // per entry
  // npm run bench:views: the whole line deflated at 1M arrivals (a new mirror's first pull).
  wholeView: 6_200,
  // A place gate receiving the order: its first place less the order gate's sending and a place found (the bench's isolate runs both gates).
  orderReceived:
    Math.max(
      0,
      firstPlace.us - orderSentOn.us - cost("gate: a pre-queue entry's place from the draw's order, one a call"),
    ) / firstPlace.entries,
  drawEntry: cost("object: the draw's slices"), // per entry drawn, a slice a second
}

// --- arrivals ---
const seconds = PRE_S + POST_S
const arrivals = new Float64Array(seconds)
for (let s = 0; s < PRE_S; s++) arrivals[s] = (FANS * PRE_SHARE * 2 * (s + 0.5)) / (PRE_S * PRE_S) // rising to the opening
let postNorm = 0
for (let s = 0; s < POST_S; s++) postNorm += Math.exp(-s / 60)
for (let s = 0; s < POST_S; s++) arrivals[PRE_S + s] = (FANS * (1 - PRE_SHARE) * Math.exp(-s / 60)) / postNorm // falling after it

const mirrors = REGIONS * MIRRORS_PER_REGION
const locationsPerMirror = Math.ceil(LOCATIONS / mirrors)
const isolates = LOCATIONS * ISOLATES_PER_LOCATION
const series = []
let waiting = 0
let preQueue = 0
let drawnSoFar = 0

for (let s = 0; s < seconds; s++) {
  const open = s >= PRE_S
  const entering = arrivals[s]
  if (!open) preQueue += entering
  // From the opening the pre-queue is drawn into the line a slice a second (src/concert/pre-queue/pre-queue.ts).
  const drawing = open ? Math.min(DRAW_SLICE, preQueue - drawnSoFar) : 0
  drawnSoFar += drawing
  const drawUs = drawing * US.drawEntry
  if (s === PRE_S) waiting += preQueue
  if (open) waiting += entering
  const admitting = open ? Math.min(ADMITTED_PER_S, waiting) : 0
  waiting -= admitting
  const listening = (open ? waiting : preQueue) * SOCKET_SHARE
  const relays = open ? Math.ceil((listening + admitting) / SOCKETS_PER_RELAY) : PRE_QUEUE_RELAYS
  const polling = (open ? waiting : preQueue) * (1 - SOCKET_SHARE)

  // Gates: every entry is a call to one of GATES; from the opening each pre-queue poller's
  // first poll (spread over OPENING_POLL_SPREAD_S by entry) asks one of PLACE_GATES for its
  // place, and each pre-queue relay asks one for all its listeners' places at once. A gate
  // finds places from the draw's order, fetched once from the order gate, which fetched it from
  // the object; it calls the object with entries as gateEntryCalls says. The
  // busiest gate takes both.
  const preSocketShare = Math.min(SOCKET_SHARE, (PRE_QUEUE_RELAYS * SOCKETS_PER_RELAY) / Math.max(1, preQueue))
  const t = s - PRE_S
  const firstPolls =
    t >= 1 && t <= OPENING_POLL_SPREAD_S ? (preQueue * (1 - preSocketShare)) / OPENING_POLL_SPREAD_S : 0
  const relayAsks = t === 0 ? PRE_QUEUE_RELAYS : 0
  const relayPlaces = t === 0 ? preQueue * preSocketShare : 0
  const gate = {
    calls: entering / GATES + (firstPolls + relayAsks) / PLACE_GATES,
    // A place asked alone costs a call; a relay's many, their batched cost each.
    cpuUs:
      (entering / GATES) * US.gateEntry +
      (firstPolls * US.gatePlace + relayPlaces * US.gatePlaces) / PLACE_GATES +
      (t === 0 ? preQueue * US.orderReceived : 0),
  }
  const orderGate = {
    calls: t === 0 ? ORDER_FANOUT : 0,
    cpuUs: t === 0 ? preQueue * (US.orderReceived + ORDER_FANOUT * US.orderSentOn) : 0,
  }
  const forwarder = {
    calls: t === 0 ? PLACE_GATES_PER_FORWARDER : 0,
    cpuUs: t === 0 ? preQueue * (US.orderReceived + PLACE_GATES_PER_FORWARDER * US.orderSentOn) : 0,
  }
  const entryCalls = GATES * gateEntryCalls(entering / GATES)

  // Mirrors: per location, a line change per slot, dates and sale state and each section's map
  // per read slot (shared by the location's isolates), and each isolate's presence report.
  const activeSections = open ? SECTIONS : 0
  const perLocation =
    SLOTS_PER_S.line +
    SLOTS_PER_S.reads * (2 + activeSections) +
    (polling > 0 ? ISOLATES_PER_LOCATION / PRESENCE_INTERVAL_S : 0)
  const mirror = { calls: perLocation * locationsPerMirror, cpuUs: perLocation * locationsPerMirror * US.mirrorCall }

  // Relays: one message a second, from the object or the relay carrying it; each tells every socket whose status
  // moved (worst case: all of them). A carrier also passes it on to its share of the relays, a call each (at the
  // object's per-call floor, an estimate). Before the draw a pre-queue status does not change: its sockets are told nothing.
  const busiestRelaySockets = open ? Math.min(SOCKETS_PER_RELAY, listening) : 0
  const passedOn = open ? Math.ceil(relays / RELAY_TREE_WIDTH) - 1 : 0
  const relay = {
    calls: open ? 1 : 0,
    cpuUs: busiestRelaySockets * US.relaySocket + passedOn * US.call,
  }

  // The concert object.
  // Seat maps: each mirror pulls each section once a second; the object builds a section's map at most 4 times a second for all of them.
  const pulls = mirrors * (LINE_PULLS_PER_S + 2 + activeSections)
  const mapsBuilt = activeSections * Math.min(mirrors, 4)
  const pushes = Math.min(relays, RELAY_TREE_WIDTH)
  // A relay pushed a change every second reports its listeners as seen in its answers; before the opening, on its alarm.
  const presence = open ? 0 : relays / RELAY_PRESENCE_INTERVAL_S
  const fansAdmitted = admitting * (WRITES_PER_ADMITTED + READS_PER_ADMITTED)
  // The opening: the draw begins (its order sorted, its places reserved) with its first slice,
  // and the order gate fetches the order once. Calls made to the object (its pushes to relays
  // are calls it makes, counted apart).
  const orderUs = t === 0 ? preQueue * (US.opening + US.orderSent) : 0
  const objectCalls = pulls + presence + entryCalls + fansAdmitted + (t === 0 ? 1 : 0)
  const objectUs =
    (pulls - mapsBuilt + pushes + presence + entryCalls + admitting * READS_PER_ADMITTED) * US.call +
    mapsBuilt * US.seatMap +
    entering * (open ? US.entryLine : US.entryPreQueue) +
    admitting * WRITES_PER_ADMITTED * US.write +
    orderUs +
    drawUs
  const parts = {
    seatMaps: mapsBuilt * US.seatMap,
    writes: admitting * WRITES_PER_ADMITTED * US.write,
    entries: entering * (open ? US.entryLine : US.entryPreQueue),
    calls: (pulls - mapsBuilt + pushes + presence + entryCalls + admitting * READS_PER_ADMITTED) * US.call,
    opening: orderUs,
    draw: drawUs,
  }
  series.push({
    t: s - PRE_S,
    entering,
    waiting,
    object: { calls: objectCalls, pushes, cpuUs: objectUs, parts },
    mirror,
    gate,
    orderGate,
    forwarder,
    relay,
  })
}

// --- time until told (p99), from the bounds in the code, and the busiest second's queueing ---
const busiest = (kind) => series.reduce((a, b) => (b[kind].cpuUs > a[kind].cpuUs ? b : a))
const kinds = [
  ['concert object', 'object', 1],
  ['mirror', 'mirror', mirrors],
  ['gate', 'gate', PLACE_GATES],
  ['order gate', 'orderGate', 1],
  ['forwarding gate', 'forwarder', ORDER_FANOUT],
  [
    'relay',
    'relay',
    Math.max(
      ...series.map((r) =>
        r.t < 0 ? PRE_QUEUE_RELAYS : Math.ceil(((r.waiting + ADMITTED_PER_S) * SOCKET_SHARE) / SOCKETS_PER_RELAY),
      ),
    ),
  ],
]
/** A poller: the mirror's line (≤ 250 ms old) + the location's slot (≤ 250 ms) + the isolate's view (≤ 250 ms) + its poll interval, each worst case at p99. */
const pollerToldMs = 250 + 250 + 250 + POLL_INTERVAL_S * 1000
/** A socket: the push interval (≤ 1 s) + the relay's pass over its sockets at its busiest. */
const socketToldMs = 1000 + (busiest('relay').relay.cpuUs / 1000) * 0.99
const toldMs = { object: null, mirror: pollerToldMs, gate: null, orderGate: null, forwarder: null, relay: socketToldMs }

const table = kinds.map(([label, kind, count]) => {
  const row = busiest(kind)[kind]
  const peakCalls = Math.max(...series.map((r) => r[kind].calls))
  return {
    kind: label,
    objects: count,
    peakCallsPerS: Math.round(peakCalls),
    peakCpuMsPerS: +(row.cpuUs / 1000).toFixed(1),
    busy: +(row.cpuUs / 10_000).toFixed(1),
    atSecond: busiest(kind).t,
    toldP99Ms: toldMs[kind] === null ? null : Math.round(toldMs[kind]),
  }
})
/** The opening's first seconds, reported one by one. */
const opening = (r) => r.t >= 0 && r.t < 3
const secondBusiest = series.reduce((a, b) => (b.object.cpuUs > a.object.cpuUs ? b : a))

console.log(
  `${FANS.toLocaleString('en')} fans; ${LOCATIONS} locations × ${ISOLATES_PER_LOCATION} isolates (${isolates.toLocaleString('en')}); ${mirrors} mirrors, ${GATES} gates, relays of ${SOCKETS_PER_RELAY.toLocaleString('en')} sockets`,
)
console.log(
  '| object kind | how many | calls/s (busiest one, busiest second) | CPU ms/s (busiest) | busy | at t (s from opening) | p99 until a fan is told |',
)
console.log('|---|---|---|---|---|---|---|')
for (const r of table)
  console.log(
    `| ${r.kind} | ${r.objects} | ${r.peakCallsPerS.toLocaleString('en')} | ${r.peakCpuMsPerS} | ${r.busy}% | ${r.atSecond} | ${r.toldP99Ms === null ? '–' : `${(r.toldP99Ms / 1000).toFixed(2)} s`} |`,
  )
for (const r of series.filter(opening)) {
  const parts = Object.entries(r.object.parts).filter(([, us]) => us > 0)
  console.log(
    `At t = ${r.t} s the concert object has ${(r.object.cpuUs / 1e6).toFixed(1)} s of CPU for that second and ${Math.round(r.object.calls).toLocaleString('en')} calls: ${parts.map(([k, us]) => `${k} ${(us / 1e6).toFixed(1)} s`).join(', ')}.`,
  )
}
const rest = secondBusiest.object
console.log(
  `The concert object at its busiest: ${(rest.cpuUs / 10_000).toFixed(1)}% busy (t = ${secondBusiest.t} s), ${Math.round(rest.calls)} calls/s to it, ${Math.round(rest.pushes)} pushes/s from it; the draw takes ${Math.ceil(preQueue / DRAW_SLICE)} s.`,
)
console.log(
  `  its CPU ms that second: ${Object.entries(rest.parts)
    .map(([k, us]) => `${k} ${(us / 1000).toFixed(0)}`)
    .join(', ')}`,
)
writeFileSync(
  'sim/results.json',
  JSON.stringify(
    { fans: FANS, costsUs: US, table, openingSeconds: series.filter(opening), busiestSecond: secondBusiest },
    null,
    2,
  ) + '\n',
)
if (FANS === 1_000_000) writeFileSync('docs/scale.svg', chart(series))

/** Busy share of the busiest object of each kind, second by second (the draw's second clipped at 100%). */
function chart(rows) {
  const width = 720
  const height = 260
  const left = 50
  const top = 20
  const plotH = height - 60
  const x = (t) => left + ((t + PRE_S) / seconds) * (width - left - 20)
  const y = (busy) => top + plotH - (Math.min(busy, 100) / 100) * plotH
  const colors = {
    object: '#d62728',
    mirror: '#1f77b4',
    gate: '#2ca02c',
    orderGate: '#ff7f0e',
    forwarder: '#8c564b',
    relay: '#9467bd',
  }
  const lines = Object.entries(colors).map(
    ([kind, color]) =>
      `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${rows.map((r) => `${x(r.t).toFixed(1)},${y(r[kind].cpuUs / 10_000).toFixed(1)}`).join(' ')}"/>`,
  )
  const ticks = [0, 25, 50, 75, 100].map(
    (b) =>
      `<line x1="${left}" x2="${width - 20}" y1="${y(b)}" y2="${y(b)}" stroke="#ddd"/><text x="${left - 6}" y="${y(b) + 4}" text-anchor="end" font-size="11">${b}%</text>`,
  )
  const times = [-600, -300, 0, 300].map(
    (t) => `<text x="${x(t)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${t} s</text>`,
  )
  const legend = Object.entries(colors).map(
    ([kind, color], i) =>
      `<text x="${left + 10 + i * 110}" y="${height - 12}" font-size="12" fill="${color}">■ busiest ${{ orderGate: 'order gate', forwarder: 'forwarding gate' }[kind] ?? kind}</text>`,
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<text x="${left}" y="14" font-size="13">CPU busy share, ${FANS.toLocaleString('en')} fans (npm run sim:rush); opening at 0 s</text>
${ticks.join('\n')}
<line x1="${left}" x2="${width - 20}" y1="${y(50)}" y2="${y(50)}" stroke="#999" stroke-dasharray="4 3"/>
${times.join('\n')}
${lines.join('\n')}
${legend.join('\n')}
</svg>
`
}
