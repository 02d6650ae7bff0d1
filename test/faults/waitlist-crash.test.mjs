// @ts-check
// Crash safety of the waitlist: a sold-out date, fans waitlisted (some with autoPay), the
// buyers refunding all at once while the fans offered a seat pay for it, and the service
// (`npm start`, its own state; service.mjs) SIGKILLed in the middle. After the restart the
// buyers retry their refunds and the fans their payments with the same Idempotency-Keys, as
// a real client would. Then: every refunded seat went to the waitlist (each fan has exactly one
// seat, paid: none lost between the refund that freed it and its offer), no seat sold twice,
// every sold seat one ticket, and money conserved in D1.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { adminToken, faultedService, pick, wait } from './service.mjs'

const PORT = Number(process.env.FAULTS_WAITLIST_PORT ?? 8794)
const PRICE = 10_000
const BUYERS = 6
const SEATS_EACH = 2
const FANS = 10 // fewer than the BUYERS × SEATS_EACH seats refunded: every fan must end with a seat
const service = faultedService(PORT)
const { request, start, kill, until, d1 } = service
after(service.stop)

/** One call retried through the outage with its Idempotency-Key until the service answers it. */
async function answered(what, call) {
  return until(what, async () => {
    const r = await call()
    return r.status !== 0 && r
  })
}

async function newUser(name, balance) {
  const user = await answered('create a user', () => request('POST', '/api/users', { body: { name } }))
  assert.equal(user.status, 201, JSON.stringify(user.body))
  const key = crypto.randomUUID()
  const charged = await answered('charge', () =>
    request('POST', '/api/users/me/balance/charges', { body: { amount: balance }, token: user.body.accessToken, key }),
  )
  assert.equal(charged.status, 200, JSON.stringify(charged.body))
  return user.body
}

