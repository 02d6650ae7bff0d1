import { runInDurableObject } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { expect } from 'vitest'
import {
  activeBuyer,
  call,
  chargeUser,
  holdOrder,
  newConcert,
  newUser,
  payFor,
  readEventStream,
  stubOf,
  type ConcertOptions,
  type StreamBlock,
  type User,
} from '../helpers'

export interface WaitlistEntryBody {
  waitlistId: string
  concertId: string
  date: string
  section?: string
  seats: number
  autoPay: boolean
  status: 'WAITING' | 'OFFERED' | 'FULFILLED' | 'EXPIRED' | 'CANCELLED'
  position?: number
  reservationId?: string
  expiresAt?: string
  paymentId?: string
}

export const join = (user: User, concertId: string, body: Record<string, unknown>) =>
  call<WaitlistEntryBody>('POST', `/api/concerts/${concertId}/waitlist`, { accessToken: user.accessToken, body })

export const entriesOf = async (user: User): Promise<WaitlistEntryBody[]> => {
  const reply = await call('GET', '/api/users/me/waitlist', { accessToken: user.accessToken })
  expect(reply.status).toBe(200)
  return reply.body.entries as WaitlistEntryBody[]
}

export const leave = (user: User, waitlistId: string) =>
  call('DELETE', `/api/users/me/waitlist/${waitlistId}`, { accessToken: user.accessToken })

/** A waitlist offer paid with the access token alone. */
export const payOffer = (user: User, reservationId: string) =>
  call('POST', '/api/payments', { accessToken: user.accessToken, body: { reservationId } })

/** A user with a balance who joins and expects 201. */
export async function waiter(concertId: string, body: Record<string, unknown>, balance = 0) {
  const user = await newUser()
  if (balance > 0) await chargeUser(user, balance)
  const reply = await join(user, concertId, body)
  expect(reply.status, JSON.stringify(reply.body)).toBe(201)
  return { ...user, entry: reply.body }
}

/**
 * A concert whose one date's seats are all bought, one order per entry of `orders` (seat
 * numbers): the orders' buyers and reservations, to refund them later. Refunds are free 30
 * days ahead (the default refund policy).
 */
export async function soldOut(orders: number[][], options: ConcertOptions = {}) {
  const seats = orders.flat().length
  const concert = await newConcert({
    ...(options.sections ? {} : { seatsPerDate: seats }),
    ...options,
    queuePolicy: { maxActiveUsers: 200, ...options.queuePolicy },
  })
  const date = concert.dates[0]!.date
  const bought = []
  for (const seatNumbers of orders) {
    const buyer = await activeBuyer(concert.concertId, 1_000_000)
    const held = await holdOrder(buyer, concert.concertId, date, seatNumbers)
    expect(held.status, JSON.stringify(held.body)).toBe(201)
    expect((await payFor(buyer, held.body.reservationId)).status).toBe(201)
    bought.push({ buyer, reservationId: held.body.reservationId as string })
  }
  return { concertId: concert.concertId, date, bought }
}

/** The object's rows as they are, read without a request (which would sweep first). */
export const objectRows = (concertId: string, sql: string, ...params: unknown[]) =>
  runInDurableObject(stubOf(concertId), (_, state) => state.storage.sql.exec(sql, ...params).toArray())

export const entryRow = async (concertId: string, waitlistId: string) =>
  (await objectRows(concertId, 'SELECT * FROM waitlist WHERE waitlist_id = ?', waitlistId))[0] as
    Record<string, unknown> | undefined

/** A user's waitlist stream of a concert through the Worker, read with fetch (the Bearer token in a header), parsed into named events. */
export async function openWaitlistStream(concertId: string, accessToken: string) {
  const controller = new AbortController()
  const res = await exports.default.fetch(
    new Request(`http://tickets.test/api/concerts/${concertId}/waitlist/events`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: controller.signal,
    }),
  )
  const events: StreamBlock[] = []
  if (res.ok) void readEventStream(res, (block) => block.event !== '' && events.push(block))
  const waitlisted = () => events.filter((e) => e.event === 'waitlist').map((e) => e.data.waitlist as WaitlistEntryBody)
  return { res, events, waitlisted, close: () => controller.abort() }
}
