// @ts-check
// Acceptance-style traffic (issue #34): bursts of fans each going through the whole flow, a
// new user, a charge, a queue entry, status polls, a hold and its payment, with idle gaps
// between the bursts so that keep-alive connections sit idle and are reused after it. Every
// answer is recorded (status, method, the route's shape), and what the client was told
// succeeded is kept for checking against the database afterwards.

const wait = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))

/**
 * One request; status 0 and the error's cause as text when there was no answer.
 * @param {string} url
 * @param {string} method
 * @param {Record<string, string>} headers
 * @param {string | undefined} body
 */
async function send(url, method, headers, body) {
  try {
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(30_000) })
    return { status: res.status, text: await res.text() }
  } catch (err) {
    return { status: 0, text: String(/** @type {any} */ (err).cause ?? err) }
  }
}

/**
 * @param {{ base: string, adminToken: string, bursts: number, fansPerBurst: number,
 *   gapsMs: number[], log?: (line: string) => void }} options
 */
export async function acceptanceTraffic({ base, adminToken, bursts, fansPerBurst, gapsMs, log = () => {} }) {
  /** @type {Record<string, number>} */
  const statuses = {}
  /** @type {{ method: string, path: string, status: number, body: string, idleBeforeMs: number }[]} */
  const failures = []
  /** The idle gap before the current burst: a failure's context. */
  let idleBeforeMs = 0
  /** userIds the client was given 201 for, and payments the client was given 201 for. */
  const made = { users: /** @type {string[]} */ ([]), payments: /** @type {string[]} */ ([]), charged: 0 }
  /** Requests whose outcome the client does not know (5xx or no answer), by route. */
  const unknown = { users: 0, charges: 0, payments: 0 }

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ body?: unknown, token?: string, queueToken?: string }} [options]
   */
  async function call(method, path, { body, token, queueToken } = {}) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    if (queueToken) headers['x-queue-token'] = queueToken
    const { status, text } = await send(
      `${base}${path}`,
      method,
      headers,
      body === undefined ? undefined : JSON.stringify(body),
    )
    statuses[status] = (statuses[status] ?? 0) + 1
    if (status === 0 || status >= 500) failures.push({ method, path, status, body: text.slice(0, 160), idleBeforeMs })
    return { status, body: status >= 200 && status < 300 && text ? JSON.parse(text) : null }
  }

  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const seats = bursts * fansPerBurst
  const concert = await call('POST', '/api/admin/concerts', {
    token: adminToken,
    body: {
      title: `Proxy traffic ${Date.now()}`,
      dates: [{ date: day }],
      sections: [{ name: 'Floor', price: 1_000, seats }],
      queuePolicy: { maxActiveUsers: seats, activeTtlSeconds: 3_600 },
    },
  })
  if (concert.status !== 201) throw new Error(`the traffic's concert: ${concert.status}`)
  const { concertId } = concert.body
  let nextSeat = 1

  async function fan() {
    const user = await call('POST', '/api/users', { body: { name: 'proxied fan' } })
    if (user.status !== 201) return void (unknown.users += user.status === 0 || user.status >= 500 ? 1 : 0)
    made.users.push(user.body.userId)
    const token = user.body.accessToken
    const charge = await call('POST', '/api/users/me/balance/charges', { token, body: { amount: 5_000 } })
    if (charge.status === 200) made.charged++
    else if (charge.status === 0 || charge.status >= 500) unknown.charges++
    const entry = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { token })
    if (entry.status !== 201) return
    const queueToken = entry.body.token
    for (let poll = 0; poll < 20; poll++) {
      const status = await call('GET', `/api/concerts/${concertId}/queue/status`, { token, queueToken })
      if (status.status !== 200 || status.body.status === 'ACTIVE') break
      await wait(200)
    }
    await call('GET', `/api/concerts/${concertId}/dates`)
    const seatNumber = nextSeat++
    const hold = await call('POST', `/api/concerts/${concertId}/reservations`, {
      token,
      queueToken,
      body: { date: day, seatNumber },
    })
    if (hold.status !== 201) return
    const paid = await call('POST', '/api/payments', {
      token,
      queueToken,
      body: { reservationId: hold.body.reservationId },
    })
    if (paid.status === 201) made.payments.push(paid.body.paymentId)
    else if (paid.status === 0 || paid.status >= 500) unknown.payments++
    await call('GET', '/api/users/me/balance', { token })
  }

  for (let burst = 0; burst < bursts; burst++) {
    await Promise.all(Array.from({ length: fansPerBurst }, fan))
    const gap = gapsMs[burst % gapsMs.length]
    log(`burst ${burst + 1}/${bursts} done, ${JSON.stringify(statuses)}; idle ${gap} ms`)
    if (burst < bursts - 1) await wait(gap)
    idleBeforeMs = gap
  }
  return { concertId, statuses, failures, made, unknown }
}

/**
 * Sign-ups aimed at the runtime's idle close: `lanes` clients POST /api/users at the same
 * moment, all wait the same gap, again, the gap stepping through `gapsMs`. A connection kept
 * alive behind the proxy then sits idle for about the gap (give or take how the lanes'
 * answers spread), which is where wrangler's dev proxy failed (docs/reliability.md).
 * @param {{ base: string, lanes: number, gapsMs: number[] }} options
 */
export async function signupsAfterIdle({ base, lanes, gapsMs }) {
  /** @type {Record<string, number>} */
  const statuses = {}
  /** @type {{ status: number, body: string, idleBeforeMs: number }[]} */
  const failures = []
  const users = /** @type {string[]} */ ([])
  const signup = async (/** @type {number} */ idleBeforeMs) => {
    const { status, text } = await send(`${base}/api/users`, 'POST', { 'content-type': 'application/json' }, '{}')
    statuses[status] = (statuses[status] ?? 0) + 1
    if (status === 201) users.push(JSON.parse(text).userId)
    else failures.push({ status, body: text.slice(0, 160), idleBeforeMs })
  }
  await Promise.all(Array.from({ length: lanes }, () => signup(0)))
  for (const gap of gapsMs) {
    await wait(gap)
    await Promise.all(Array.from({ length: lanes }, () => signup(gap)))
  }
  return { statuses, failures, users }
}
