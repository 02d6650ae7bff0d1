import { describe, expect, it } from 'vitest'
import { saleStateByClock } from '../../src/concert-client/operator-concerts'
import { OperatorConcertList } from '../../src/schemas'
import { activeBuyer, ADMIN_TOKEN, call, daysFromNow, expectError, hold, newConcert, newUser, payFor } from '../helpers'

// GET /api/admin/concerts (shared/API.md, Additions 2026-12-b, "Operations"): every concert
// with where its sale stands, for operators only.

const iso = (ms: number) => new Date(ms).toISOString()
const list = (accessToken?: string) => call('GET', '/api/admin/concerts', { accessToken })
const saleStateOf = async (concertId: string) => (await call('GET', `/api/concerts/${concertId}/sale`)).body.state

describe('GET /api/admin/concerts', () => {
  it('lists every concert with its sale state: scheduled, pre-queue, open and sold out', async () => {
    const now = Date.now()
    const scheduled = await newConcert({ title: 'Scheduled', sale: { opensAt: iso(now + 2 * 3_600_000) } })
    const preQueue = await newConcert({
      title: 'Pre-queue',
      sale: { opensAt: iso(now + 3_600_000), preQueueOpensAt: iso(now - 60_000) },
    })
    const open = await newConcert({ title: 'Open' })
    const soldOut = await newConcert({ title: 'Sold out', seatsPerDate: 1 })
    const buyer = await activeBuyer(soldOut.concertId, 100_000)
    const held = await hold(buyer, soldOut.concertId, soldOut.dates[0]!.date, 1)
    expect((await payFor(buyer, held.body.reservationId)).status).toBe(201)
    // No venue given: none listed.
    const bare = await call('POST', '/api/admin/concerts', {
      accessToken: ADMIN_TOKEN,
      body: { title: 'No venue', dates: [{ date: daysFromNow(40), price: 50_000 }] },
    })
    expect(bare.status).toBe(201)

    const reply = await list(ADMIN_TOKEN)
    expect(reply.status).toBe(200)
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(OperatorConcertList.strict().safeParse(reply.body).error).toBeUndefined()
    const byId = new Map<string, Record<string, unknown>>(reply.body.concerts.map((c: any) => [c.concertId, c]))
    expect(byId.get(scheduled.concertId)).toEqual({
      concertId: scheduled.concertId,
      title: 'Scheduled',
      venue: 'Olympic Hall',
      state: 'SCHEDULED',
      opensAt: scheduled.sale!.opensAt,
      preQueueOpensAt: scheduled.sale!.preQueueOpensAt,
    })
    expect(byId.get(preQueue.concertId)).toEqual({
      concertId: preQueue.concertId,
      title: 'Pre-queue',
      venue: 'Olympic Hall',
      state: 'PRE_QUEUE',
      opensAt: preQueue.sale!.opensAt,
      preQueueOpensAt: preQueue.sale!.preQueueOpensAt,
    })
    expect(byId.get(open.concertId)).toEqual({
      concertId: open.concertId,
      title: 'Open',
      venue: 'Olympic Hall',
      state: 'OPEN',
    })
    expect(byId.get(soldOut.concertId)).toEqual({
      concertId: soldOut.concertId,
      title: 'Sold out',
      venue: 'Olympic Hall',
      state: 'SOLD_OUT',
    })
    expect(byId.get(bare.body.concertId)).toEqual({ concertId: bare.body.concertId, title: 'No venue', state: 'OPEN' })
    // The same state as each concert's own sale says.
    for (const { concertId } of [scheduled, preQueue, open, soldOut]) {
      expect(byId.get(concertId)!.state, concertId).toBe(await saleStateOf(concertId))
    }
    // Every concert: the catalog's whole list, in its order (oldest first; one created since would come last).
    const catalog = (await call('GET', '/api/concerts')).body.concerts as Array<{ concertId: string }>
    const listed = (await list(ADMIN_TOKEN)).body.concerts as Array<{ concertId: string }>
    expect(listed.slice(0, catalog.length).map((c) => c.concertId)).toEqual(catalog.map((c) => c.concertId))
  })

  it('is for operators only: 401 without the admin token or with a wrong one, 403 with a user token', async () => {
    expectError(await list(), 401, 'UNAUTHORIZED')
    expectError(await list('not-the-admin-token'), 401, 'UNAUTHORIZED')
    expectError(await list((await newUser()).accessToken), 403, 'FORBIDDEN')
  })
})

describe('saleStateByClock', () => {
  const sale = { preQueueOpensAt: '2026-12-24T09:30:00.000Z', opensAt: '2026-12-24T10:00:00.000Z' }
  const at = (time: string) => Date.parse(`2026-12-24T${time}Z`)

  it('is SCHEDULED before preQueueOpensAt, PRE_QUEUE from it, OPEN from opensAt and without a sale', () => {
    expect(saleStateByClock(sale, at('09:29:59.999'))).toBe('SCHEDULED')
    expect(saleStateByClock(sale, at('09:30:00.000'))).toBe('PRE_QUEUE')
    expect(saleStateByClock(sale, at('09:59:59.999'))).toBe('PRE_QUEUE')
    expect(saleStateByClock(sale, at('10:00:00.000'))).toBe('OPEN')
    expect(saleStateByClock({}, at('00:00:00.000'))).toBe('OPEN')
  })
})
