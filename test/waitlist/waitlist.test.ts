import { describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  activeBuyer,
  balanceOf,
  call,
  expectError,
  newConcert,
  newUser,
  refund,
  seatMap,
  until,
} from '../helpers'
import { entriesOf, entryRow, join, leave, payOffer, soldOut, waiter } from './waitlist-helpers'

describe('joining the waitlist', () => {
  it('takes entries only while no seat is on sale, in order, and gives a user their live entry back', async () => {
    const open = await newConcert({ seatsPerDate: 2 })
    const early = await newUser()
    expectError(await join(early, open.concertId, { date: open.dates[0]!.date, seats: 1 }), 409, 'SEATS_AVAILABLE')
    expect(await entriesOf(early)).toEqual([])

    const { concertId, date } = await soldOut([[1, 2]])
    const first = await waiter(concertId, { date, seats: 2 })
    expect(first.entry).toEqual({
      waitlistId: expect.any(String),
      concertId,
      date,
      seats: 2,
      autoPay: false,
      status: 'WAITING',
      position: 1,
      createdAt: expect.any(String),
    })
    const second = await waiter(concertId, { date, seats: 1, autoPay: true })
    expect(second.entry).toMatchObject({ position: 2, autoPay: true })
    const again = await join(first, concertId, { date, seats: 1 })
    expect(again.status).toBe(200)
    expect(again.body.waitlistId).toBe(first.entry.waitlistId)
    expect(await entriesOf(first)).toEqual([first.entry])
    // Still open after the sell-out: the queue refuses entries, the waitlist does not.
    expectError(
      await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: (await newUser()).accessToken }),
      409,
      'SOLD_OUT',
    )
  })

  it('counts seats asked toward maxTicketsPerUser, and asks for a verified phone where the policy does', async () => {
    const { concertId, date, bought } = await soldOut([[1, 2], [3]], { queuePolicy: { maxTicketsPerUser: 3 } })
    expectError(await join(bought[0]!.buyer, concertId, { date, seats: 2 }), 409, 'TICKET_LIMIT_REACHED')
    expect((await join(bought[0]!.buyer, concertId, { date, seats: 1 })).status).toBe(201)

    const strict = await soldOut([[1]])
    const policy = await call('PUT', `/api/admin/concerts/${strict.concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { requireVerifiedIdentity: true },
    })
    expect(policy.status).toBe(200)
    expectError(
      await join(await newUser(), strict.concertId, { date: strict.date, seats: 1 }),
      403,
      'VERIFICATION_REQUIRED',
    )
  })

  it('answers bad input with its contract error and changes nothing', async () => {
    const { concertId, date } = await soldOut([[1]], { sections: [{ name: 'VIP', price: 100_000, seats: 1 }] })
    const user = await newUser()
    expectError(await join(user, concertId, { date, seats: 0 }), 400, 'VALIDATION_FAILED')
    const tooMany = await join(user, concertId, { date, seats: 5 })
    expectError(tooMany, 400, 'VALIDATION_FAILED')
    expect((tooMany.body as unknown as { error: { message: string } }).error.message).toContain('seats')
    expectError(await join(user, concertId, { date: '2099-01-01', seats: 1 }), 404, 'DATE_NOT_FOUND')
    expectError(await join(user, concertId, { date, section: 'Balcony', seats: 1 }), 404, 'SECTION_NOT_FOUND')
    expectError(await join(user, crypto.randomUUID(), { date, seats: 1 }), 404, 'CONCERT_NOT_FOUND')
    expectError(await join({ ...user, accessToken: 'nope' }, concertId, { date, seats: 1 }), 401)
    expect(await entriesOf(user)).toEqual([])
  })
})

describe('offers of returned seats', () => {
  it('offers a refunded order to the first entry that fits, paid with the access token alone', async () => {
    const { concertId, date, bought } = await soldOut([[1, 2]])
    const fan = await waiter(concertId, { date, seats: 2 }, 500_000)
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    const [offered] = await entriesOf(fan)
    expect(offered).toMatchObject({
      status: 'OFFERED',
      reservationId: expect.any(String),
      expiresAt: expect.any(String),
    })
    expect(Date.parse(offered!.expiresAt!) - Date.now()).toBeGreaterThan(590_000)
    expect(offered!.position).toBeUndefined()

    // Nobody else may pay it; with the owner's access token alone it is paid.
    const stranger = await newUser()
    expectError(await payOffer(stranger, offered!.reservationId!), 403, 'NOT_YOUR_RESERVATION')
    const paid = await payOffer(fan, offered!.reservationId!)
    expect(paid.status, JSON.stringify(paid.body)).toBe(201)
    expect(paid.body).toMatchObject({ reservationId: offered!.reservationId, seatNumbers: [1, 2], status: 'PAID' })
    expect(await balanceOf(fan)).toBe(300_000)
    const [fulfilled] = await entriesOf(fan)
    expect(fulfilled).toMatchObject({ status: 'FULFILLED', paymentId: paid.body.paymentId })
    const tickets = await call('GET', '/api/users/me/tickets', { accessToken: fan.accessToken })
    expect(tickets.body.tickets).toHaveLength(2)
    expectError(await payOffer(fan, offered!.reservationId!), 409, 'ALREADY_PAID')
    // A hold made in line still needs its queue token.
    expectError(await payOffer(fan, crypto.randomUUID()), 401, 'QUEUE_TOKEN_INVALID')
  })

  it('skips an entry asking more seats than are free; it keeps its place', async () => {
    const { concertId, date, bought } = await soldOut([[1], [2]])
    const big = await waiter(concertId, { date, seats: 2 })
    const small = await waiter(concertId, { date, seats: 1 })
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    expect((await entriesOf(small))[0]).toMatchObject({ status: 'OFFERED' })
    expect((await entriesOf(big))[0]).toMatchObject({ status: 'WAITING', position: 1 })
  })

  it('pays an autoPay offer at once when the balance covers it, and leaves it OFFERED when not', async () => {
    const { concertId, date, bought } = await soldOut([[1], [2]])
    const poor = await waiter(concertId, { date, seats: 1, autoPay: true }, 10_000)
    const rich = await waiter(concertId, { date, seats: 1, autoPay: true }, 250_000)
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    expect((await refund(bought[1]!.buyer, bought[1]!.reservationId)).status).toBe(201)
    await until('the autoPay offer to be paid', async () => (await entriesOf(rich))[0]!.status === 'FULFILLED')
    expect((await entriesOf(rich))[0]).toMatchObject({ paymentId: expect.any(String) })
    expect(await balanceOf(rich)).toBe(150_000)
    await until(
      'the short one to be tried',
      async () => (await entryRow(concertId, poor.entry.waitlistId))?.auto_pay_due === 0,
    )
    expect((await entriesOf(poor))[0]).toMatchObject({ status: 'OFFERED' })
    expect(await balanceOf(poor)).toBe(10_000)
  })

  it('expires an unpaid offer within 2 s with no request, and offers its seats to the next', async () => {
    const { concertId, date, bought } = await soldOut([[1]], { queuePolicy: { waitlistOfferSeconds: 1 } })
    const first = await waiter(concertId, { date, seats: 1 })
    const next = await waiter(concertId, { date, seats: 1 })
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    const offer = (await entriesOf(first))[0]!
    expect(offer.status).toBe('OFFERED')
    // Read from storage alone: no request sweeps the object, its alarm does.
    await until(
      'the offer to expire',
      async () => (await entryRow(concertId, first.entry.waitlistId))?.state === 'EXPIRED',
      5_000,
    )
    expect(Date.now() - Date.parse(offer.expiresAt!)).toBeLessThan(2_000)
    expect((await entryRow(concertId, next.entry.waitlistId))?.state).toBe('OFFERED')
    expectError(await payOffer(first, offer.reservationId!), 410, 'RESERVATION_EXPIRED')
  })

  it('lets a user leave: an OFFERED entry releases its seats to the next; someone else cannot', async () => {
    const { concertId, date, bought } = await soldOut([[1]])
    const first = await waiter(concertId, { date, seats: 1 })
    const next = await waiter(concertId, { date, seats: 1 })
    expectError(await leave(next, first.entry.waitlistId), 404, 'WAITLIST_ENTRY_NOT_FOUND')
    expectError(await leave(next, crypto.randomUUID()), 404, 'WAITLIST_ENTRY_NOT_FOUND')
    expectError(await leave(next, 'not-a-uuid'), 400, 'VALIDATION_FAILED')
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    expect((await leave(first, first.entry.waitlistId)).status).toBe(204)
    expect((await leave(first, first.entry.waitlistId)).status).toBe(204)
    expect((await entriesOf(first))[0]).toMatchObject({ status: 'CANCELLED' })
    expect((await entriesOf(next))[0]).toMatchObject({ status: 'OFFERED' })
    // The last one leaves: the seat goes back on sale.
    expect((await leave(next, next.entry.waitlistId)).status).toBe(204)
    const buyer = await activeBuyer(concertId)
    expect((await seatMap(buyer, concertId, date))[0]!.status).toBe('AVAILABLE')
  })

  it('tells operators: waitlisted in the stats, per date and section, and in the history', async () => {
    const { concertId, date, bought } = await soldOut([[1], [2]])
    await waiter(concertId, { date, seats: 1 })
    await waiter(concertId, { date, seats: 2 })
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    const stats = await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
    expect(stats.body).toMatchObject({
      waitlisted: 2,
      waitlist: [{ date, waiting: 1, offered: 1, fulfilled: 0 }],
    })
    const history = await call('GET', `/api/admin/concerts/${concertId}/queue/history?minutes=2`, {
      accessToken: ADMIN_TOKEN,
    })
    const points = history.body.points as Array<{ waitlisted: number; offered: number }>
    expect(points[points.length - 1]!.waitlisted).toBe(2)
    expect(points.reduce((n, p) => n + p.offered, 0)).toBe(1)
  })
})
