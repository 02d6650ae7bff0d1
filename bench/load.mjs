// @ts-check
// The load generator, run as its own process by bench/run.mjs: `node bench/load.mjs spec.json`.
// Fixed concurrency over undici connection pools (or, `open`, fixed rates whatever the answers);
// every request's latency and status recorded.
// Prints one JSON result on stdout.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import WebSocket from 'ws'

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'))

function summarize(latencies, elapsedMs, extra = {}) {
  const sorted = Float64Array.from(latencies).sort()
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0)
  return {
    count: sorted.length,
    rps: (sorted.length / elapsedMs) * 1000,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    p999: at(0.999),
    durationMs: elapsedMs,
    ...extra,
  }
}

/** `connections` requests in flight until the duration or the amount is reached. */
async function http({ url, connections, durationMs, amount, requests, collectWaiting }) {
  const pool = new Pool(url, { connections, pipelining: 1 })
  const latencies = []
  const statusCounts = {}
  const collected = []
  let errors = 0
  let next = 0
  const started = performance.now()
  const deadline = started + (durationMs ?? Number.POSITIVE_INFINITY)
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (;;) {
        const n = next++
        if (amount !== undefined ? n >= amount : performance.now() >= deadline) return
        const r = requests[n % requests.length]
        const t0 = performance.now()
        try {
          const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body })
          const text = await res.body.text()
          latencies.push(performance.now() - t0)
          statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1
          if (res.statusCode >= 500) errors++
          if (collectWaiting && res.statusCode < 300) {
            // The queue tokens of users left WAITING (entries admitted at once are not waiting).
            const body = JSON.parse(text)
            if (body.status === 'WAITING') collected.push(body.token)
          }
        } catch {
          errors++
        }
      }
    }),
  )
  const elapsed = performance.now() - started
  await pool.close()
  return summarize(latencies, elapsed, { errors, statusCounts, ...(collectWaiting ? { collected } : {}) })
}

/**
 * Open loop: requests offered at `rate` a second for the duration, whatever the answers, each
 * timed from when it was due (not from when a connection was free, which would hide the wait
 * of a server falling behind). At most `maxInFlight` at once: an offer past it is counted as
 * `dropped`, never queued, and left out of the latencies (a rate with drops understates them).
 */
async function open({ url, rate, durationMs, requests, maxInFlight = 2_000 }) {
  const pool = new Pool(url, { connections: maxInFlight, pipelining: 1 })
  const latencies = []
  const statusCounts = {}
  let errors = 0
  let dropped = 0
  let inFlight = 0
  /** The most an offer went out after it was due: the generator's own lag, charged to the server in the latencies. */
  let lateMs = 0
  const total = Math.floor((rate * durationMs) / 1000)
  const started = performance.now()
  const offers = []
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    // Behind schedule: still let answers in now and then, so that the generator's own loop does not fill its in-flight cap.
    else if (n % 100 === 0) await new Promise((r) => setImmediate(r))
    lateMs = Math.max(lateMs, performance.now() - due)
    if (inFlight >= maxInFlight) {
      dropped++
      continue
    }
    inFlight++
    const r = requests[n % requests.length]
    offers.push(
      pool
        .request({ method: r.method, path: r.path, headers: r.headers, body: r.body })
        .then(async (res) => {
          await res.body.text()
          latencies.push(performance.now() - due)
          statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1
          if (res.statusCode >= 500) errors++
        })
        .catch(() => errors++)
        .finally(() => inFlight--),
    )
  }
  await Promise.all(offers)
  const elapsed = performance.now() - started
  await pool.close()
  return summarize(latencies, elapsed, { errors, dropped, lateMs, offeredRate: rate, statusCounts })
}

/**
 * Purchases from queue entry to payment by `connections` concurrent buyers, each taking the
 * next of the prepared `buyers` (users with a balance): enter the queue (polling until
 * ACTIVE), hold the next free seat (or `seatsPerOrder` of them as one order), pay. A buyer whose purchase ended its token enters again
 * for the next. rps is completed purchases per second; p50/p95/p99 are of the requests, as in
 * every other workload, and purchaseP50/P95/P99 of whole purchases.
 */
