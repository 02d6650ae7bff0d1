import { describe, expect, it } from 'vitest'
import { activeBuyer, call, daysFromNow, expectError, holdOrder, newConcert, payFor, sleep } from '../helpers'

const optionsOf = (concertId: string) => call('GET', `/api/concerts/${concertId}/waitlist/options`)

describe('the waitlist options (GET /api/concerts/{concertId}/waitlist/options)', () => {
  it('lists every date not started, sold out or not, with each section, and the policy', async () => {
    const [soldOutDay, openDay, pastDay] = [daysFromNow(30), daysFromNow(31), daysFromNow(0)]
    // A date that starts in a moment, then has started: not listed.
    const startsSoon = new Date(Date.now() + 1_500).toISOString()
    const { concertId } = await newConcert({
      dates: [
        { date: soldOutDay, price: 100_000 },
        { date: openDay, price: 100_000 },
        { date: pastDay, startsAt: startsSoon, price: 100_000 },
      ],
      sections: [
        { name: 'VIP', price: 150_000, seats: 2 },
        { name: 'Floor', price: 90_000, seats: 2 },
      ],
      queuePolicy: { maxActiveUsers: 50, maxSeatsPerOrder: 3, waitlistOfferSeconds: 120 },
    })
    // The first date sold out through purchases, the second with one VIP seat sold and one held.
    for (const seats of [[1, 2, 3], [4]]) {
      const buyer = await activeBuyer(concertId, 1_000_000)
      const held = await holdOrder(buyer, concertId, soldOutDay, seats)
      expect(held.status, JSON.stringify(held.body)).toBe(201)
      expect((await payFor(buyer, held.body.reservationId)).status).toBe(201)
    }
    const buyer = await activeBuyer(concertId, 1_000_000)
    const paid = await holdOrder(buyer, concertId, openDay, [1])
    expect((await payFor(buyer, paid.body.reservationId)).status).toBe(201)
    expect((await holdOrder(await activeBuyer(concertId), concertId, openDay, [2])).status).toBe(201)
    await sleep(Math.max(0, Date.parse(startsSoon) - Date.now() + 100))

    const reply = await optionsOf(concertId)
    expect(reply.status, JSON.stringify(reply.body)).toBe(200)
    expect(reply.headers.get('Cache-Control')).toBe('public, max-age=1')
    const section = (name: string, price: number, availableSeats: number) => ({
      name,
      price,
      totalSeats: 2,
      availableSeats,
    })
    expect(reply.body).toEqual({
      concertId,
      maxSeatsPerOrder: 3,
      waitlistOfferSeconds: 120,
      dates: [
        {
          date: soldOutDay,
          startsAt: `${soldOutDay}T10:00:00.000Z`,
          availableSeats: 0,
          sections: [section('VIP', 150_000, 0), section('Floor', 90_000, 0)],
        },
        {
          date: openDay,
          startsAt: `${openDay}T10:00:00.000Z`,
          availableSeats: 2,
          sections: [section('VIP', 150_000, 0), section('Floor', 90_000, 2)],
        },
      ],
    })
    // The public catalog lists the open date only.
    const catalog = await call('GET', `/api/concerts/${concertId}/dates`)
    expect(catalog.body.dates.map((d: { date: string }) => d.date)).toEqual([openDay])
  })

  it('gives a concert without sections one "General", and the default policy', async () => {
    const date = daysFromNow(20)
    const { concertId } = await newConcert({ dates: [{ date, price: 80_000 }], seatsPerDate: 3 })
    const reply = await optionsOf(concertId)
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({
      maxSeatsPerOrder: 4,
      waitlistOfferSeconds: 600,
      dates: [
        { date, availableSeats: 3, sections: [{ name: 'General', price: 80_000, totalSeats: 3, availableSeats: 3 }] },
      ],
    })
  })

  it('answers an unknown concert 404 CONCERT_NOT_FOUND and a malformed id 400', async () => {
    expectError(await optionsOf(crypto.randomUUID()), 404, 'CONCERT_NOT_FOUND')
    expectError(await optionsOf('not-a-uuid'), 400, 'VALIDATION_FAILED')
  })
})
