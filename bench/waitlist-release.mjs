// @ts-check
// `npm run bench:waitlist`: the concert object's time to offer a returned seat to the waitlist,
// with 100 and with 100,000 entries WAITING on the date. The bundle is served as `npm run bench`
// serves it; a probe Worker calls the object's methods directly. The date has 4 seats, all held;
// entries ask for one seat each. Each step is one release: the entry holding an offer leaves
// (DELETE .../waitlist/{id}), its seat comes free and the next entry in join order is offered it,
// in the same change. The figure is the wall time per step seen by the probe (an RPC round
// trip included, so an upper bound of the object's own time). Under a minute; prints a table.
import { startDataPlatform } from '../test/support/data-platform.mjs'
import { benchClient, eventsLost } from './client.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'

const PROBE = `
const entries = new Map()
export default {
  async fetch(request, env) {
    const q = Object.fromEntries(new URL(request.url).searchParams)
    const concert = env.CONCERT.get(env.CONCERT.idFromName(q.concert))
    const path = new URL(request.url).pathname
    if (path === '/hold') {
      const holder = (await concert.enterAll(['holder']))[0].value
      const held = await concert.hold({ arrival: holder.arrival, userId: 'holder' }, q.date, [1, 2, 3, 4])
      if (!held.ok) throw new Error(held.code)
      entries.set(q.concert, [])
      return Response.json({ arrival: holder.arrival, reservationId: held.value.reservationId })
    }
    if (path === '/fill') {
      const ids = entries.get(q.concert)
      const batch = Array.from({ length: Number(q.n) }, (_, j) => ({
        waitlistId: crypto.randomUUID(), reservationId: crypto.randomUUID(), userId: q.concert + '-fan-' + (ids.length + j), date: q.date, seats: 1, autoPay: false,
      }))
      // The users, as the Worker's routes would have them: the ledger indexes each entry by its user.
      const user = env.DB.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)')
      await env.DB.batch(batch.map((b) => user.bind(b.userId, b.userId, new Date().toISOString())))
      const joined = await Promise.all(batch.map((b) => concert.joinWaitlist(b)))
      for (const j of joined) if (!j.ok) throw new Error(j.code)
      ids.push(...batch.map((b) => [b.userId, b.waitlistId]))
      return Response.json({ entries: ids.length })
    }
    if (path === '/release') {
      // The hold's 4 seats go to the first 4 entries.
      const released = await concert.release({ arrival: Number(q.arrival), userId: 'holder' }, q.reservation)
      if (!released.ok) throw new Error(released.code)
      return Response.json({ released: true })
    }
    if (path === '/steps') {
      const ids = entries.get(q.concert)
      const times = []
      for (let i = 0; i < Number(q.n); i++) {
        const [userId, waitlistId] = ids[i]
        const started = performance.now()
        const left = await concert.leaveWaitlist(userId, waitlistId)
        times.push(performance.now() - started)
        if (!left.ok) throw new Error(left.code)
      }
      const stats = (await concert.stats()).value
      times.sort((a, b) => a - b)
      const mean = times.reduce((s, t) => s + t, 0) / times.length
      return Response.json({ mean, p50: times[times.length >> 1], p99: times[Math.floor(times.length * 0.99)], offered: stats.waitlist })
    }
    return new Response('no', { status: 404 })
  },
}
`

const STEPS = 500
const FILL_BATCH = 1_000
// Every event is delivered to a stand-in data platform, which counts them (as `npm run bench` does).
const PLATFORM_PORT = 9794
const platform = await startDataPlatform(PLATFORM_PORT)
const server = await serveBundle({
  probe: PROBE,
  vars: { DATA_PLATFORM_URL: `http://127.0.0.1:${PLATFORM_PORT}/events` },
})
const { createConcert, eventsDelivered } = benchClient(server.url, { ADMIN_TOKEN, AUTH_SECRET })

/**
 * Each join writes a `waitlist.joined` event, and the local Queue refuses sends past 10,000
 * timers of messages not yet delivered: the fill waits for each batch's events to arrive.
 */
async function eventsArrived(concertIds) {
  const events = await eventsDelivered(concertIds, `http://127.0.0.1:${PLATFORM_PORT}`)
  if (eventsLost(events)) throw new Error(`events lost: ${JSON.stringify(events)}`)
}

async function probe(path) {
  const res = await server.probe(path)
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

const rows = []
/** Every concert of the run: the platform counts all their events together. */
const concertIds = []
try {
  for (const n of [100, 100_000]) {
    // The holder's hold outlasts the fill of 100,000 (about 10 minutes here).
    const policy = {
      maxActiveUsers: 10,
      maxSeatsPerOrder: 4,
      maxTicketsPerUser: 4,
      holdTtlSeconds: 3_600,
      activeTtlSeconds: 3_600,
    }
    const concertId = await createConcert(policy, 1, [{ name: 'General', price: 1_000, seats: 4 }])
    concertIds.push(concertId)
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
    const fillStarted = performance.now()
    const held = await probe(`/hold?concert=${concertId}&date=${date}`)
    for (let filled = 0; filled < n; filled += FILL_BATCH) {
      await probe(`/fill?concert=${concertId}&date=${date}&n=${Math.min(FILL_BATCH, n - filled)}`)
      await eventsArrived(concertIds)
    }
    await probe(`/release?concert=${concertId}&arrival=${held.arrival}&reservation=${held.reservationId}`)
    const fillSeconds = (performance.now() - fillStarted) / 1000
    const r = await probe(`/steps?concert=${concertId}&n=${Math.min(STEPS, n - 4)}`)
    rows.push({ n, fillSeconds, ...r })
    console.error(`waitlist of ${n}: filled in ${fillSeconds.toFixed(1)} s; ${JSON.stringify(r)}`)
  }
} finally {
  await server.dispose()
  platform.close()
}
console.log('| entries WAITING on the date | a release and its offer: mean | p50 | p99 |')
console.log('|---:|---:|---:|---:|')
for (const r of rows)
  console.log(
    `| ${r.n.toLocaleString('en')} | ${r.mean.toFixed(2)} ms | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms |`,
  )