async function purchase({ url, connections, durationMs, concertId, dates, seatsPerDate, buyers, seatsPerOrder = 1 }) {
  const pool = new Pool(url, { connections, pipelining: 1 })
  const latencies = []
  const purchases = []
  const statusCounts = {}
  let errors = 0
  let seat = 0
  let nextBuyer = 0
  const steps = {}
  const call = async (step, method, path, body, headers) => {
    const t0 = performance.now()
    const res = await pool.request({
      method,
      path,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = /** @type {any} */ (await res.body.json())
    const ms = performance.now() - t0
    latencies.push(ms)
    ;(steps[step] ??= []).push(ms)
    statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1
    if (res.statusCode >= 500) errors++
    return { status: res.statusCode, body: data }
  }
  const started = performance.now()
  const deadline = started + durationMs
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const auth = { authorization: `Bearer ${buyers[nextBuyer++ % buyers.length]}` }
        const t0 = performance.now()
        let status = (await call('enter', 'POST', `/api/concerts/${concertId}/queue/tokens`, undefined, auth)).body
        while (status.status === 'WAITING') {
          await new Promise((r) => setTimeout(r, 50))
          status = (
            await call('status', 'GET', `/api/concerts/${concertId}/queue/status`, undefined, {
              'x-queue-token': status.token,
            })
          ).body
        }
        if (status.status !== 'ACTIVE') continue
        const withToken = { ...auth, 'x-queue-token': status.token }
        // Orders of seatsPerOrder neighbouring seats, never across dates.
        const perDate = Math.floor(seatsPerDate / seatsPerOrder)
        const k = seat++
        const first = (k % perDate) * seatsPerOrder + 1
        const date = dates[Math.floor(k / perDate) % dates.length]
        const place =
          seatsPerOrder === 1
            ? { date, seatNumber: first }
            : { date, seatNumbers: Array.from({ length: seatsPerOrder }, (_, i) => first + i) }
        const held = await call('hold', 'POST', `/api/concerts/${concertId}/reservations`, place, withToken)
        if (held.status !== 201) continue
        const paid = await call('pay', 'POST', '/api/payments', { reservationId: held.body.reservationId }, withToken)
        if (paid.status === 201) purchases.push(performance.now() - t0)
      }
    }),
  )
  const elapsed = performance.now() - started
  await pool.close()
  const whole = summarize(purchases, elapsed)
  const requests = summarize(latencies, elapsed)
  return {
    ...requests,
    count: whole.count,
    rps: whole.rps,
    requests: requests.count,
    requestsPerSecond: requests.rps,
    purchaseP50: whole.p50,
    purchaseP95: whole.p95,
    purchaseP99: whole.p99,
    // Request latency of each step, to see which one a purchase waits on.
    steps: Object.fromEntries(
      Object.entries(steps).map(([step, ms]) => {
        const { p50, p99 } = summarize(ms, elapsed)
        return [step, { p50, p99 }]
      }),
    ),
    errors,
    statusCounts,
  }
}

const FANOUT_TIMEOUT_MS = 30_000

/**
 * One socket per waiting token; once all have their first status, one admission is
 * triggered and every socket's time to hear its new position is recorded. p99 is reported
 * as the time to the last socket.
 */
async function fanout({ url, concertId, tokens, trigger }) {
  const wsBase = url.replace(/^http/, 'ws')
  const sockets = []
  const first = new Map()
  let errors = 0
  let next = 0
  await Promise.all(
    // Fewer openers than CONCERT_MAX_IN_FLIGHT: more would be shed with 429, as designed.
    Array.from({ length: 100 }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]
        const ws = new WebSocket(`${wsBase}/api/concerts/${concertId}/queue/ws?token=${encodeURIComponent(token)}`)
        // A socket the server could not open counts as an error, not as a socket to wait for.
        const opened = await new Promise((resolve) => {
          ws.once('message', (data) => {
            first.set(ws, JSON.parse(data).position)
            resolve(true)
          })
          ws.once('error', () => resolve(false))
          ws.once('close', () => resolve(false))
        })
        if (opened) sockets.push(ws)
        else errors++
      }
    }),
  )
  await new Promise((r) => setTimeout(r, 1_200)) // past the push interval
  const latencies = []
  let t0 = 0
  const allTold = new Promise((resolve) => {
    for (const ws of sockets) {
      ws.on('error', () => {})
      ws.on('message', (data) => {
        const { position, status } = JSON.parse(data)
        if (position === first.get(ws) - 1 || (status === 'ACTIVE' && first.get(ws) === 1)) {
          latencies.push(performance.now() - t0)
          if (latencies.length === sockets.length) resolve()
        }
      })
    }
  })
  const pool = new Pool(url, { connections: 1 })
  t0 = performance.now()
  await pool.request(trigger)
  // A socket that is never told (closed under us, a lost push) is an error, not a hang.
  await Promise.race([allTold, new Promise((r) => setTimeout(r, FANOUT_TIMEOUT_MS).unref())])
  const elapsed = performance.now() - t0
  for (const ws of sockets) ws.terminate()
  await pool.close()
  const untold = sockets.length - latencies.length
  const result = summarize(latencies, elapsed, { errors: errors + untold, statusCounts: { 101: sockets.length } })
  return { ...result, rps: (latencies.length / elapsed) * 1000, p99: elapsed, untold }
}

const runners = { http, open, purchase, fanout }
const result = await runners[spec.kind](spec)
process.stdout.write(JSON.stringify(result))
