import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ConcertObject } from '../../src/concert'
import { SNAPSHOT_MAX_AGE_MS } from '../../src/concert-client/status-polls'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  openSocket,
  openStream,
  payFor,
  sleep,
  stubOf,
} from '../helpers'

const statusOf = (concertId: string, token: string) =>
  call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: token })

describe('sold out', () => {
  it('reached by payments: every waiter is told SOLD_OUT (polled and pushed), entries are refused, ACTIVE users keep their admission', async () => {
    const { concertId, dates } = await newConcert({ seatsPerDate: 2, queuePolicy: { maxActiveUsers: 3 } })
    const date = dates[0]!.date
    const [a, b, idle] = [
      await activeBuyer(concertId, 500_000),
      await activeBuyer(concertId, 500_000),
      await activeBuyer(concertId),
    ]
    const waiterUser = await newUser()
    const waiter = await enterQueue(waiterUser, concertId)
    const listener = await enterQueue(await newUser(), concertId)
    expect([waiter.status, listener.status]).toEqual(['WAITING', 'WAITING'])
    const socket = await openSocket(concertId, listener.token)
    await socket.received(1)
    const stream = await openStream(concertId, waiter.token)
    expect(await stream.until(() => stream.events.length === 1)).toBe(true)

    // Both seats held first: no seat is AVAILABLE, so the places the payments free admit nobody.
    const holds = [await hold(a, concertId, date, 1), await hold(b, concertId, date, 2)]
    expect((await payFor(a, holds[0]!.body.reservationId)).status).toBe(201)
    expect((await payFor(b, holds[1]!.body.reservationId)).status).toBe(201)

    // Pushed: the message, then the close.
    await socket.received(2)
    expect(socket.messages.at(-1)).toEqual({ status: 'SOLD_OUT' })
    expect(await socket.closed).toBe(1000)
    // Streamed: the same last status, then the end.
    expect(await stream.until(stream.ended)).toBe(true)
    expect(stream.events.at(-1)).toEqual({ status: 'SOLD_OUT' })
    // Polled: 200 with the final status, again and again; the token serves nothing else.
    await sleep(SNAPSHOT_MAX_AGE_MS)
    for (let i = 0; i < 2; i++) {
      const polled = await statusOf(concertId, waiter.token)
      expect(polled.status).toBe(200)
      expect(polled.body).toMatchObject({ token: waiter.token, status: 'SOLD_OUT', seatsLeft: 0, position: 0 })
    }
    expectError(
      await call('GET', `/api/concerts/${concertId}/dates/${date}/seats`, {
        accessToken: waiterUser.accessToken,
        queueToken: waiter.token,
      }),
      401,
      'QUEUE_TOKEN_INVALID',
    )
    // A socket opened with that token is told the same and closed.
    const late = await openSocket(concertId, waiter.token)
    await late.received(1)
    expect(late.messages).toEqual([{ status: 'SOLD_OUT' }])

    // No new places, for newcomers or for those whose place ended.
    expectError(
      await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: (await newUser()).accessToken }),
      409,
      'SOLD_OUT',
    )
    expectError(
      await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: waiterUser.accessToken }),
      409,
      'SOLD_OUT',
    )
    // An ACTIVE user keeps the admission (and may ask for the place again).
    expect((await statusOf(concertId, idle.queueToken)).body).toMatchObject({ status: 'ACTIVE', seatsLeft: 0 })
    expect(
      (await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: idle.accessToken })).status,
    ).toBe(200)
    await sleep(1_000) // the sale's state is cached for a second
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body).toEqual({ concertId, state: 'SOLD_OUT' })
    const stats = (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body
    expect(stats).toMatchObject({ waiting: 0, sold: 2 })
  })

  it('is not reached while a seat is held: a hold can still end and put it back on sale', async () => {
    const { concertId, dates } = await newConcert({ seatsPerDate: 2, queuePolicy: { maxActiveUsers: 2 } })
    const date = dates[0]!.date
    const [a, b] = [await activeBuyer(concertId, 500_000), await activeBuyer(concertId)]
    const waiter = await enterQueue(await newUser(), concertId)
    const paid = await hold(a, concertId, date, 1)
    expect((await hold(b, concertId, date, 2)).status).toBe(201)
    expect((await payFor(a, paid.body.reservationId)).status).toBe(201)
    // One seat sold, one held: no seat AVAILABLE, but not sold out; a's place went to the waiter.
    await sleep(SNAPSHOT_MAX_AGE_MS)
    expect((await statusOf(concertId, waiter.token)).body).toMatchObject({ status: 'WAITING', seatsLeft: 0 })
    expect(
      (await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: (await newUser()).accessToken }))
        .status,
    ).toBe(201)
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body).toEqual({ concertId, state: 'OPEN' })
  })

  it('ends 40,000 waiting places in the change of the last sale (their rows and events are more than one SQLite argument may carry)', async () => {
    const { concertId, dates } = await newConcert({ seatsPerDate: 1, queuePolicy: { maxActiveUsers: 1 } })
    const buyer = await activeBuyer(concertId, 200_000)
    const waiter = await enterQueue(await newUser(), concertId)
    // The crowd straight to the object, in batches as Workers send them.
    await runInDurableObject(stubOf(concertId), async (instance: ConcertObject) => {
      for (let batch = 0; batch < 8; batch++)
        await instance.enterAll(Array.from({ length: 5_000 }, () => crypto.randomUUID()))
    })
    expect(
      (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body,
    ).toMatchObject({ waiting: 40_001 })
    const held = await hold(buyer, concertId, dates[0]!.date, 1)
    expect((await payFor(buyer, held.body.reservationId)).status).toBe(201)
    expect(
      (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body,
    ).toMatchObject({ waiting: 0, sold: 1 })
    await sleep(SNAPSHOT_MAX_AGE_MS)
    expect((await statusOf(concertId, waiter.token)).body).toMatchObject({ status: 'SOLD_OUT' })
    const soldOutPlaces = await runInDurableObject(
      stubOf(concertId),
      (_, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sold_out_places').one().n,
    )
    expect(soldOutPlaces).toBe(40_001)
  })

  it('the sale of an unknown concert is 404, of a malformed id 400', async () => {
    expectError(await call('GET', `/api/concerts/${crypto.randomUUID()}/sale`), 404, 'CONCERT_NOT_FOUND')
    expectError(await call('GET', '/api/concerts/nope/sale'), 400, 'VALIDATION_FAILED')
  })
})
