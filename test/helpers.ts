import { runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { decode } from 'hono/jwt'
import { expect } from 'vitest'
import type { SaleEvent } from '../src/events/sale-event'

export const ADMIN_TOKEN = 'test-admin-token'

/** The concert's object, for calls and storage checks that bypass the Worker. */
export const stubOf = (concertId: string) => env.CONCERT.get(env.CONCERT.idFromName(concertId))

export interface Reply<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface CallOptions {
  body?: unknown
  rawBody?: string
  accessToken?: string
  queueToken?: string
  headers?: Record<string, string>
}

/** One real request through the Worker's fetch handler. */
export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers }
  let body: string | undefined = options.rawBody
  if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  if (options.rawBody !== undefined) headers['content-type'] ??= 'application/json'
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`
  if (options.queueToken) headers['x-queue-token'] = options.queueToken
  const res = await exports.default.fetch(new Request(`http://tickets.test${path}`, { method, headers, body }))
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
}

export function expectError(reply: Reply, status: number, code?: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status)
  expect(reply.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } })
  if (code) expect(reply.body.error.code).toBe(code)
}

export interface User {
  userId: string
  accessToken: string
}

export async function newUser(name = 'tester'): Promise<User> {
  const reply = await call('POST', '/api/users', { body: { name } })
  expect(reply.status).toBe(201)
  return reply.body
}

export async function chargeUser(user: User, amount: number) {
  const reply = await call('POST', '/api/users/me/balance/charges', { accessToken: user.accessToken, body: { amount } })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return reply.body.balance as number
}

/** `YYYY-MM-DD`, this many days from today (UTC). */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}

export interface ConcertOptions {
  title?: string
  dates?: Array<{ date: string; startsAt?: string; price?: number }>
  seatsPerDate?: number
  sections?: Array<{ name: string; price: number; seats: number }>
  queuePolicy?: Record<string, number>
  refundPolicy?: Array<{ fromDaysBefore: number; feePercent: number }>
  sale?: { opensAt: string; preQueueOpensAt?: string }
}

export async function newConcert(options: ConcertOptions = {}) {
  const reply = await call('POST', '/api/admin/concerts', {
    accessToken: ADMIN_TOKEN,
    body: {
      title: options.title ?? 'Test concert',
      venue: 'Olympic Hall',
      dates: options.dates ?? [{ date: daysFromNow(30), price: 100_000 }],
      ...(options.seatsPerDate ? { seatsPerDate: options.seatsPerDate } : {}),
      ...(options.sections ? { sections: options.sections } : {}),
      ...(options.queuePolicy ? { queuePolicy: options.queuePolicy } : {}),
      ...(options.refundPolicy ? { refundPolicy: options.refundPolicy } : {}),
      ...(options.sale ? { sale: options.sale } : {}),
    },
  })
  expect(reply.status, JSON.stringify(reply.body)).toBe(201)
  return reply.body as {
    concertId: string
    dates: Array<{ date: string; price?: number; totalSeats: number }>
    sections?: Array<{ name: string; price: number; seats: number; firstSeat: number; lastSeat: number }>
    queuePolicy: Record<string, number>
    sale?: { opensAt: string; preQueueOpensAt: string; seedCommitment: string }
  }
}

export async function enterQueue(user: User, concertId: string) {
  const reply = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: user.accessToken })
  expect([200, 201], JSON.stringify(reply.body)).toContain(reply.status)
  return reply.body as { token: string; status: string; position: number; entryId?: string }
}

/** A new user, admitted to a concert (its maxActiveUsers must have room), with a balance. */
export async function activeBuyer(concertId: string, balance = 0) {
  const user = await newUser()
  if (balance > 0) await chargeUser(user, balance)
  const entry = await enterQueue(user, concertId)
  expect(entry.status).toBe('ACTIVE')
  return { ...user, queueToken: entry.token }
}

export async function hold(buyer: User & { queueToken: string }, concertId: string, date: string, seatNumber: number) {
  return call('POST', `/api/concerts/${concertId}/reservations`, {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
    body: { date, seatNumber },
  })
}

/** Holds an order of several seats together. */
export async function holdOrder(
  buyer: User & { queueToken: string },
  concertId: string,
  date: string,
  seatNumbers: number[],
) {
  return call('POST', `/api/concerts/${concertId}/reservations`, {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
    body: { date, seatNumbers },
  })
}

export async function refund(user: User, reservationId: string, idempotencyKey?: string) {
  return call('POST', `/api/users/me/reservations/${reservationId}/refund`, {
    accessToken: user.accessToken,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  })
}

export const balanceOf = async (user: Pick<User, 'accessToken'>) =>
  (await call('GET', '/api/users/me/balance', { accessToken: user.accessToken })).body.balance as number

export async function payFor(buyer: User & { queueToken: string }, reservationId: string, idempotencyKey?: string) {
  return call('POST', '/api/payments', {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
    body: { reservationId },
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  })
}

