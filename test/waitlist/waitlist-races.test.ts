import { describe, expect, it } from 'vitest'
import { activeBuyer, refund, seatMap } from '../helpers'
import { entriesOf, join, soldOut, waiter } from './waitlist-helpers'
import { newUser } from '../helpers'

describe('waitlist races', () => {
  it('two refunds racing with a waitlist of one: one offer, the other seat back on sale', async () => {
    const { concertId, date, bought } = await soldOut([[1], [2]], { queuePolicy: { maxTicketsPerUser: 1 } })
    const fan = await waiter(concertId, { date, seats: 1 })
    const refunds = await Promise.all(bought.map((b) => refund(b.buyer, b.reservationId)))
    expect(refunds.map((r) => r.status)).toEqual([201, 201])
    const entries = await entriesOf(fan)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ status: 'OFFERED' })
    const seats = await seatMap(await activeBuyer(concertId), concertId, date)
    expect(seats.map((s) => s.status).sort()).toEqual(['AVAILABLE', 'HELD'])
  })

  it("concurrent joins of one user make one entry; concurrent joins of many keep each one's place", async () => {
    const { concertId, date, bought } = await soldOut([[1]])
    const user = await newUser()
    const replies = await Promise.all(Array.from({ length: 8 }, () => join(user, concertId, { date, seats: 1 })))
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1)
    expect(new Set(replies.map((r) => r.body.waitlistId)).size).toBe(1)

    const others = await Promise.all(Array.from({ length: 10 }, () => newUser()))
    const joined = await Promise.all(others.map((u) => join(u, concertId, { date, seats: 1 })))
    expect(joined.map((r) => r.status)).toEqual(joined.map(() => 201))
    expect(joined.map((r) => r.body.position!).sort((a, b) => a - b)).toEqual(others.map((_, i) => i + 2))
    // The seat refunded goes to the first, exactly once, while others race to join.
    const [refunded] = await Promise.all([
      refund(bought[0]!.buyer, bought[0]!.reservationId),
      ...Array.from({ length: 5 }, async () => join(await newUser(), concertId, { date, seats: 1 })),
    ])
    expect(refunded.status).toBe(201)
    expect((await entriesOf(user))[0]).toMatchObject({ status: 'OFFERED' })
    const states = await Promise.all(others.map(async (u) => (await entriesOf(u))[0]!.status))
    expect(states.every((s) => s === 'WAITING')).toBe(true)
  })
})
