// @ts-check
// Crash safety: the service started as the README says (`npm start`, its own local state),
// buyers charging, queueing, holding orders of one or two seats, paying and refunding
// concurrently, and the whole process group
// SIGKILLed at random moments. After each restart on the same state, the buyers retry what
// was cut off (with the same Idempotency-Keys, as a real client would), and the invariants
// are checked against D1 (read with `wrangler d1 execute`) and the concert objects (through
// the operator API):
//   money is conserved: sum(charges) + sum(refunds) = sum(balances) + sum(payments), and per
//     user the charges in D1 are exactly the ones acknowledged;
//   every SOLD seat has exactly one payment and one booking, every payment not refunded its
//     seats SOLD, every refunded one its seats on sale again and no booking (no seat is both
//     free and booked); the payments and the refunds are exactly the acknowledged ones;
//   no seat is held twice, and the holds whose time passed during the outage are released;
//   the queue survives: every acknowledged place is still there, in arrival order.
// The gate's crash test is gate-crash.test.mjs; the service's harness, service.mjs.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { adminToken, faultedService, pick, wait } from './service.mjs'

const PORT = Number(process.env.FAULTS_PORT ?? 8798)
const KILLS = Number(process.env.FAULTS_KILLS ?? 6)
const BUYERS = 24
const MAX_ACTIVE = 8
const HOLD_TTL_SECONDS = 3
const PRICE = 10_000
const service = faultedService(PORT)
const { base, request, start, kill, until, d1 } = service
after(service.stop)
/** Payments and refunds in flight: between the object's and D1's halves is where a kill hurts most. */
let moneyInFlight = 0
const figures = {
  inFlightAtKills: 0,
  cutOffCalls: 0,
  chargesAcknowledged: 0,
  payments: 0,
  insufficientBalance: 0,
  expiredBeforePaying: 0,
  holdsWon: 0,
  seatTaken: 0,
  refunds: 0,
  retriedAfterRestart: 0,
}

// --- buyers ---

class Buyer {
  user = null
  acknowledgedCharges = 0
  /** A request cut off by a kill, retried with the same Idempotency-Key until it has an answer. */
  pendingCharge = null
  pendingPayment = null
  pendingRefund = null
  /** Concert id -> { token, arrival } as acknowledged by the service. */
  tokens = new Map()
  /** Concert ids whose token ended by payment. */
  paidIn = new Set()
  paid = []
  /** Reservation ids whose refund was acknowledged. */
  refunded = []

  async ensureUser() {
    this.user = await until('create a user', async () => {
      const r = await request('POST', '/api/users', { body: { name: 'crash buyer' } })
      return r.status === 201 && r.body
    })
  }

  async charge(amount, key) {
    this.pendingCharge = { amount, key }
    const r = await request('POST', '/api/users/me/balance/charges', {
      body: { amount },
      token: this.user.accessToken,
      key,
    })
    if (r.status === 0) return
    assert.equal(r.status, 200, `charge: ${JSON.stringify(r.body)}`)
    this.acknowledgedCharges += amount
    figures.chargesAcknowledged++
    this.pendingCharge = null
  }

  async pay(payment) {
    this.pendingPayment = payment
    moneyInFlight++
    const r = await request('POST', '/api/payments', {
      body: { reservationId: payment.reservationId },
      token: this.user.accessToken,
      queueToken: payment.queueToken,
      key: payment.key,
    })
    moneyInFlight--
    if (r.status === 0) return
    this.pendingPayment = null
    if (r.status === 201) {
      this.paid.push(r.body)
      this.paidIn.add(payment.concertId)
      this.tokens.delete(payment.concertId)
      figures.payments++
    } else if (r.status === 402) figures.insufficientBalance++
    else if (r.status === 410)
      figures.expiredBeforePaying++ // cut off before the object saw it; the hold ran out
    else assert.fail(`payment: ${r.status} ${JSON.stringify(r.body)}`)
  }