export async function seatMap(buyer: User & { queueToken: string }, concertId: string, date: string, section?: string) {
  const query = section === undefined ? '' : `?section=${encodeURIComponent(section)}`
  const reply = await call('GET', `/api/concerts/${concertId}/dates/${date}/seats${query}`, {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
  })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return reply.body.seats as Array<{ seatNumber: number; status: string; price: number; section: string }>
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The place in line a queue token names. */
export const arrivalOf = (token: string) => decode(token).payload.arr as number

/** Every row that matters in D1 and in one concert object: compared before and after to prove nothing changed. */
export async function stateOf(concertId: string) {
  const d1 = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM charges) AS charges,
            (SELECT SUM(balance) FROM users) AS balances, (SELECT COUNT(*) FROM payments) AS payments,
            (SELECT COUNT(*) FROM bookings) AS bookings, (SELECT COUNT(*) FROM concerts) AS concerts`,
  ).first()
  const object = await runInDurableObject(stubOf(concertId), (_, state) =>
    ['meta', 'dates', 'seats', 'queue', 'reservations'].map((t) =>
      state.storage.sql.exec(`SELECT * FROM ${t} ORDER BY 1, 2`).toArray(),
    ),
  )
  return { d1, object }
}

/** A real WebSocket through the Worker, recording every message and the close. */
export async function openSocket(concertId: string, token: string) {
  const res = await exports.default.fetch(
    new Request(`http://tickets.test/api/concerts/${concertId}/queue/ws?token=${encodeURIComponent(token)}`, {
      headers: { upgrade: 'websocket' },
    }),
  )
  expect(res.status).toBe(101)
  const ws = res.webSocket!
  const messages: any[] = []
  let notify: () => void = () => {}
  const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)))
  ws.addEventListener('message', (e) => {
    messages.push(JSON.parse(e.data as string))
    notify()
  })
  ws.accept()
  /** Waits until `count` messages have arrived. */
  const received = async (count: number, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs
    while (messages.length < count && Date.now() < deadline) {
      await Promise.race([new Promise<void>((r) => (notify = r)), sleep(50)])
    }
    return messages
  }
  return { ws, messages, received, closed }
}

/** A server-sent event, or a comment line (`event` empty, `data` the line). */
export interface StreamBlock {
  event: string
  data: any
}

/** Reads an event stream's body block by block, as EventSource would, until it ends (or fails: a reader aborted). */
export async function readEventStream(res: Response, onBlock: (block: StreamBlock) => void): Promise<void> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.startsWith(':')) onBlock({ event: '', data: block })
      else {
        const [event, data] = block.split('\n')
        onBlock({ event: event!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) })
      }
    }
  }
}

/** The queue's event stream through the Worker: status events, comment lines and waitlist events apart. */
export async function openStream(concertId: string, token: string) {
  const res = await exports.default.fetch(
    new Request(`http://tickets.test/api/concerts/${concertId}/queue/events?token=${encodeURIComponent(token)}`),
  )
  const events: any[] = []
  const comments: string[] = []
  /** The `event: waitlist` messages' entries: a waitlist entry of this user that changed. */
  const waitlist: any[] = []
  let ended = false
  if (res.ok)
    void readEventStream(res, ({ event, data }) => {
      if (event === '') comments.push(data)
      else if (event === 'status') events.push(data)
      else {
        expect(event).toBe('waitlist')
        waitlist.push(data.waitlist)
      }
    }).then(() => (ended = true))
  const until = async (done: () => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs
    while (!done() && Date.now() < deadline) await sleep(20)
    return done()
  }
  return { res, events, comments, waitlist, until, ended: () => ended }
}

/** What the stand-in data platform (test/support/data-platform.mjs) received, over real HTTP. */
export interface Received {
  events: SaleEvent[]
  requests: number
  failed: number
  duplicates: number
}
export const received = async (concertId: string): Promise<Received> =>
  (await fetch(`${new URL(env.DATA_PLATFORM_URL).origin}/received?concertId=${concertId}`)).json()

/** Tells the stand-in platform how to treat one concert's events: take them, refuse them all, or fail half. */
export const platformMode = (concertId: string, mode: 'ok' | 'down' | 'flaky') =>
  fetch(`${new URL(env.DATA_PLATFORM_URL).origin}/control`, {
    method: 'POST',
    body: JSON.stringify({ concertId, mode }),
  })

export async function until<T>(what: string, check: () => Promise<T | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check()
    if (result) return result
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(200)
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
}

/** A draw's order by the contract's formula, recomputed with WebCrypto from the published seed. */
export async function expectedOrder(seed: string, entryIds: string[]): Promise<string[]> {
  const keyed = await Promise.all(
    entryIds.map(async (id) => ({ id, key: await sha256Hex(new TextEncoder().encode(`${seed}:${id}`)) })),
  )
  return keyed.sort((a, b) => (a.key < b.key ? -1 : 1)).map((k) => k.id)
}
