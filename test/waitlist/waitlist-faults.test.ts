import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { PAYMENT_GRACE_MS } from '../../src/shared/policy'
import type { ConcertRoom } from '../../src/concert/runtime/room'
import { activeBuyer, balanceOf, call, holdOrder, newConcert, refund, stubOf, until } from '../helpers'
import { entriesOf, entryRow, leave, objectRows, soldOut, waiter } from './waitlist-helpers'

// Crashes of the concert object (state.abort(), as test/tickets/ticket-faults.test.ts does):
// a seat is freed and offered in one change, so after a restart it is offered or still held,
// never lost nor sold twice; an autoPay offer is paid once or still OFFERED.

const roomOf = (instance: unknown) => (instance as { room: ConcertRoom }).room

/** The object dies here; abort() throws in its caller by design. */
function crash(state: DurableObjectState, why: string) {
  try {
    state.abort(why)
  } catch {
    // The object is gone: what it had not committed is lost.
  }
}

/** Both seats of a date held by one buyer (no seat AVAILABLE), and a fan waiting for one. */
async function heldByOne(balance = 0, autoPay = false) {
  const { concertId, dates } = await newConcert({ seatsPerDate: 2, queuePolicy: { maxActiveUsers: 50 } })
  const date = dates[0]!.date
  const holder = await activeBuyer(concertId)
  const held = await holdOrder(holder, concertId, date, [1, 2])
  expect(held.status).toBe(201)
  const fan = await waiter(concertId, { date, seats: 1, autoPay }, balance)
  const release = () =>
    call('DELETE', `/api/concerts/${concertId}/reservations/${held.body.reservationId}`, {
      accessToken: holder.accessToken,
      queueToken: holder.queueToken,
    })
  return { concertId, date, fan, release, holdId: held.body.reservationId as string }
}

const seatStates = (concertId: string) =>
  objectRows(concertId, 'SELECT seat_number, sold, reservation_id FROM seats ORDER BY seat_number')

describe('waitlist faults', () => {
  it('a crash between freeing a seat and offering it: after the restart the seats are still held, then offered', async () => {
    const { concertId, fan, release, holdId } = await heldByOne()
    const stub = stubOf(concertId)
    await runInDurableObject(stub, (instance, state) => {
      roomOf(instance).waitlist.offerFreed = () => {
        state.abort('crash between freeing and offering')
      }
    })
    await release().catch(() => undefined)
    // The change died whole: the hold is as it was, nothing free, nothing offered.
    const [order] = await objectRows(concertId, 'SELECT state FROM reservations WHERE id = ?', holdId)
    expect(order).toEqual({ state: 'HELD' })
    expect((await seatStates(concertId)).map((s) => s.reservation_id)).toEqual([holdId, holdId])
    expect((await entryRow(concertId, fan.entry.waitlistId))?.state).toBe('WAITING')

    expect((await release()).status).toBe(204)
    await runInDurableObject(stub, (_, state) => crash(state, 'a crash after the change')).catch(() => {})
    const entry = (await entriesOf(fan))[0]!
    expect(entry.status).toBe('OFFERED')
    const seats = await seatStates(concertId)
    expect(seats.filter((s) => s.reservation_id === entry.reservationId)).toHaveLength(1)
    expect(seats.filter((s) => s.reservation_id === null)).toHaveLength(1)
  })

  it('a crash after an autoPay offer, before its payment: after the restart it is paid, once', async () => {
    const { concertId, fan, release } = await heldByOne(300_000, true)
    const stub = stubOf(concertId)
    await runInDurableObject(stub, (instance) => {
      roomOf(instance).autoPay.run = async () => {}
    })
    expect((await release()).status).toBe(204)
    expect((await entryRow(concertId, fan.entry.waitlistId))?.auto_pay_due).toBe(1)
    await runInDurableObject(stub, (_, state) => crash(state, 'a crash before the payment')).catch(() => {})
    // A new stub: the old one is broken with the object it named.
    await runDurableObjectAlarm(stubOf(concertId))
    await until('the offer to be paid', async () => (await entriesOf(fan))[0]!.status === 'FULFILLED')
    await runDurableObjectAlarm(stubOf(concertId))
    expect(await balanceOf(fan)).toBe(200_000)
  })

  it('a crash while an autoPay offer is being paid, before the ledger: still OFFERED after the recovery, not charged', async () => {
    const { concertId, fan, release } = await heldByOne(300_000, true)
    const stub = stubOf(concertId)
    await runInDurableObject(stub, (instance, state) => {
      const room = roomOf(instance)
      // The first step of the payment, then the crash, as if the ledger was never reached.
      room.autoPay.run = async () => {
        const [entry] = room.waitlist.book.autoPayDue()
        if (!entry) return
        state.storage.transactionSync(() => {
          room.waitlist.book.autoPayTried(entry)
          room.payments.begin(room.orders.get(entry.reservation_id)!, Date.now())
        })
        // Committed, as it is while the real payment awaits the ledger.
        await new Promise((resolve) => setTimeout(resolve, 50))
        crash(state, 'a crash before the ledger')
      }
    })
    expect((await release()).status).toBe(204)
    await until(
      'the payment to begin',
      async () => (await objectRows(concertId, "SELECT 1 FROM reservations WHERE state = 'PAYING'")).length === 1,
    )
    await runInDurableObject(stubOf(concertId), (_, state) =>
      state.storage.sql.exec(
        "UPDATE reservations SET paying_since = ? WHERE state = 'PAYING'",
        Date.now() - PAYMENT_GRACE_MS - 1,
      ),
    )
    await runDurableObjectAlarm(stubOf(concertId))
    expect((await entriesOf(fan))[0]).toMatchObject({ status: 'OFFERED' })
    expect(await balanceOf(fan)).toBe(300_000)
  })
})

describe('positions kept in memory', () => {
  it('are what counting the entries ahead gives, per section, after leaves, an offer and a restart', async () => {
    const { concertId, date, bought } = await soldOut([[1], [2]], {
      sections: [
        { name: 'A', price: 100_000, seats: 1 },
        { name: 'B', price: 100_000, seats: 1 },
      ],
    })
    const asked = ['A', 'B', 'A', 'A', 'B', 'A']
    const fans: Array<Awaited<ReturnType<typeof waiter>>> = []
    for (const section of asked) fans.push(await waiter(concertId, { date, section, seats: 1 }))
    expect(fans.map((f) => f.entry.position)).toEqual([1, 1, 2, 3, 2, 4])
    expect((await leave(fans[2]!, fans[2]!.entry.waitlistId)).status).toBe(204)
    // Seat 1 (section A) refunded: the first A entry is offered, the others move up.
    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    const positions = async () =>
      Promise.all(fans.map(async (f) => ((await entriesOf(f))[0]!.position ?? f.entry.status) as number | string))
    const expected = [undefined, 1, undefined, 1, 2, 2]
    expect((await positions()).map((p) => (typeof p === 'number' ? p : undefined))).toEqual(expected)
    await runInDurableObject(stubOf(concertId), (_, state) => crash(state, 'a restart')).catch(() => {})
    expect((await positions()).map((p) => (typeof p === 'number' ? p : undefined))).toEqual(expected)
  })
})
