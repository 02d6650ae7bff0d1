// @ts-check
// `npm run bench:queue -- --prequeue [N]`: N fans (default 100,000) enter one concert's
// pre-queue with real requests; 10,000 of them hold a WebSocket. At opensAt the object's alarm
// draws, with no request: the time from opensAt until the first admitted fan is told, and
// until every socket is told its place. Then the draw is verified (scripts/verify-draw.mjs).
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { verifyDraw } from '../scripts/verify-draw.mjs'
import { benchClient, request } from './client.mjs'
import { pool, pct } from './pool.mjs'
import { ADMIN_TOKEN, AUTH_SECRET } from './serve-bundle.mjs'

const SOCKETS = 10_000
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))

/** @param {string} base @param {number} count */
export async function preQueueDraw(base, count) {
  const client = benchClient(base, { ADMIN_TOKEN, AUTH_SECRET })
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const enter = async (/** @type {string} */ concertId, /** @type {string} */ accessToken) => {
    // Sent again if its kept-alive connection had closed while the tokens were signed (request()).
    const { status, body } = await request(`${base}/api/concerts/${concertId}/queue/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    })
    if (status !== 201) throw new Error(`entry: ${status} ${JSON.stringify(body)}`)
    return body
  }

  // The opening must come after the fill: time a fill of 3,000 first, and leave room.
  const warmUp = (
    await client.json('POST', '/api/admin/concerts', { title: 'Warm-up', dates: [{ date, price: 1000 }] }, admin)
  ).concertId
  const warmTokens = await client.accessTokens(3_000)
  const w0 = performance.now()
  await pool(warmTokens.length, 64, (i) => enter(warmUp, warmTokens[i]))
  const entriesPerSecond = warmTokens.length / ((performance.now() - w0) / 1000)
  const opensIn = (count / entriesPerSecond) * 1.5 * 1000 + (Math.min(SOCKETS, count) / 300) * 1000 + 15_000
  const opensAt = Date.now() + opensIn
  const sale = { opensAt: new Date(opensAt).toISOString(), preQueueOpensAt: new Date(Date.now() - 1000).toISOString() }
  // 500 admitted at the opening, so some of the socket holders are; nobody idles out during the run.
  const queuePolicy = { maxActiveUsers: 500, idleTimeoutSeconds: 86_400 }
  const concertId = (
    await client.json(
      'POST',
      '/api/admin/concerts',
      { title: 'On-sale at scale', dates: [{ date, price: 1000 }], queuePolicy, sale },
      admin,
    )
  ).concertId
  console.error(
    `pre-queue: ${Math.round(entriesPerSecond)} entries/s measured; opensAt in ${(opensIn / 1000).toFixed(0)} s`,
  )

  const accessTokens = await client.accessTokens(count)
  const f0 = performance.now()
  const entries = new Array(count)
  await pool(count, 64, async (i) => {
    entries[i] = await enter(concertId, accessTokens[i])
    if (entries[i].status !== 'PRE_QUEUE') throw new Error(`entry ${i}: ${entries[i].status}`)
  })
  const fillSeconds = (performance.now() - f0) / 1000
  console.error(`${count} entered the pre-queue in ${fillSeconds.toFixed(0)} s`)

  /** @type {WebSocket[]} */
  const sockets = []
  /** @type {Array<number | null>} */
  const toldAt = []
  let firstAdmittedAt = Infinity
  await pool(Math.min(SOCKETS, count), 100, async (i) => {
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/api/concerts/${concertId}/queue/ws?token=${entries[i].token}`,
    )
    sockets.push(ws)
    toldAt[i] = null
    await new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        const status = JSON.parse(String(data))
        if (status.status === 'PRE_QUEUE') return resolve(undefined)
        const now = Date.now()
        toldAt[i] ??= now
        if (status.status === 'ACTIVE') firstAdmittedAt = Math.min(firstAdmittedAt, now)
      })
      ws.once('error', reject)
    })
  })
  if (Date.now() > opensAt - 2_000)
    throw new Error('the fill took longer than planned: entries reached the line after opensAt')
  console.error(
    `${sockets.length} sockets open; waiting ${((opensAt - Date.now()) / 1000).toFixed(0)} s for the opening`,
  )

  // No request from here: the alarm draws and pushes.
  const deadline = opensAt + 60_000
  while (toldAt.some((t) => t === null) && Date.now() < deadline) await sleep(50)
  const delays = toldAt.map((t) => (t ?? Infinity) - opensAt)
  for (const ws of sockets) ws.terminate()

  const v0 = performance.now()
  const verified = await verifyDraw(base, concertId, entries[0].entryId)
  const verifySeconds = (performance.now() - v0) / 1000
  if (!verified.ok) throw new Error(`the draw did not verify:\n${verified.lines.join('\n')}`)
  return {
    drawn: count,
    fillSeconds,
    sockets: sockets.length,
    firstAdmittedMs: firstAdmittedAt - opensAt,
    firstSocketMs: Math.min(...delays),
    medianSocketMs: pct(delays, 50),
    lastSocketMs: Math.max(...delays),
    verifySeconds,
  }
}
