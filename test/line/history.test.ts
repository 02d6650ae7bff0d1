import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { History, HISTORY_MINUTES, type QueueTotals } from '../../src/concert/line/history'
import { noRefusals } from '../../src/shared/refused-entries'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  payFor,
  stubOf,
} from '../helpers'

const MINUTE = 60_000
const none = noRefusals()
const historyOf = (concertId: string, query = '') =>
  call('GET', `/api/admin/concerts/${concertId}/queue/history${query}`, { accessToken: ADMIN_TOKEN })

describe('queue history', () => {
  it('has a point a minute: counts within each minute, waiting and active at its end, quiet minutes carried, the current one as it stands', async () => {
    const { concertId } = await newConcert()
    // Time is the test's: ten days ahead, on a minute's start, so no real sample falls among these.
    const t0 = Math.ceil((Date.now() + 10 * 86_400_000) / MINUTE) * MINUTE
    const read = await runInDurableObject(stubOf(concertId), (_, state) => {
      const totals: QueueTotals = {
        waiting: 0,
        active: 0,
        admitted: 0,
        abandoned: 0,
        sold: 0,
        entered: 0,
        checkedIn: 0,
        refused: noRefusals(),
        waitlisted: 0,
        offered: 0,
      }
      const history = new History(state.storage.sql, () => ({ ...totals }))
      const at = (ms: number, change: Partial<QueueTotals>) => {
        Object.assign(totals, change)
        history.sample(t0 + ms)
      }
      at(1_000, { entered: 5, waiting: 5 })
      at(20_000, { admitted: 2, active: 2, waiting: 3 })
      at(70_000, { entered: 8, waiting: 6 }) // minute 1
      // minute 2: nothing happens
      history.policyChanged({ paused: true }, t0 + 150_000)
      at(190_000, { abandoned: 1, sold: 1, waiting: 5, active: 1, checkedIn: 2, waitlisted: 3, offered: 2 }) // minute 3
      Object.assign(totals, { entered: 9, waiting: 6 }) // minute 4, not yet sampled: read live
      return history.read(5, t0 + 250_000)
    })
    const iso = (m: number) => new Date(t0 + m * MINUTE).toISOString()
    expect(read.points).toEqual([
      {
        at: iso(0),
        waiting: 3,
        active: 2,
        admitted: 2,
        abandoned: 0,
        sold: 0,
        entered: 5,
        waitlisted: 0,
        offered: 0,
        checkedIn: 0,
        refusedEntries: none,
      },
      {
        at: iso(1),
        waiting: 6,
        active: 2,
        admitted: 0,
        abandoned: 0,
        sold: 0,
        entered: 3,
        waitlisted: 0,
        offered: 0,
        checkedIn: 0,
        refusedEntries: none,
      },
      {
        at: iso(2),
        waiting: 6,
        active: 2,
        admitted: 0,
        abandoned: 0,
        sold: 0,
        entered: 0,
        waitlisted: 0,
        offered: 0,
        checkedIn: 0,
        refusedEntries: none,
      },
      {
        at: iso(3),
        waiting: 5,
        active: 1,
        admitted: 0,
        abandoned: 1,
        sold: 1,
        entered: 0,
        waitlisted: 3,
        offered: 2,
        checkedIn: 2,
        refusedEntries: none,
      },
      {
        at: iso(4),
        waiting: 6,
        active: 1,
        admitted: 0,
        abandoned: 0,
        sold: 0,
        entered: 1,
        waitlisted: 3,
        offered: 0,
        checkedIn: 0,
        refusedEntries: none,
      },
    ])
    expect(read.policyChanges).toEqual([{ at: new Date(t0 + 150_000).toISOString(), change: { paused: true } }])
  })

  it('keeps at most a day of minutes, and a read of a day counts its first minute from the one before', async () => {
    const { concertId } = await newConcert()
    const t0 = Math.ceil((Date.now() + 20 * 86_400_000) / MINUTE) * MINUTE
    const { rows, day } = await runInDurableObject(stubOf(concertId), (_, state) => {
      const totals: QueueTotals = {
        waiting: 0,
        active: 0,
        admitted: 0,
        abandoned: 0,
        sold: 0,
        entered: 0,
        checkedIn: 0,
        refused: noRefusals(),
        waitlisted: 0,
        offered: 0,
      }
      const history = new History(state.storage.sql, () => ({ ...totals }))
      for (let m = 0; m < HISTORY_MINUTES + 300; m++) {
        totals.entered = m + 1
        history.sample(t0 + m * MINUTE)
      }
      const now = t0 + (HISTORY_MINUTES + 299) * MINUTE
      return {
        rows: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM history').one().n,
        day: history.read(HISTORY_MINUTES, now).points,
      }
    })
    expect(rows).toBeLessThanOrEqual(HISTORY_MINUTES + 1)
    expect(day).toHaveLength(HISTORY_MINUTES)
    expect(day.every((p) => p.entered === 1)).toBe(true)
  })

  it('records a real sale through the API, survives a restart, and validates minutes', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const buyer = await activeBuyer(concertId, 200_000)
    await enterQueue(await newUser(), concertId)
    const held = await hold(buyer, concertId, dates[0]!.date, 5)
    expect((await payFor(buyer, held.body.reservationId)).status).toBe(201)
    expect(
      (
        await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
          accessToken: ADMIN_TOKEN,
          body: { paused: true },
        })
      ).status,
    ).toBe(200)

    const before = await historyOf(concertId, '?minutes=3')
    expect(before.status).toBe(200)
    expect(before.body.points).toHaveLength(3)
    const sum = (key: string) => before.body.points.reduce((s: number, p: Record<string, number>) => s + p[key]!, 0)
    // The buyer and the waiter entered; both were admitted (the waiter when the buyer paid); one seat sold.
    expect({ entered: sum('entered'), admitted: sum('admitted'), sold: sum('sold') }).toEqual({
      entered: 2,
      admitted: 2,
      sold: 1,
    })
    expect(before.body.points.at(-1)).toMatchObject({ waiting: 0, active: 1 })
    expect(before.body.policyChanges).toEqual([{ at: expect.any(String), change: { paused: true } }])

    await abortAllDurableObjects()
    const after = await historyOf(concertId, '?minutes=3')
    expect(after.body).toEqual(before.body)
    expect((await historyOf(concertId)).body.points).toHaveLength(60)

    for (const bad of ['?minutes=0', '?minutes=1441', '?minutes=abc', '?minutes=1.5', '?minutes=-3'])
      expectError(await historyOf(concertId, bad), 400, 'VALIDATION_FAILED')
    expectError(await call('GET', `/api/admin/concerts/${concertId}/queue/history`), 401, 'UNAUTHORIZED')
    expectError(
      await call('GET', `/api/admin/concerts/${concertId}/queue/history`, { accessToken: buyer.accessToken }),
      403,
      'FORBIDDEN',
    )
    expectError(await historyOf(crypto.randomUUID()), 404, 'CONCERT_NOT_FOUND')
  })
})
