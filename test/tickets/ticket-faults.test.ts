import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { settle } from '../../src/ledger/payments'
import { PAYMENT_GRACE_MS } from '../../src/shared/policy'
import { ticketIdOf } from '../../src/tickets/ticket-ids'
import { activeBuyer, arrivalOf, balanceOf, holdOrder, newConcert, newUser, stubOf, until } from '../helpers'
import { checkIn, codeOf, newScanner, objectTicket, ticketsOf } from './ticket-helpers'

// A payment's tickets across the two stores: D1's rows are written in the payment's own batch,
// the object's when it marks the order PAID, under the same ids (src/tickets/ticket-ids.ts). A
// crash in between is finished by the payment's recovery, which so also makes the tickets.

async function heldOrder(seats = [3, 4]) {
  const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 10 } })
  const date = dates[0]!.date
  const buyer = await activeBuyer(concertId, 500_000)
  const held = await holdOrder(buyer, concertId, date, seats)
  expect(held.status).toBe(201)
  return { concertId, date, buyer, reservationId: held.body.reservationId as string, seats }
}

const d1Tickets = async (reservationId: string) =>
  (
    await env.DB.prepare(
      'SELECT t.* FROM tickets t JOIN payments p ON p.id = t.payment_id WHERE p.reservation_id = ? ORDER BY seat_number',
    )
      .bind(reservationId)
      .all()
  ).results

/** Steps 1 and 2 of a payment (PAYING, then the D1 batch), as if the Worker died before step 3. */
async function paidButNotCompleted() {
  const order = await heldOrder()
  const stub = stubOf(order.concertId)
  const hold = await stub.beginPayment(
    { arrival: arrivalOf(order.buyer.queueToken), userId: order.buyer.userId },
    order.reservationId,
  )
  if (!hold.ok) throw new Error(hold.message)
  const outcome = await settle(env.DB, {
    reservationId: order.reservationId,
    userId: order.buyer.userId,
    ...hold.value,
    amount: hold.value.price,
  })
  expect(outcome.kind).toBe('paid')
  return { ...order, stub }
}

describe("a payment's tickets under faults", () => {
  it("a D1 batch that fails leaves no payment, no booking, no debit and no ticket (here: the tickets' own UNIQUE refuses)", async () => {
    const { concertId, date, buyer, reservationId, seats } = await heldOrder()
    // A ticket row for seat 4 of this date already exists (as if D1 had one the object did not
    // know of), with a payment of its own and no booking: only the tickets' UNIQUE refuses.
    const stray = crypto.randomUUID()
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO payments (id, reservation_id, user_id, concert_id, date, seat_number, amount, paid_at)
         VALUES (?1, ?1, ?2, 'elsewhere', ?3, 4, 1, '2026-01-01T00:00:00.000Z')`,
      ).bind(stray, buyer.userId, date),
      env.DB.prepare(
        `INSERT INTO tickets (ticket_id, payment_id, concert_id, date, starts_at, seat_number, section, buyer_id, holder_id, created_at)
         VALUES (?1, ?1, ?2, ?3, '2030-01-01T00:00:00.000Z', 4, 'General', ?4, ?4, '2026-01-01T00:00:00.000Z')`,
      ).bind(stray, concertId, date, buyer.userId),
    ])
    const sale = {
      reservationId,
      userId: buyer.userId,
      concertId,
      date,
      seatNumbers: seats,
      amount: 200_000,
      startsAt: `${date}T10:00:00.000Z`,
      sections: ['General', 'General'],
    }
    await expect(settle(env.DB, sale)).rejects.toThrow()
    const left = await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM payments WHERE reservation_id = ?1) AS payments,
              (SELECT COUNT(*) FROM bookings WHERE concert_id = ?2) AS bookings,
              (SELECT COUNT(*) FROM tickets WHERE ticket_id IN (?3, ?4)) AS tickets`,
    )
      .bind(reservationId, concertId, ticketIdOf(reservationId, 3), ticketIdOf(reservationId, 4))
      .first()
    expect(left).toEqual({ payments: 0, bookings: 0, tickets: 0 })
    expect(await balanceOf(buyer)).toBe(500_000)
  })

  it("a crash between D1's batch and the object: the alarm's recovery makes the object's tickets, under D1's ids", async () => {
    const { concertId, buyer, reservationId, stub } = await paidButNotCompleted()
    const rows = await d1Tickets(reservationId)
    expect(rows.map((r) => r.ticket_id)).toEqual([ticketIdOf(reservationId, 3), ticketIdOf(reservationId, 4)])
    expect(await objectTicket(concertId, rows[0]!.ticket_id as string)).toBeUndefined()

    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec(
        'UPDATE reservations SET paying_since = ? WHERE id = ?',
        Date.now() - PAYMENT_GRACE_MS - 1,
        reservationId,
      )
    })
    await runDurableObjectAlarm(stub)
    for (const r of rows)
      expect(await objectTicket(concertId, r.ticket_id as string)).toMatchObject({ state: 'VALID', version: 1 })
    const scanner = await newScanner(concertId)
    expect((await checkIn(scanner.token, concertId, await codeOf(buyer, rows[0]!.ticket_id as string))).status).toBe(
      201,
    )
  })

  it('a check-in of a ticket the object has not heard of yet finishes the payment first, then lets it in', async () => {
    const { concertId, buyer, reservationId } = await paidButNotCompleted()
    const [first] = await d1Tickets(reservationId)
    const scanner = await newScanner(concertId)
    const reply = await checkIn(scanner.token, concertId, await codeOf(buyer, first!.ticket_id as string))
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    expect(
      await runInDurableObject(stubOf(concertId), (_, state) =>
        state.storage.sql.exec('SELECT state FROM reservations WHERE id = ?', reservationId).one(),
      ),
    ).toEqual({ state: 'PAID' })
  })

  it("a transfer whose route died before D1's write is repaired from the object's outbox event", async () => {
    const { concertId, buyer, reservationId, stub } = await paidButNotCompleted()
    await stub.completePayment(reservationId, (await d1Tickets(reservationId))[0]!.payment_id as string)
    const friend = await newUser()
    const ticketId = ticketIdOf(reservationId, 3)
    // The object's decision alone, as if the Worker died right after it.
    const decided = await stub.transferTicket(ticketId, buyer.userId, friend.userId)
    expect(decided.ok).toBe(true)
    await until('the outbox event to reach D1', async () => (await ticketsOf(friend)).length === 1)
    expect((await ticketsOf(buyer)).map((t) => t.ticketId)).toEqual([ticketIdOf(reservationId, 4)])
    expect((await d1Tickets(reservationId))[0]).toMatchObject({ holder_id: friend.userId, version: 2 })
    void concertId
  })
})
