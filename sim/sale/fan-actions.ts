import fc from 'fast-check'
import { entryProof, FANS, SEATS } from './opening'
import { step } from './step'
import type { Fan, Reply, SaleWorld } from './world'

// What fans do: enter the line and follow it, hold seats (sometimes the same request twice at
// once, as a double click does), pay, let go, ask for a refund, give a ticket away, show it at
// the gate, and wait for returned seats on the waitlist.

const fan = fc.integer({ min: 0, max: FANS - 1 })
const seatNumbers = fc.uniqueArray(fc.integer({ min: 1, max: SEATS }), { minLength: 1, maxLength: 2 })
const pick = fc.nat({ max: 3 })

const fanOf = (world: SaleWorld, index: number): Fan => world.fans[index]!
/** Among the fans who hold or bought an order, the index-th (any fan when none has). */
const buyerOf = (world: SaleWorld, index: number): Fan => {
  const buyers = world.fans.filter((f) => f.orders.length > 0)
  return buyers[index % Math.max(1, buyers.length)] ?? fanOf(world, index)
}
const base = (world: SaleWorld) => `/api/concerts/${world.concertId}`

/** The same request once, or twice at the same moment; the first answer is kept. */
async function once(twice: boolean, send: () => Promise<Reply>): Promise<Reply> {
  if (!twice) return send()
  const [first, second] = await Promise.all([send(), send()])
  return first.status < 300 ? first : second
}

async function ticketsOf(world: SaleWorld, f: Fan) {
  const reply = await world.call('GET', '/api/users/me/tickets', { token: f.accessToken })
  const tickets = (reply.body?.tickets ?? []) as Array<{ ticketId: string; concertId: string }>
  return tickets.filter((t) => t.concertId === world.concertId)
}

/** The fan's place in line: taken (with a proof of work when the policy asks one), or followed. */
async function enterOrPoll(world: SaleWorld, f: Fan) {
  if (f.queueToken) {
    const reply = await world.call('GET', `${base(world)}/queue/status`, {
      token: f.accessToken,
      queueToken: f.queueToken,
    })
    if (reply.status === 401) delete f.queueToken
    if (reply.status !== 401) return
  }
  const headers = await entryProof(world, f.accessToken)
  const reply = await world.call('POST', `${base(world)}/queue/tokens`, { token: f.accessToken, headers })
  if (reply.status === 200 || reply.status === 201) f.queueToken = reply.body.token
}

/** Holds seats, entering the line first if the fan has no place; the order's id when it was held. */
async function hold(world: SaleWorld, f: Fan, seatNumbers: number[], twice: boolean): Promise<string | null> {
  if (!f.queueToken) await enterOrPoll(world, f)
  const reply = await once(twice, () =>
    world.call('POST', `${base(world)}/reservations`, {
      token: f.accessToken,
      queueToken: f.queueToken,
      body: { date: world.date, seatNumbers },
    }),
  )
  if (reply.status !== 201) return null
  f.orders.push(reply.body.reservationId)
  world.lastHeld = seatNumbers
  return reply.body.reservationId
}

