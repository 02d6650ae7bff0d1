// @ts-check
// What the benches share: a script run as its own process (the load generator, the bots
// bench's bot), requests that survive a closed kept-alive connection, and the setup calls
// (concerts, users, balances, admitted buyers) made against the served Worker.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { sign } from 'hono/jwt'

/**
 * `node <script> <spec.json>` as its own process, so that its CPU and the server's are not this
 * process's: the spec handed over in a file, its result one JSON on its stdout.
 * @param {string} script @param {object} spec
 */
export async function runScript(script, spec) {
  const dir = mkdtempSync(join(tmpdir(), `${basename(script, '.mjs')}-`))
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(spec))
  try {
    const out = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] })
      let text = ''
      child.stdout.on('data', (d) => (text += d))
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${script} exited ${code}`))))
    })
    return JSON.parse(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A request and its JSON body, sent again when the server had closed the kept-alive connection
 * it went out on (undici reuses one left idle, say while tokens are signed, and does not resend
 * a POST). Only for requests that may be sent twice: entering is idempotent (a user asking again
 * gets the same token), and a user made twice is one more user nobody uses.
 * @param {string} url @param {RequestInit} [init] @returns {Promise<{ status: number, body: any }>}
 */
export async function request(url, init = {}, attempts = 3) {
  try {
    const res = await fetch(url, init)
    return { status: res.status, body: await res.json() }
  } catch (err) {
    if (attempts <= 1 || /** @type {any} */ (err).cause?.code !== 'UND_ERR_SOCKET') throw err
    return request(url, init, attempts - 1)
  }
}

export function benchClient(base, secrets) {
  async function load(spec) {
    const target = spec.requests ? `${spec.requests[0].method} ${spec.requests[0].path}` : spec.kind
    console.error(`load: ${target} (${spec.amount ? `${spec.amount} requests` : `${spec.durationMs ?? 0} ms`})`)
    return runScript('bench/load.mjs', { url: base, ...spec })
  }

  async function json(method, path, body, headers = {}) {
    const init = {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }
    // Only a read is sent again: a concert or a charge made twice would be one nobody counts.
    const res = await request(`${base}${path}`, init, method === 'GET' ? 3 : 1)
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }

  /** A concert of `dateCount` dates, each of 50 seats at one price, or of the given sections; a scheduled sale with `sale`. */
  async function createConcert(queuePolicy, dateCount, sections, sale) {
    const dates = Array.from({ length: dateCount }, (_, i) => ({
      date: new Date(Date.now() + (7 + i) * 86_400_000).toISOString().slice(0, 10),
      ...(sections ? {} : { price: 1_000 }),
    }))
    const body = { title: 'Bench', dates, queuePolicy, ...(sections ? { sections } : {}), ...(sale ? { sale } : {}) }
    return (await json('POST', '/api/admin/concerts', body, { authorization: `Bearer ${secrets.ADMIN_TOKEN}` }))
      .concertId
  }

  /** Access tokens of users D1 does not know (signing is not what a bench measures), good for `lifetimeSeconds`. */
  async function accessTokens(count, lifetimeSeconds = 3600) {
    const exp = Math.floor(Date.now() / 1000) + lifetimeSeconds
    return Promise.all(
      Array.from({ length: count }, () =>
        sign({ typ: 'access', sub: crypto.randomUUID(), exp }, secrets.AUTH_SECRET, 'HS256'),
      ),
    )
  }

  /** Users D1 knows, each charged `amount`: their access tokens. */
  async function fundedUsers(count, amount) {
    const tokens = []
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async () => {
          const { accessToken } = await json('POST', '/api/users', {})
          await json('POST', '/api/users/me/balance/charges', { amount }, { authorization: `Bearer ${accessToken}` })
          return accessToken
        }),
      )
      tokens.push(...batch)
    }
    return tokens
  }

  /** Real users (so that D1 knows them), each admitted to the concert: their request headers. */
  async function activeBuyers(concertId, count) {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const user = await json('POST', '/api/users', {})
        const auth = { authorization: `Bearer ${user.accessToken}` }
        const status = await json('POST', `/api/concerts/${concertId}/queue/tokens`, undefined, auth)
        if (status.status !== 'ACTIVE') throw new Error('buyer not admitted')
        return { ...auth, 'x-queue-token': status.token }
      }),
    )
  }

  /** The same-seat race: 100 ACTIVE users of a fresh concert, all after seat 1 of its one date, at concurrency 100. */
  async function sameSeatRace() {
    const concertId = await createConcert({ maxActiveUsers: 200 }, 1)
    const date = (await json('GET', `/api/concerts/${concertId}/dates`)).dates[0].date
    const body = JSON.stringify({ date, seatNumber: 1 })
    const racers = await activeBuyers(concertId, 100)
    const path = `/api/concerts/${concertId}/reservations`
    return {
      concertId,
      connections: 100,
      requests: racers.map((headers) => ({
        method: 'POST',
        path,
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      })),
    }
  }

  /**
   * No event lost at the rush: the events the given concerts' objects wrote to their outboxes
   * (operators' stats) against those the stand-in platform at `platformUrl` received (distinct
   * eventIds), once the outboxes and the queue have drained (at most `timeoutMs`).
   */
  async function eventsDelivered(concertIds, platformUrl, timeoutMs = 120_000) {
    const started = Date.now()
    for (;;) {
      const stats = await Promise.all(
        concertIds.map((id) =>
          json('GET', `/api/admin/concerts/${id}/queue`, undefined, { authorization: `Bearer ${secrets.ADMIN_TOKEN}` }),
        ),
      )
      const written = stats.reduce((sum, s) => sum + s.events.written, 0)
      const unsent = stats.reduce((sum, s) => sum + s.events.unsent, 0)
      const counts = await (await fetch(`${platformUrl}/counts`)).json()
      if ((counts.events >= written && unsent === 0) || Date.now() - started > timeoutMs) {
        return {
          written,
          delivered: counts.events,
          unsent,
          deliveries: counts.requests,
          duplicates: counts.duplicates,
          drainedSecondsAfterRun: Math.round((Date.now() - started) / 1000),
        }
      }
      await new Promise((r) => setTimeout(r, 1_000))
    }
  }

  return { load, json, createConcert, accessTokens, fundedUsers, activeBuyers, sameSeatRace, eventsDelivered }
}

/** Sale events written and delivered differ (bench runs fail on it). */
export const eventsLost = (events) => events.delivered !== events.written || events.unsent > 0
