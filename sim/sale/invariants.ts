import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { SaleWorld } from './world'

// What must hold after every step of every history, read from the real stores: the concert
// object's tables (without a request, which would sweep first) and D1's rows. Each check names
// itself in the failure; `checks` counts them for the summary.

const LIVE = new Set(['HELD', 'PAYING', 'PAID', 'REFUNDING'])
const SOLD = new Set(['PAID', 'REFUNDING'])

type Row = Record<string, any>

export interface Snapshot {
  reservations: Row[]
  seats: Row[]
  queue: Row[]
  tickets: Row[]
  waitlist: Row[]
  sections: Row[]
  payments: Row[]
  refunds: Row[]
  bookings: Row[]
  money: { charged: number; balances: number; paid: number; refunded: number }
}

const OBJECT_TABLES = {
  reservations: 'SELECT id, date, seat_numbers, user_id, state, payment_id FROM reservations',
  seats: 'SELECT date, seat_number, reservation_id, sold FROM seats',
  queue: 'SELECT arrival, user_id, status FROM queue',
  tickets: 'SELECT ticket_id, reservation_id, date, seat_number, holder_id, version, state, checked_in_at FROM tickets',
  waitlist: 'SELECT seq, waitlist_id, user_id, date, section, seats, reservation_id, state FROM waitlist ORDER BY seq',
  sections: 'SELECT name, first_seat, seats FROM sections',
}

/** The object's tables in one call, and D1's rows of this sale in one batch. */
export async function snapshot(world: SaleWorld): Promise<Snapshot> {
  const object = await runInDurableObject(world.stub(), (_, state) =>
    Object.fromEntries(
      Object.entries(OBJECT_TABLES).map(([table, sql]) => [table, state.storage.sql.exec(sql).toArray()]),
    ),
  )
  const fans = world.fans.map((f) => f.userId)
  const inFans = `(${fans.map(() => '?').join(',')})`
  const [payments, refunds, bookings, money] = await env.DB.batch([
    env.DB.prepare('SELECT id, reservation_id, user_id, amount FROM payments WHERE concert_id = ?').bind(
      world.concertId,
    ),
    env.DB.prepare('SELECT reservation_id, payment_id, amount FROM refunds WHERE concert_id = ?').bind(world.concertId),
    env.DB.prepare('SELECT payment_id, date, seat_number FROM bookings WHERE concert_id = ?').bind(world.concertId),
    env.DB.prepare(
      `SELECT (SELECT COALESCE(SUM(amount), 0) FROM charges WHERE user_id IN ${inFans}) AS charged,
              (SELECT COALESCE(SUM(balance), 0) FROM users WHERE id IN ${inFans}) AS balances,
              (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE user_id IN ${inFans}) AS paid,
              (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE user_id IN ${inFans}) AS refunded`,
    ).bind(...fans, ...fans, ...fans, ...fans),
  ])
  return {
    ...(object as Pick<Snapshot, keyof typeof OBJECT_TABLES>),
    payments: payments!.results as Row[],
    refunds: refunds!.results as Row[],
    bookings: bookings!.results as Row[],
    money: money!.results[0] as Snapshot['money'],
  }
}

const seatKey = (date: unknown, seat: unknown) => `${String(date)}#${String(seat)}`
const seatsOf = (r: Row) => JSON.parse(r.seat_numbers as string) as number[]