test(
  'a refund and its waitlist offer survive a SIGKILL between them: no seat lost, none sold twice',
  {
    timeout: 5 * 60_000,
  },
  async () => {
    await start()
    const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
    const concert = await until('create a concert', async () => {
      const r = await request('POST', '/api/admin/concerts', {
        token: adminToken(),
        body: {
          title: 'Waitlist crash test',
          dates: [{ date, price: PRICE }],
          seatsPerDate: BUYERS * SEATS_EACH,
          queuePolicy: { maxActiveUsers: 50, maxSeatsPerOrder: SEATS_EACH, maxTicketsPerUser: SEATS_EACH },
        },
      })
      return r.status === 201 && r.body
    })
    const concertId = concert.concertId

    // Sold out: each buyer pays an order of two seats.
    const orders = []
    for (let b = 0; b < BUYERS; b++) {
      const buyer = await newUser(`buyer ${b}`, PRICE * SEATS_EACH)
      const place = await request('POST', `/api/concerts/${concertId}/queue/tokens`, { token: buyer.accessToken })
      assert.equal(place.body?.status, 'ACTIVE', JSON.stringify(place.body))
      const held = await request('POST', `/api/concerts/${concertId}/reservations`, {
        body: { date, seatNumbers: [1 + b * SEATS_EACH, 2 + b * SEATS_EACH] },
        token: buyer.accessToken,
        queueToken: place.body.token,
      })
      assert.equal(held.status, 201, JSON.stringify(held.body))
      const paid = await request('POST', '/api/payments', {
        body: { reservationId: held.body.reservationId },
        token: buyer.accessToken,
        queueToken: place.body.token,
      })
      assert.equal(paid.status, 201, JSON.stringify(paid.body))
      orders.push({ buyer, reservationId: held.body.reservationId, key: crypto.randomUUID(), first: -1 })
    }

    // The waitlist, in join order; every other fan pays by autoPay, the rest by hand.
    const fans = []
    for (let f = 0; f < FANS; f++) {
      const fan = await newUser(`fan ${f}`, PRICE)
      const autoPay = f % 2 === 0
      const joined = await request('POST', `/api/concerts/${concertId}/waitlist`, {
        token: fan.accessToken,
        body: { date, seats: 1, autoPay },
      })
      assert.equal(joined.status, 201, JSON.stringify(joined.body))
      fans.push({ fan, autoPay, paymentKeys: new Map() })
    }

    const entryOf = async (fan) => {
      const r = await request('GET', '/api/users/me/waitlist', { token: fan.accessToken })
      return r.status === 200 ? r.body.entries.find((e) => e.concertId === concertId) : null
    }
    /** A fan paying by hand: pays an offer when one shows, until fulfilled. */
    let stopPaying = false
    const payByHand = async ({ fan, paymentKeys }) => {
      while (!stopPaying) {
        const entry = await entryOf(fan)
        if (entry?.status === 'FULFILLED') return
        if (entry?.status === 'OFFERED') {
          if (!paymentKeys.has(entry.reservationId)) paymentKeys.set(entry.reservationId, crypto.randomUUID())
          const paid = await request('POST', '/api/payments', {
            body: { reservationId: entry.reservationId },
            token: fan.accessToken,
            key: paymentKeys.get(entry.reservationId),
          })
          assert.ok([0, 201].includes(paid.status), `pay an offer: ${paid.status} ${JSON.stringify(paid.body)}`)
        }
        await wait(100)
      }
    }
    const payers = fans.filter((f) => !f.autoPay).map(payByHand)

    // Run 1: the refunds spread over 1.5 s; the kill lands among them.
    const refundOnce = (order) =>
      request('POST', `/api/users/me/reservations/${order.reservationId}/refund`, {
        token: order.buyer.accessToken,
        key: order.key,
      })
    const firstRun = Promise.all(
      orders.map(async (order) => {
        await wait(pick(1_500))
        order.first = (await refundOnce(order)).status
      }),
    )
    await wait(300 + pick(900))
    await kill()
    await firstRun
    await start()
    // Run 2: every refund retried with its key: 201 (made now, or the replay of the one before the kill).
    for (const order of orders) {
      const r = await answered('refund', () => refundOnce(order))
      assert.equal(r.status, 201, JSON.stringify(r.body))
    }
    await until('every fan to hold a paid seat', async () => {
      const entries = await Promise.all(fans.map(({ fan }) => entryOf(fan)))
      return entries.every((e) => e?.status === 'FULFILLED')
    })
    stopPaying = true
    await Promise.all(payers)

    const stats = await request('GET', `/api/admin/concerts/${concertId}/queue`, { token: adminToken() })
    assert.equal(stats.body.sold, FANS, JSON.stringify(stats.body))
    assert.equal(stats.body.seatsLeft, BUYERS * SEATS_EACH - FANS)
    assert.deepEqual(stats.body.waitlist, [{ date, waiting: 0, offered: 0, fulfilled: FANS }])
    // D1: one booking and one ticket per fan and none for the buyers; money conserved.
    const fanIds = new Set(fans.map(({ fan }) => fan.userId))
    const bookings = await d1(`SELECT user_id, seat_number FROM bookings WHERE concert_id = '${concertId}'`)
    assert.equal(bookings.length, FANS)
    assert.deepEqual(new Set(bookings.map((b) => b.user_id)), fanIds)
    const tickets = await d1(`SELECT holder_id, seat_number FROM tickets WHERE concert_id = '${concertId}'`)
    assert.deepEqual(
      tickets.map((t) => `${t.holder_id}:${t.seat_number}`).sort(),
      bookings.map((b) => `${b.user_id}:${b.seat_number}`).sort(),
    )
    const [money] = await d1(
      `SELECT (SELECT SUM(amount) FROM charges) + (SELECT COALESCE(SUM(amount), 0) FROM refunds) AS credited,
            (SELECT SUM(balance) FROM users) + (SELECT SUM(amount) FROM payments) AS held`,
    )
    assert.equal(money.credited, money.held, JSON.stringify(money))
    console.log(
      `waitlist: ${BUYERS} refunds, ${orders.filter((o) => o.first === 0).length} cut off by the kill; ${FANS} fans each one seat, no seat lost or sold twice`,
    )
  },
)
