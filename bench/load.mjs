// The load generator, run as its own process by bench/run.mjs: `node bench/load.mjs spec.json`.
// Fixed concurrency over undici connection pools; every request's latency and status recorded.
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
    durationMs: elapsedMs,
    ...extra,
  }
}

/** `connections` requests in flight until the duration or the amount is reached. */
async function http({ url, connections, durationMs, amount, requests, collect }) {
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
          if (collect && res.statusCode < 300) collected.push(JSON.parse(text)[collect])
        } catch {
          errors++
        }
      }
    }),
  )
  const elapsed = performance.now() - started
  await pool.close()
  return summarize(latencies, elapsed, { errors, statusCounts, ...(collect ? { collected } : {}) })
}

/**
 * Whole purchases by `connections` virtual buyers: create a user, charge, enter the queue
 * (polling until ACTIVE), hold the next free seat, pay. Latency is the whole purchase.
 */
async function purchase({ url, connections, durationMs, concertId, dates, price }) {
  const pool = new Pool(url, { connections, pipelining: 1 })
  const call = async (method, path, body, headers = {}) => {
    const res = await pool.request({
      method,
      path,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    requests++
    statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1
    return { status: res.statusCode, body: await res.body.json() }
  }
  const latencies = []
  const statusCounts = {}
  let requests = 0
  let errors = 0
  let seat = 0
  const started = performance.now()
  const deadline = started + durationMs
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now()
        try {
          const user = (await call('POST', '/api/users', {})).body
          const auth = { authorization: `Bearer ${user.accessToken}` }
          await call('POST', '/api/users/me/balance/charges', { amount: price }, auth)
          let status = (await call('POST', `/api/concerts/${concertId}/queue/tokens`, undefined, auth)).body
          while (status.status === 'WAITING') {
            await new Promise((r) => setTimeout(r, 50))
            status = (await call('GET', `/api/concerts/${concertId}/queue/status`, undefined, { 'x-queue-token': status.token })).body
          }
          const withToken = { ...auth, 'x-queue-token': status.token }
          const k = seat++
          const held = await call('POST', `/api/concerts/${concertId}/reservations`, { date: dates[Math.floor(k / 50) % dates.length], seatNumber: (k % 50) + 1 }, withToken)
          const paid = await call('POST', '/api/payments', { reservationId: held.body.reservationId }, withToken)
          if (paid.status !== 201) throw new Error(`payment ${paid.status}`)
          latencies.push(performance.now() - t0)
        } catch {
          errors++
        }
      }
    }),
  )
  const elapsed = performance.now() - started
  await pool.close()
  return summarize(latencies, elapsed, { errors, statusCounts, requests })
}

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
    Array.from({ length: 250 }, async () => {
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
  await allTold
  const elapsed = performance.now() - t0
  for (const ws of sockets) ws.terminate()
  await pool.close()
  const result = summarize(latencies, elapsed, { errors, statusCounts: { 101: sockets.length } })
  return { ...result, rps: (sockets.length / elapsed) * 1000, p99: elapsed }
}

const runners = { http, purchase, fanout }
const result = await runners[spec.kind](spec)
process.stdout.write(JSON.stringify(result))
