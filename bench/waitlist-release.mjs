// @ts-check
// `npm run bench:waitlist`: the concert object's time to offer a returned seat to the waitlist,
// with 100 and with 100,000 entries WAITING on the date. The bundle is served as `npm run bench`
// serves it; a probe Worker calls the object's methods directly. The date has 4 seats, all held;
// entries ask for one seat each. Each step is one release: the entry holding an offer leaves
// (DELETE .../waitlist/{id}), its seat comes free and the next entry in join order is offered it,
// in the same change. The figure is the wall time per step seen by the probe (an RPC round
// trip included, so an upper bound of the object's own time). Under a minute; prints a table.
import { benchClient } from './client.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'

const PROBE = `
const entries = new Map()
export default {
  async fetch(request, env) {
    const q = Object.fromEntries(new URL(request.url).searchParams)
    const concert = env.CONCERT.get(env.CONCERT.idFromName(q.concert))
    const path = new URL(request.url).pathname
    if (path === '/fill') {
      const holder = (await concert.enterAll(['holder']))[0].value
      const held = await concert.hold({ arrival: holder.arrival, userId: 'holder' }, q.date, [1, 2, 3, 4])
      if (!held.ok) throw new Error(held.code)
      const ids = []
      for (let i = 0; i < Number(q.n); i += 1000) {
        const batch = Array.from({ length: Math.min(1000, Number(q.n) - i) }, (_, j) => ({
          waitlistId: crypto.randomUUID(), reservationId: crypto.randomUUID(), userId: 'fan-' + (i + j), date: q.date, seats: 1, autoPay: false,
        }))
        const joined = await Promise.all(batch.map((b) => concert.joinWaitlist(b)))
        for (const j of joined) if (!j.ok) throw new Error(j.code)
        ids.push(...batch.map((b) => [b.userId, b.waitlistId]))
      }
      entries.set(q.concert, ids)
      // The hold's 4 seats go to the first 4 entries.
      const released = await concert.release({ arrival: holder.arrival, userId: 'holder' }, held.value.reservationId)
      if (!released.ok) throw new Error(released.code)
      return Response.json({ entries: ids.length })
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
const server = await serveBundle({ probe: PROBE })
const { createConcert } = benchClient(server.url, { ADMIN_TOKEN, AUTH_SECRET })
const rows = []
try {
  for (const n of [100, 100_000]) {
    const policy = { maxActiveUsers: 10, maxSeatsPerOrder: 4, maxTicketsPerUser: 4 }
    const concertId = await createConcert(policy, 1, [{ name: 'General', price: 1_000, seats: 4 }])
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
    const fillStarted = performance.now()
    const fill = await server.probe(`/fill?concert=${concertId}&date=${date}&n=${n}`)
    if (!fill.ok) throw new Error(`fill: ${fill.status} ${await fill.text()}`)
    const fillSeconds = (performance.now() - fillStarted) / 1000
    const res = await server.probe(`/steps?concert=${concertId}&n=${Math.min(STEPS, n - 4)}`)
    if (!res.ok) throw new Error(`steps: ${res.status} ${await res.text()}`)
    const r = await res.json()
    rows.push({ n, fillSeconds, ...r })
    console.error(`waitlist of ${n}: filled in ${fillSeconds.toFixed(1)} s; ${JSON.stringify(r)}`)
  }
} finally {
  await server.dispose()
}
console.log('| entries WAITING on the date | a release and its offer: mean | p50 | p99 |')
console.log('|---:|---:|---:|---:|')
for (const r of rows)
  console.log(
    `| ${r.n.toLocaleString('en')} | ${r.mean.toFixed(2)} ms | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms |`,
  )
