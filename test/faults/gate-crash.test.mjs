// @ts-check
// Crash safety at the gate: check-ins of many tickets, with duplicates, at several scanners,
// the service (`npm start`, its own state; service.mjs) SIGKILLed mid-way and restarted: no
// ticket is let in twice (at most one 201 per ticket over both runs) and none is lost (a ticket
// answered 201 is CHECKED_IN after the restart, in the concert object and in D1).
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { adminToken, faultedService, pick, wait } from './service.mjs'

const PORT = Number(process.env.FAULTS_GATE_PORT ?? 8793)
const PRICE = 10_000
const service = faultedService(PORT)
const { request, start, kill, until, d1 } = service
after(service.stop)

test('check-ins survive a SIGKILL mid-way: no ticket let in twice, none lost', { timeout: 5 * 60_000 }, async () => {
  await start()
  const BUYERS_AT_GATE = 4
  const SEATS_EACH = 10
  const COPIES = 3 // each ticket is presented this many times at once, at different scanners
  const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const created = await until('create a concert', async () => {
    const r = await request('POST', '/api/admin/concerts', {
      token: adminToken(),
      body: {
        title: 'Gate crash test',
        dates: [{ date, price: PRICE }],
        seatsPerDate: 50,
        queuePolicy: { maxActiveUsers: 50, maxSeatsPerOrder: SEATS_EACH, maxTicketsPerUser: SEATS_EACH },
      },
    })
    return r.status === 201 && r.body
  })
  const concertId = created.concertId
  /** @type {Array<{ holder: { accessToken: string }, ticketId: string }>} */
  const tickets = []
  for (let b = 0; b < BUYERS_AT_GATE; b++) {
    const buyer = {
      user: await until('create a user', async () => {
        const r = await request('POST', '/api/users', { body: { name: 'gate buyer' } })
        return r.status === 201 && r.body
      }),
    }
    const charged = await request('POST', '/api/users/me/balance/charges', {
      body: { amount: PRICE * SEATS_EACH },
      token: buyer.user.accessToken,
    })
    assert.equal(charged.status, 200, JSON.stringify(charged.body))
    const place = await request('POST', `/api/concerts/${concertId}/queue/tokens`, { token: buyer.user.accessToken })
    assert.equal(place.body?.status, 'ACTIVE', JSON.stringify(place.body))
    const seatNumbers = Array.from({ length: SEATS_EACH }, (_, i) => 1 + b * SEATS_EACH + i)
    const held = await request('POST', `/api/concerts/${concertId}/reservations`, {
      body: { date, seatNumbers },
      token: buyer.user.accessToken,
      queueToken: place.body.token,
    })
    assert.equal(held.status, 201, JSON.stringify(held.body))
    const paid = await request('POST', '/api/payments', {
      body: { reservationId: held.body.reservationId },
      token: buyer.user.accessToken,
      queueToken: place.body.token,
    })
    assert.equal(paid.status, 201, JSON.stringify(paid.body))
    const list = await request('GET', '/api/users/me/tickets', { token: buyer.user.accessToken })
    for (const t of list.body.tickets)
      if (t.concertId === concertId) tickets.push({ holder: buyer.user, ticketId: t.ticketId })
  }
  assert.equal(tickets.length, BUYERS_AT_GATE * SEATS_EACH)
  const scanners = []
  for (let i = 0; i < 4; i++) {
    const r = await request('POST', `/api/admin/concerts/${concertId}/scanners`, {
      token: adminToken(),
      body: { name: `lane ${i}` },
    })
    assert.equal(r.status, 201)
    scanners.push(r.body.token)
  }
  /** Ticket id -> statuses answered, over both runs. */
  const answers = new Map(tickets.map((t) => [t.ticketId, /** @type {number[]} */ ([])]))
  async function presentAll(spreadMs) {
    const codes = await Promise.all(
      tickets.map(async (t) => {
        const r = await until('a code', async () => {
          const c = await request('GET', `/api/users/me/tickets/${t.ticketId}/code`, { token: t.holder.accessToken })
          return c.status === 200 && c.body.code
        })
        return { ticketId: t.ticketId, code: r }
      }),
    )
    await Promise.all(
      codes.flatMap(({ ticketId, code }) =>
        Array.from({ length: COPIES }, async (_, copy) => {
          await wait(pick(spreadMs))
          const r = await request('POST', `/api/concerts/${concertId}/check-ins`, {
            token: scanners[(copy + pick(scanners.length)) % scanners.length],
            body: { code },
          })
          answers.get(ticketId).push(r.status)
          if (r.status !== 0 && r.status !== 201)
            assert.equal(r.body?.error?.code, 'ALREADY_CHECKED_IN', `check-in: ${r.status} ${JSON.stringify(r.body)}`)
        }),
      ),
    )
  }
  // Run 1: the presentations spread over 1.5 s, the kill lands in the middle of them.
  const firstRun = presentAll(1_500)
  await wait(400 + pick(600))
  await kill()
  await firstRun
  const letInBeforeKill = [...answers].filter(([, s]) => s.includes(201)).map(([id]) => id)
  const cutOff = [...answers.values()].flat().filter((s) => s === 0).length
  await start()
  // Run 2: every ticket presented again, with fresh codes (those of run 1 may have expired meanwhile).
  await presentAll(200)
  for (const [ticketId, statuses] of answers)
    assert.ok(statuses.filter((s) => s === 201).length <= 1, `ticket ${ticketId} let in twice: ${statuses.join(',')}`)
  // Every ticket is in by now (run 2 let in those run 1 had not, or found them in): none lost.
  for (const [ticketId, statuses] of answers)
    assert.ok(
      statuses.some((s) => s === 201 || s === 409),
      `ticket ${ticketId}: ${statuses.join(',')}`,
    )
  const stats = await request('GET', `/api/admin/concerts/${concertId}/queue`, { token: adminToken() })
  assert.deepEqual(stats.body.checkIns, [{ date, tickets: tickets.length, checkedIn: tickets.length }])
  // D1 follows the object: by the route's write, or the outbox event's after the restart.
  await until('D1 to have every check-in', async () => {
    const [{ missing }] = await d1(
      `SELECT COUNT(*) AS missing FROM tickets WHERE concert_id = '${concertId}' AND checked_in_at IS NULL`,
    )
    return missing === 0
  })
  console.log(
    `gate: ${tickets.length} tickets x ${COPIES}; ${letInBeforeKill.length} let in before the kill, ${cutOff} check-ins cut off; no ticket twice, none lost`,
  )
})