// Weights: the path to a sale (the line, a hold, a payment) comes up most, so that histories reach it.
export const fanActions = [
  step(5, 'enterOrPoll', fc.record({ fan }), (a) => async (world) => {
    await enterOrPoll(world, fanOf(world, a.fan))
  }),

  step(5, 'hold', fc.record({ fan, seatNumbers, twice: fc.boolean() }), (a) => async (world) => {
    await hold(world, fanOf(world, a.fan), a.seatNumbers, a.twice)
  }),

  // Two fans after the same seats at the same moment: one hold at most may win them.
  step(3, 'race', fc.record({ fan, other: fan, seatNumbers }), (a) => async (world) => {
    const [f, g] = [fanOf(world, a.fan), fanOf(world, a.other)]
    for (const x of [f, g]) if (!x.queueToken) await enterOrPoll(world, x)
    await Promise.all([hold(world, f, a.seatNumbers, false), hold(world, g, a.seatNumbers, false)])
  }),

  // A fan after the seats the last hold took (a double click on a seat another fan has).
  step(2, 'holdTaken', fc.record({ fan }), (a) => async (world) => {
    await hold(world, fanOf(world, a.fan), world.lastHeld, false)
  }),

  // A fan's whole checkout in one step (the line, a hold, its payment), so that histories of a
  // few dozen steps reach the sell-out, and with it refunds and the waitlist's offers.
  step(4, 'buy', fc.record({ fan, seatNumbers }), (a) => async (world) => {
    const f = fanOf(world, a.fan)
    const order = await hold(world, f, a.seatNumbers, false)
    if (order)
      await world.call('POST', '/api/payments', {
        token: f.accessToken,
        queueToken: f.queueToken,
        body: { reservationId: order },
      })
  }),

  step(1, 'release', fc.record({ fan }), (a) => async (world) => {
    const f = buyerOf(world, a.fan)
    const order = f.orders.at(-1) ?? crypto.randomUUID()
    await world.call('DELETE', `${base(world)}/reservations/${order}`, {
      token: f.accessToken,
      queueToken: f.queueToken,
    })
  }),

  step(5, 'pay', fc.record({ fan, twice: fc.boolean(), retryKey: fc.boolean() }), (a) => async (world) => {
    const f = buyerOf(world, a.fan)
    const order = f.orders.at(-1) ?? crypto.randomUUID()
    const headers: Record<string, string> = a.retryKey ? { 'idempotency-key': `pay-${order}` } : {}
    await once(a.twice, () =>
      world.call('POST', '/api/payments', {
        token: f.accessToken,
        queueToken: f.queueToken,
        body: { reservationId: order },
        headers,
      }),
    )
  }),

  step(2, 'refund', fc.record({ fan, order: pick, twice: fc.boolean() }), (a) => async (world) => {
    const f = buyerOf(world, a.fan)
    const order = f.orders[a.order % Math.max(1, f.orders.length)] ?? crypto.randomUUID()
    await once(a.twice, () =>
      world.call('POST', `/api/users/me/reservations/${order}/refund`, { token: f.accessToken }),
    )
  }),

  step(2, 'transfer', fc.record({ fan, to: fan, ticket: pick }), (a) => async (world) => {
    const f = buyerOf(world, a.fan)
    const ticket = (await ticketsOf(world, f))[a.ticket]
    if (!ticket) return
    await world.call('POST', `/api/users/me/tickets/${ticket.ticketId}/transfer`, {
      token: f.accessToken,
      body: { toUserId: fanOf(world, a.to).userId },
    })
  }),

  step(2, 'checkIn', fc.record({ fan, ticket: pick, twice: fc.boolean() }), (a) => async (world) => {
    const f = buyerOf(world, a.fan)
    const ticket = (await ticketsOf(world, f))[a.ticket]
    if (!ticket) return
    const code = await world.call('GET', `/api/users/me/tickets/${ticket.ticketId}/code`, { token: f.accessToken })
    if (code.status !== 200) return
    const send = () =>
      world.call('POST', `${base(world)}/check-ins`, { token: world.scannerToken, body: { code: code.body.code } })
    const replies = a.twice ? await Promise.all([send(), send()]) : [await send()]
    for (const reply of replies)
      if (reply.status === 201)
        world.admittedAtGate.set(ticket.ticketId, (world.admittedAtGate.get(ticket.ticketId) ?? 0) + 1)
  }),

  step(
    3,
    'joinWaitlist',
    fc.record({
      fan,
      seats: fc.integer({ min: 1, max: 2 }),
      section: fc.constantFrom(undefined, 'VIP', 'R'),
      autoPay: fc.boolean(),
    }),
    (a) => async (world) => {
      const f = fanOf(world, a.fan)
      const body = {
        date: world.date,
        seats: a.seats,
        autoPay: a.autoPay,
        ...(a.section ? { section: a.section } : {}),
      }
      const reply = await world.call('POST', `${base(world)}/waitlist`, { token: f.accessToken, body })
      if (reply.status === 200 || reply.status === 201) f.waitlistId = reply.body.waitlistId
    },
  ),

  step(1, 'leaveWaitlist', fc.record({ fan }), (a) => async (world) => {
    const f = fanOf(world, a.fan)
    await world.call('DELETE', `/api/users/me/waitlist/${f.waitlistId ?? crypto.randomUUID()}`, {
      token: f.accessToken,
    })
  }),

  step(3, 'payOffer', fc.record({ fan, twice: fc.boolean() }), (a) => async (world) => {
    const f = fanOf(world, a.fan)
    const entries = await world.call('GET', '/api/users/me/waitlist', { token: f.accessToken })
    const offered = (
      (entries.body?.entries ?? []) as Array<{ concertId: string; status: string; reservationId?: string }>
    ).find((e) => e.concertId === world.concertId && e.status === 'OFFERED')
    if (!offered?.reservationId) return
    f.orders.push(offered.reservationId)
    await once(a.twice, () =>
      world.call('POST', '/api/payments', { token: f.accessToken, body: { reservationId: offered.reservationId } }),
    )
  }),
]