/** Each invariant: null when it holds, else what broke it. */
export const INVARIANTS: Record<string, (s: Snapshot, world: SaleWorld) => string | null> = {
  'no seat held or sold twice': ({ reservations, seats }) => {
    const byId = new Map(reservations.map((r) => [r.id, r]))
    const seat = new Map(seats.map((s) => [seatKey(s.date, s.seat_number), s]))
    for (const r of reservations.filter((r) => LIVE.has(r.state)))
      for (const n of seatsOf(r)) {
        const s = seat.get(seatKey(r.date, n))
        if (s?.reservation_id !== r.id)
          return `${r.state} order ${r.id} has seat ${n}, which names ${s?.reservation_id}`
      }
    for (const s of seats) {
      if (s.reservation_id === null) {
        if (s.sold) return `seat ${s.seat_number} is sold to no order`
        continue
      }
      const r = byId.get(s.reservation_id)
      if (!r || !LIVE.has(r.state) || !seatsOf(r).includes(s.seat_number))
        return `seat ${s.seat_number} names order ${s.reservation_id}, which is ${r?.state ?? 'unknown'}`
      if (s.sold && !SOLD.has(r.state)) return `seat ${s.seat_number} is sold, its order ${r.id} is ${r.state}`
    }
    return null
  },

  'the ledger and the object agree on every sale': ({ reservations, payments, refunds, bookings }) => {
    const byId = new Map(reservations.map((r) => [r.id, r]))
    const refunded = new Set(refunds.map((r) => r.payment_id))
    const booked = new Map<string, Row[]>()
    for (const b of bookings) booked.set(b.payment_id, [...(booked.get(b.payment_id) ?? []), b])
    for (const p of payments) {
      const r = byId.get(p.reservation_id)
      const allowed = refunded.has(p.id) ? ['REFUNDING', 'REFUNDED'] : ['PAYING', 'PAID', 'REFUNDING']
      if (!r || !allowed.includes(r.state))
        return `payment ${p.id} is for order ${p.reservation_id}, which is ${r?.state}`
      const seats = (booked.get(p.id) ?? []).map((b) => b.seat_number).sort()
      const expected = refunded.has(p.id) ? [] : seatsOf(r).sort()
      if (JSON.stringify(seats) !== JSON.stringify(expected))
        return `payment ${p.id} books seats ${JSON.stringify(seats)}, its order has ${JSON.stringify(expected)}`
    }
    const paidFor = new Set(payments.map((p) => p.reservation_id))
    for (const r of reservations)
      if (SOLD.has(r.state) && !paidFor.has(r.id)) return `order ${r.id} is ${r.state} with no payment in the ledger`
    return null
  },

  'money is conserved': ({ money }) =>
    money.balances + money.paid - money.refunded === money.charged
      ? null
      : `balances ${money.balances} + paid ${money.paid} - refunded ${money.refunded} != charged ${money.charged}`,

  'every paid seat has one valid ticket with one holder': ({ reservations, tickets }, world) => {
    const fans = new Set(world.fans.map((f) => f.userId))
    const live = tickets.filter((t) => t.state !== 'VOID')
    const bySeat = new Map<string, Row[]>()
    for (const t of live)
      bySeat.set(seatKey(t.date, t.seat_number), [...(bySeat.get(seatKey(t.date, t.seat_number)) ?? []), t])
    const byId = new Map(reservations.map((r) => [r.id, r]))
    for (const r of reservations.filter((r) => SOLD.has(r.state)))
      for (const n of seatsOf(r)) {
        const mine = (bySeat.get(seatKey(r.date, n)) ?? []).filter((t) => t.reservation_id === r.id)
        if (mine.length !== 1) return `seat ${n} of ${r.state} order ${r.id} has ${mine.length} valid tickets`
      }
    for (const [seat, held] of bySeat) if (held.length > 1) return `seat ${seat} has ${held.length} valid tickets`
    for (const t of live) {
      if (!SOLD.has(byId.get(t.reservation_id)?.state))
        return `ticket ${t.ticket_id} is ${t.state} for an order not sold`
      if (!fans.has(t.holder_id)) return `ticket ${t.ticket_id} is held by ${t.holder_id}, no fan of this sale`
    }
    return null
  },

  'a ticket is checked in at most once': ({ tickets }, world) => {
    for (const [ticketId, times] of world.admittedAtGate)
      if (times > 1) return `ticket ${ticketId} was let in ${times} times`
    for (const t of tickets) {
      if (t.checked_in_at === null) continue
      const before = world.checkedInAt.get(t.ticket_id)
      if (before !== undefined && before !== t.checked_in_at) return `ticket ${t.ticket_id} was checked in again`
      world.checkedInAt.set(t.ticket_id, t.checked_in_at)
    }
    return null
  },

  'admission in the order of the line': ({ queue }) => {
    const active = queue.filter((q) => q.status === 'ACTIVE').map((q) => q.arrival as number)
    const waiting = queue.filter((q) => q.status === 'WAITING').map((q) => q.arrival as number)
    const lastIn = Math.max(-Infinity, ...active)
    const firstOut = Math.min(Infinity, ...waiting)
    return lastIn < firstOut ? null : `arrival ${lastIn} is ACTIVE while ${firstOut}, ahead of it, still waits`
  },

  'no waitlist offer skipped or given twice': ({ waitlist, reservations, seats, sections }) => {
    const byId = new Map(reservations.map((r) => [r.id, r]))
    const given = new Set<string>()
    for (const e of waitlist.filter((e) => e.state === 'OFFERED' || e.state === 'FULFILLED')) {
      if (given.has(e.reservation_id)) return `order ${e.reservation_id} was offered twice`
      given.add(e.reservation_id)
      const r = byId.get(e.reservation_id)
      const ok = e.state === 'OFFERED' ? ['HELD', 'PAYING'] : ['PAID', 'REFUNDING', 'REFUNDED']
      if (!r || r.user_id !== e.user_id || !ok.includes(r.state) || seatsOf(r).length !== e.seats)
        return `${e.state} entry ${e.waitlist_id} has order ${e.reservation_id} (${r?.state}, ${r ? seatsOf(r).length : 0} seats)`
    }
    const free = seats.filter((s) => !s.sold && s.reservation_id === null)
    const freeIn = (date: string, section: string) => {
      const range = sections.find((x) => x.name === section)
      return free.filter(
        (s) =>
          s.date === date &&
          (!range || (s.seat_number >= range.first_seat && s.seat_number < range.first_seat + range.seats)),
      ).length
    }
    for (const e of waitlist.filter((e) => e.state === 'WAITING'))
      if (e.seats <= freeIn(e.date, e.section))
        return `entry ${e.waitlist_id} waits for ${e.seats} seats while ${freeIn(e.date, e.section)} are free in ${e.section || 'any section'}`
    return null
  },

  'no 5xx without a fault to explain it': (_, world) => world.unexplained[0] ?? null,
}

/** Runs every invariant; throws with the first that broke. */
export async function checkInvariants(world: SaleWorld, when: string) {
  const s = await snapshot(world)
  for (const [name, check] of Object.entries(INVARIANTS)) {
    world.stats.checks++
    const broken = check(s, world)
    if (broken) throw new Error(`invariant "${name}" broken ${when}: ${broken}`)
  }
  return s
}
