import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import { activeBuyer, ADMIN_TOKEN, call, holdOrder, newConcert, payFor, stubOf, type User } from '../helpers'

const DAY = 86_400_000
export const VIP = { name: 'VIP', price: 100_000, seats: 10 }
export const R = { name: 'R', price: 50_000, seats: 20 }

export interface TicketBody {
  ticketId: string
  concertId: string
  title: string
  date: string
  startsAt: string
  seatNumber: number
  section: string
  status: 'VALID' | 'CHECKED_IN'
  checkedInAt?: string
}

/** A concert of two dates (30 and 31 days ahead) in two sections, and a buyer who paid for `seats` of the first date. */
export async function boughtTickets({
  seats = [1, 2],
  queuePolicy = {},
  dateIndex = 0,
}: { seats?: number[]; queuePolicy?: Record<string, number | boolean>; dateIndex?: number } = {}) {
  const dates = [30, 31].map((d) => {
    const startsAt = new Date(Date.now() + d * DAY).toISOString()
    return { date: startsAt.slice(0, 10), startsAt }
  })
  const concert = await newConcert({
    dates,
    sections: [VIP, R],
    queuePolicy: { maxActiveUsers: 50, ...queuePolicy },
  })
  const date = concert.dates[dateIndex]!.date
  const buyer = await activeBuyer(concert.concertId, 2_000_000)
  const held = await holdOrder(buyer, concert.concertId, date, seats)
  expect(held.status, JSON.stringify(held.body)).toBe(201)
  const paid = await payFor(buyer, held.body.reservationId)
  expect(paid.status, JSON.stringify(paid.body)).toBe(201)
  const tickets = (await ticketsOf(buyer)).filter((t) => t.concertId === concert.concertId)
  return {
    concertId: concert.concertId,
    date,
    otherDate: concert.dates[1 - dateIndex]!.date,
    startsAt: dates[dateIndex]!.startsAt,
    buyer,
    reservationId: held.body.reservationId as string,
    tickets,
  }
}

export async function ticketsOf(user: Pick<User, 'accessToken'>): Promise<TicketBody[]> {
  const reply = await call('GET', '/api/users/me/tickets', { accessToken: user.accessToken })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return reply.body.tickets
}

export async function codeOf(user: Pick<User, 'accessToken'>, ticketId: string): Promise<string> {
  const reply = await call('GET', `/api/users/me/tickets/${ticketId}/code`, { accessToken: user.accessToken })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return reply.body.code
}

export async function newScanner(concertId: string, date?: string, name = 'Gate A') {
  const reply = await call('POST', `/api/admin/concerts/${concertId}/scanners`, {
    accessToken: ADMIN_TOKEN,
    body: date ? { name, date } : { name },
  })
  expect(reply.status, JSON.stringify(reply.body)).toBe(201)
  return reply.body as { scannerId: string; token: string }
}

export const checkIn = (token: string, concertId: string, code: unknown, scannedAt?: unknown) =>
  call('POST', `/api/concerts/${concertId}/check-ins`, {
    accessToken: token,
    body: scannedAt === undefined ? { code } : { code, scannedAt },
  })

export const transfer = (user: Pick<User, 'accessToken'>, ticketId: string, toUserId: unknown) =>
  call('POST', `/api/users/me/tickets/${ticketId}/transfer`, { accessToken: user.accessToken, body: { toUserId } })

/** Every ticket as the concert object and D1 have it: compared before and after to prove nothing changed. */
export async function gateState(concertId: string) {
  const object = await runInDurableObject(stubOf(concertId), (_, state) => ({
    tickets: state.storage.sql.exec('SELECT * FROM tickets ORDER BY ticket_id').toArray(),
    outbox: state.storage.sql.exec("SELECT COUNT(*) AS n FROM outbox WHERE event LIKE '%\"ticket.%'").one().n,
  }))
  const d1 = await env.DB.prepare('SELECT * FROM tickets WHERE concert_id = ? ORDER BY ticket_id').bind(concertId).all()
  return { object, d1: d1.results }
}

/** The object's state of one ticket. */
export const objectTicket = (concertId: string, ticketId: string) =>
  runInDurableObject(
    stubOf(concertId),
    (_, state) => state.storage.sql.exec('SELECT * FROM tickets WHERE ticket_id = ?', ticketId).toArray()[0],
  )
