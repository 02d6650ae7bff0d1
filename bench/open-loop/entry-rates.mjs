// @ts-check
// `npm run bench:rates [-- --rates 250,500,1000 --seconds 5 --p99 200]`: queue entry offered
// open loop (bench/load.mjs `open`) at fixed rates, one fresh user per entry, against the
// bundle served as `npm run bench` serves it, sale events delivered to the stand-in platform.
// Prints p50/p99 per rate and the highest rate held with p99 under the bar (every offer
// answered 2xx, none dropped); writes bench/results/rates.json. Fails if an event was lost.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { benchClient, eventsLost } from '../client.mjs'
import { heldRate, highestHeld, ratesTable } from './held-rates.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from '../serve-bundle.mjs'
import { startDataPlatform } from '../../test/support/data-platform.mjs'

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '250,500,1000,1500,2000,2500,3000,4000' },
    seconds: { type: 'string', default: '5' },
    p99: { type: 'string', default: '200' },
  },
})
const rates = values.rates.split(',').map(Number)
const durationMs = Number(values.seconds) * 1000
const p99Bar = Number(values.p99)
const PLATFORM_PORT = Number(process.env.DATA_PLATFORM_PORT ?? 9794)
const platform = await startDataPlatform(PLATFORM_PORT)
const server = await serveBundle({ vars: { DATA_PLATFORM_URL: `http://127.0.0.1:${PLATFORM_PORT}/events` } })
const bench = benchClient(server.url, { ADMIN_TOKEN, AUTH_SECRET })
const rows = []
let events
try {
  // As `npm run bench`'s entry: one place, so that everyone after the first waits.
  const concertId = await bench.createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
  // A warm-up (not reported): the first entries after a start pay for compiling and the objects' first loads.
  await offerEntries(concertId, rates[0], 2_000)
  for (const rate of rates) {
    const result = await offerEntries(concertId, rate, durationMs)
    rows.push({ rate, ...result, held: heldRate(result, p99Bar) })
    console.log(
      `${rate}/s offered: ${Math.round(result.rps)}/s answered, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
        `statuses ${JSON.stringify(result.statusCounts)}, dropped ${result.dropped}, errors ${result.errors}`,
    )
    await new Promise((r) => setTimeout(r, 1_000))
  }
  events = await bench.eventsDelivered([concertId], `http://127.0.0.1:${PLATFORM_PORT}`)
} finally {
  await server.dispose()
  platform.close()
}

async function offerEntries(concertId, rate, ms) {
  const tokens = await bench.accessTokens(Math.ceil((rate * ms) / 1000))
  return bench.load({
    kind: 'open',
    rate,
    durationMs: ms,
    requests: tokens.map((t) => ({
      method: 'POST',
      path: `/api/concerts/${concertId}/queue/tokens`,
      headers: { authorization: `Bearer ${t}` },
    })),
  })
}

const highest = highestHeld(rows)
console.log(`\n${ratesTable(rows, p99Bar)}`)
console.log(`\nHighest entry rate held with p99 < ${p99Bar} ms: ${highest}/s`)
console.log(`Sale events: ${events.written} written, ${events.delivered} delivered, ${events.unsent} unsent`)
mkdirSync('bench/results', { recursive: true })
writeFileSync(
  'bench/results/rates.json',
  `${JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, durationMs, p99Bar, highest, rows, events }, null, 2)}\n`,
)
if (eventsLost(events)) {
  console.error('Sale events lost')
  process.exitCode = 1
}
