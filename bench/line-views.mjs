// @ts-check
// `npm run bench:views`: the line views of #17 timed at 1,000,000 arrivals, with the code the
// object and the Worker run (src/shared/line-view.ts, line-views.ts, waiting-index.ts, bundled
// here by esbuild and run in Node's V8, the engine workerd embeds). A rush's line: 1M arrived,
// the first 100,000 admitted, 5% of the rest gone idle at random. Times are medians of 20 runs.
//   the object: building the whole view (bits of the live window, deflated); a change of 300
//   departures; the Worker: decoding the whole view; applying the change; one poll's position.
//   The object's memory for that line: the V8 heap and array buffers each of its in-memory
//   structures adds (the waiting index and views, presence, the draw's order), after a GC.
//   The opening's sort of the draw keys' prefixes, at 700,000 and 9,800,000 entries (the 1M and
//   14M simulations' pre-queues): the array sort against sortPrefixes (a radix sort from 500,000).
import { build } from 'esbuild'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const ARRIVALS = 1_000_000
const dir = mkdtempSync(join(tmpdir(), 'line-views-'))
const entry = join(dir, 'entry.ts')
writeFileSync(
  entry,
  `export { WaitingArrivals } from '${process.cwd()}/src/shared/waiting-arrivals'
export { LineViews } from '${process.cwd()}/src/shared/line-views'
export { WaitingIndex } from '${process.cwd()}/src/shared/waiting-index'
export { Presence } from '${process.cwd()}/src/concert/line/presence'
export { PrefixCollector, sortPrefixes } from '${process.cwd()}/src/shared/draw-order'`,
)
await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: join(dir, 'views.mjs'),
  logLevel: 'error',
  mainFields: ['module', 'main'],
})
const { WaitingArrivals, LineViews, WaitingIndex, Presence, PrefixCollector, sortPrefixes } = await import(
  join(dir, 'views.mjs')
)

/** Bytes of V8 heap and array buffers in use, after a full GC (node --expose-gc). */
const memoryInUse = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}
const memory = []
let inUse = memoryInUse()
/** The memory added since the last call, under this name. */
const measured = (name) => {
  const now = memoryInUse()
  memory.push([name, now - inUse])
  inUse = now
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const time = (runs, fn) => {
  const ms = []
  let result
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    result = fn()
    ms.push(performance.now() - t)
  }
  return { ms: median(ms), result }
}

const index = new WaitingIndex([], 1024)
const views = new LineViews()
for (let a = 1; a <= ARRIVALS; a++) index.add(a)
const leave = (a) => {
  if (!index.has(a)) return
  index.remove(a)
  views.left(a)
}
for (let a = 1; a <= 100_000; a++) leave(a)
let seed = 1
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647
for (let i = 0; i < 45_000; i++) leave(100_001 + Math.floor(random() * 900_000))
const header = (lastArrival) => ({
  concertId: 'c',
  lastArrival,
  active: [],
  admissionRate: 0,
  seatsLeft: 1,
  soldOut: false,
  preQueueUntil: null,
  draw: null,
  policy: {},
})

const whole = time(20, () => views.view(header(ARRIVALS), index))
measured(`the waiting index and its views (${index.size.toLocaleString('en')} waiting)`)
// Each waiting place's last sight (src/concert/line/presence.ts), every one seen in the last minute.
const presence = new Presence()
const seenFrom = Date.now()
for (let a = 1; a <= ARRIVALS; a++) if (index.has(a)) presence.touch(a, seenFrom + (a % 60_000))
measured('presence (each waiting place last seen)')
// The draw's order, kept once drawn (src/concert/pre-queue/pre-queue-order.ts): a pre-queue of 700,000 (the simulation's).
const order = (() => {
  const collector = new PrefixCollector()
  for (let i = 0; i < 700; i++)
    collector.add(
      Array.from({ length: 1_000 }, () =>
        Math.floor(random() * 0xffffffff)
          .toString(16)
          .padStart(8, '0'),
      ),
    )
  return collector.order()
})()
measured("the draw's order (700,000 entries)")
const decode = time(20, () => new WaitingArrivals(whole.result))
const line = decode.result
const have = { epoch: whole.result.epoch, version: whole.result.version }
for (let a = 100_001; a < 100_301; a++) leave(a)
const change = time(20, () => views.view(header(ARRIVALS), index, have))
const apply = time(20, () => line.apply(change.result))
const waiting = Array.from({ length: 100_000 }, () => 100_301 + Math.floor(random() * 899_699)).filter((a) =>
  index.has(a),
)
const check = waiting.filter((a) => line.position(a) !== index.position(a)).length
let sum = 0
const t = performance.now()
for (const a of waiting) sum += line.position(a)
const perPollUs = ((performance.now() - t) * 1000) / waiting.length
if (sum === 0) process.exitCode = 1

console.log(
  `| at ${ARRIVALS.toLocaleString('en')} arrivals (${index.size.toLocaleString('en')} waiting) | median of 20 |`,
)
console.log('|---|---|')
console.log(
  `| object: whole view built (bits of the live window, deflated) | ${whole.ms.toFixed(2)} ms, ${whole.result.bits.length.toLocaleString('en')} bytes |`,
)
console.log(`| object: change of ${change.result.left.length} departures built | ${(change.ms * 1000).toFixed(1)} µs |`)
console.log(`| Worker: whole view decoded | ${decode.ms.toFixed(2)} ms |`)
console.log(`| Worker: change applied | ${apply.ms.toFixed(2)} ms |`)
console.log(
  `| Worker: one poll's position (each also compared with the object's: ${check} differ) | ${perPollUs.toFixed(3)} µs, mean over ${waiting.length.toLocaleString('en')} polls |`,
)
if (check > 0) process.exitCode = 1
console.log('')
console.log("| the object's memory at this line (V8 heap and array buffers, after a GC) | MB |")
console.log('|---|---|')
for (const [name, bytes] of memory) console.log(`| ${name} | ${(bytes / 1e6).toFixed(1)} |`)
console.log(`| in all | ${(memory.reduce((sum, [, bytes]) => sum + bytes, 0) / 1e6).toFixed(1)} |`)
if (!globalThis.gc) console.log('(no GC between: run with node --expose-gc, as npm run bench:views does)')
// Kept alive until measured.
if (presence.oldest() === null || order.prefixes.length === 0) process.exitCode = 1

// The opening's sort (src/shared/draw-order.ts, sortPrefixes), after the measures above.
console.log('')
console.log("| the opening's sort of the draw keys' prefixes | array sort | sortPrefixes |")
console.log('|---|---|---|')
for (const count of [700_000, 9_800_000]) {
  const prefixes = new Uint32Array(count)
  for (let i = 0; i < count; i++) prefixes[i] = Math.floor(random() * 0xffffffff)
  const arraySort = time(3, () => prefixes.slice().sort())
  const radix = time(3, () => sortPrefixes(prefixes.slice()))
  if (!radix.result.every((value, i) => value === arraySort.result[i])) process.exitCode = 1
  console.log(
    `| ${count.toLocaleString('en')} entries (median of 3) | ${arraySort.ms.toFixed(0)} ms | ${radix.ms.toFixed(0)} ms |`,
  )
}