  async refund(refund) {
    this.pendingRefund = refund
    moneyInFlight++
    const r = await request('POST', `/api/users/me/reservations/${refund.reservationId}/refund`, {
      token: this.user.accessToken,
      key: refund.key,
    })
    moneyInFlight--
    if (r.status === 0) return
    assert.equal(r.status, 201, `refund: ${JSON.stringify(r.body)}`)
    this.pendingRefund = null
    this.refunded.push(refund.reservationId)
    figures.refunds++
  }

  get cutOff() {
    return this.pendingCharge || this.pendingPayment || this.pendingRefund
  }

  /** What a cut-off client does once the service answers again. */
  async settle() {
    while (this.cutOff) {
      figures.retriedAfterRestart++
      if (this.pendingCharge) await this.charge(this.pendingCharge.amount, this.pendingCharge.key)
      if (this.pendingPayment) await this.pay(this.pendingPayment)
      if (this.pendingRefund) await this.refund(this.pendingRefund)
      if (this.cutOff) await wait(200)
    }
  }

  async run(concert, isRunning) {
    const { concertId, date } = concert
    while (isRunning()) {
      if (this.cutOff) return // the service is gone: wait for the restart
      if (Math.random() < 0.15) {
        await this.charge(10_000 + pick(5) * 10_000, crypto.randomUUID())
        continue
      }
      if (this.paidIn.has(concertId)) return
      let place = this.tokens.get(concertId)
      if (!place) {
        const r = await request('POST', `/api/concerts/${concertId}/queue/tokens`, { token: this.user.accessToken })
        if (r.status === 200 || r.status === 201) this.tokens.set(concertId, (place = { token: r.body.token }))
        else continue
      }
      const status = await request('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: place.token })
      if (status.status !== 200 || status.body.status !== 'ACTIVE') {
        await wait(100 + pick(200))
        continue
      }
      const first = 1 + pick(49)
      const held = await request('POST', `/api/concerts/${concertId}/reservations`, {
        body: Math.random() < 0.5 ? { date, seatNumber: first } : { date, seatNumbers: [first, first + 1] },
        token: this.user.accessToken,
        queueToken: place.token,
      })
      if (held.status === 409) figures.seatTaken++
      if (held.status !== 201) continue
      figures.holdsWon++
      const choice = Math.random()
      if (choice < 0.7) {
        await this.pay({
          concertId,
          reservationId: held.body.reservationId,
          queueToken: place.token,
          key: crypto.randomUUID(),
        })
        // Some buyers change their mind at once: the refund races the next buyers' holds.
        if (this.paidIn.has(concertId) && Math.random() < 0.4)
          await this.refund({ reservationId: held.body.reservationId, key: crypto.randomUUID() })
      } else if (choice < 0.85) {
        await request('DELETE', `/api/concerts/${concertId}/reservations/${held.body.reservationId}`, {
          token: this.user.accessToken,
          queueToken: place.token,
        })
      } else await wait(HOLD_TTL_SECONDS * 1000) // walk away: the hold expires
    }
  }
}

async function newConcert() {
  return until('create a concert', async () => {
    const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
    const r = await request('POST', '/api/admin/concerts', {
      token: adminToken(),
      body: {
        title: 'Crash test',
        dates: [{ date, price: PRICE }],
        seatsPerDate: 50,
        queuePolicy: {
          maxActiveUsers: MAX_ACTIVE,
          holdTtlSeconds: HOLD_TTL_SECONDS,
          activeTtlSeconds: 3600,
          idleTimeoutSeconds: 3600,
          maxTicketsPerUser: 20,
        },
      },
    })
    return r.status === 201 && { concertId: r.body.concertId, date }
  })
}

// --- the invariants ---

async function checkInvariants(buyers, concerts) {
  // Money is conserved, and per user the charges are exactly the acknowledged ones.
  const [money] = await d1(
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM charges) AS charged, (SELECT COALESCE(SUM(balance), 0) FROM users) AS balances,
            (SELECT COALESCE(SUM(amount), 0) FROM payments) AS paid, (SELECT COALESCE(SUM(amount), 0) FROM refunds) AS refunded`,
  )
  assert.equal(
    money.charged + money.refunded,
    money.balances + money.paid,
    `money not conserved: ${JSON.stringify(money)}`,
  )
  const charged = new Map(
    (await d1('SELECT user_id, SUM(amount) AS total FROM charges GROUP BY user_id')).map((r) => [r.user_id, r.total]),
  )
  for (const b of buyers)
    assert.equal(
      charged.get(b.user.userId) ?? 0,
      b.acknowledgedCharges,
      'charges in D1 differ from the acknowledged ones',
    )

  // Payments: exactly the acknowledged ones, each with a booking of each of its seats until
  // refunded; refunds: exactly the acknowledged ones, with no booking left.
  const payments = await d1(
    `SELECT p.reservation_id, p.concert_id, p.seat_numbers,
            (SELECT json_group_array(seat_number) FROM (SELECT seat_number FROM bookings b WHERE b.payment_id = p.id ORDER BY seat_number)) AS booked,
            (SELECT COUNT(*) FROM refunds r WHERE r.payment_id = p.id) AS refunded
       FROM payments p`,
  )
  const acknowledged = new Set(buyers.flatMap((b) => b.paid.map((p) => p.reservationId)))
  assert.deepEqual(
    new Set(payments.map((p) => p.reservation_id)),
    acknowledged,
    'payments in D1 differ from the acknowledged ones',
  )
  const refunds = new Set(buyers.flatMap((b) => b.refunded))
  assert.deepEqual(
    new Set(payments.filter((p) => p.refunded === 1).map((p) => p.reservation_id)),
    refunds,
    'refunds in D1 differ from the acknowledged ones',
  )
  const seatsOf = (p) => JSON.parse(p.seat_numbers).sort((a, b) => a - b)
  for (const p of payments)
    assert.deepEqual(
      JSON.parse(p.booked),
      p.refunded ? [] : seatsOf(p),
      `payment ${p.reservation_id}: bookings differ from its seats`,
    )
  const [{ orphans }] = await d1(
    'SELECT COUNT(*) AS orphans FROM bookings WHERE payment_id NOT IN (SELECT id FROM payments)',
  )
  assert.equal(orphans, 0)

  for (const { concertId, date } of concerts) {
    // The object: SOLD seats are exactly the booked ones; nothing is still HELD (every hold of
    // before the kill has run out, every cut-off payment was retried to an answer).
    const map = await request('GET', `/api/admin/concerts/${concertId}/dates/${date}/seats`, { token: adminToken() })
    assert.equal(map.status, 200)
    const sold = map.body.seats
      .filter((s) => s.status === 'SOLD')
      .map((s) => s.seatNumber)
      .sort((a, b) => a - b)
    const booked = payments
      .filter((p) => p.concert_id === concertId)
      .flatMap((p) => JSON.parse(p.booked))
      .sort((a, b) => a - b)
    assert.deepEqual(sold, booked, `concert ${concertId}: SOLD seats differ from bookings`)
    assert.deepEqual(
      map.body.seats.filter((s) => s.status === 'HELD'),
      [],
      `concert ${concertId}: holds survived their expiry`,
    )
    const stats = await request('GET', `/api/admin/concerts/${concertId}/queue`, { token: adminToken() })
    assert.equal(stats.body.holds, 0, 'a reservation is still held or paying')
    assert.equal(stats.body.sold, sold.length)

    // The queue: every acknowledged place is still there; those waiting are in arrival order.
    const places = []
    for (const b of buyers) {
      const place = b.tokens.get(concertId)
      if (!place) continue
      const s = await request('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: place.token })
      assert.equal(s.status, 200, `an acknowledged place was lost: ${JSON.stringify(s.body)}`)
      places.push({
        arrival: JSON.parse(atob(place.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).arr,
        ...s.body,
      })
    }
    // (Strictly increasing rather than 1..k: an entry cut off by the kill may hold a place its client never heard of.)
    const positions = places
      .filter((p) => p.status === 'WAITING')
      .sort((a, b) => a.arrival - b.arrival)
      .map((p) => p.position)
    assert.ok(
      positions.every((p, i) => p >= 1 && (i === 0 || p > positions[i - 1])),
      `waiting positions out of arrival order: ${positions.join(',')}`,
    )
    assert.ok(places.filter((p) => p.status === 'ACTIVE').length <= MAX_ACTIVE)
  }
}

test(`survives ${KILLS} SIGKILLs of the whole service at random moments`, { timeout: 15 * 60_000 }, async () => {
  await start()
  const buyers = Array.from({ length: BUYERS }, () => new Buyer())
  await Promise.all(buyers.map((b) => b.ensureUser()))
  const concerts = []

  for (let round = 1; round <= KILLS; round++) {
    const concert = await newConcert()
    concerts.push(concert)
    let running = true
    const work = Promise.all(buyers.map((b) => b.run(concert, () => running)))
    console.log(`round ${round}: selling concert ${concert.concertId}`)
    await wait(1_500 + pick(3_000))
    // Every other round the kill waits for a payment or refund in flight, then lands within 15 ms of it:
    // between the object's and D1's halves of a sale is where a crash hurts most.
    if (round % 2 === 0) {
      const giveUp = Date.now() + 3_000
      while (moneyInFlight === 0 && Date.now() < giveUp) await wait(1)
      await wait(pick(15))
    }
    running = false // requests in flight stay in flight: the kill cuts them
    const killedAt = Date.now()
    figures.inFlightAtKills += service.counts.inFlight
    await kill()
    await work
    figures.cutOffCalls += buyers.filter((b) => b.cutOff).length

    await start()
    await Promise.all(buyers.map((b) => b.settle()))
    // Every hold taken before the kill has run out by now.
    await wait(Math.max(0, killedAt + HOLD_TTL_SECONDS * 1000 + 500 - Date.now()))
    await checkInvariants(buyers, concerts)
    console.log(`round ${round}: killed after ${service.counts.requests} requests so far; invariants hold`)
  }
  assert.ok(
    figures.payments > 0 && figures.chargesAcknowledged > 0 && figures.refunds > 0,
    'the workload did not reach payments and refunds',
  )
  console.log(`faults: ${JSON.stringify({ ...figures, ...service.counts })}`)
})

test('oversized request headers are refused with a 4xx, and the service keeps serving', async () => {
  if (!service.running) await start()
  const res = await fetch(`${base}/api/users/me/balance`, {
    headers: { authorization: `Bearer ${'x'.repeat(200_000)}` },
  }).catch((err) => err)
  if (res instanceof Response) assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`)
  else
    assert.match(String(res.cause?.code ?? res), /ECONNRESET|UND_ERR_SOCKET|HeadersOverflow|UND_ERR_HEADERS_OVERFLOW/) // closed by the server
  /** @type {Record<string, string>} */
  const many = {}
  for (let i = 0; i < 200; i++) many[`x-filler-${i}`] = 'y'.repeat(400)
  const res2 = await fetch(`${base}/healthz`, { headers: many }).catch((err) => err)
  if (res2 instanceof Response) assert.ok(res2.status < 500, `status ${res2.status}`)
  const outcome = (r) => (r instanceof Response ? r.status : String(r.cause?.code ?? r))
  console.log(`headers: one 200 KB header -> ${outcome(res)}; 200 headers of 400 bytes -> ${outcome(res2)}`)
  assert.equal((await request('GET', '/healthz')).status, 200)
})
