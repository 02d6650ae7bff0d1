import { createRoute } from '@hono/zod-openapi'
import { requireAdmin } from '../auth/middleware'
import { concertClient } from '../concert-client'
import { DEFAULT_POLICY } from '../shared/policy'
import { DEFAULT_REFUND_POLICY } from '../shared/refund-fee'
import { lastSeatOf, layOut } from '../shared/venue'
import { insertConcert } from '../ledger/catalog'
import { operatorConcerts } from '../concert-client/operator-concerts'
import {
  ConcertCreated,
  ConcertIdParam,
  CreateConcertBody,
  DateParams,
  DEFAULT_PRE_QUEUE_MS,
  HistoryQuery,
  MAX_SEATS_PER_DATE,
  OperatorConcertList,
  QueueHistory,
  QueuePolicySchema,
  QueuePolicyUpdate,
  QueueStatsSchema,
  SeatMap,
  SeatMapQuery,
} from '../schemas'
import { adminToken, errorResponses, json, jsonBody, newRouter } from './openapi'

export const admin = newRouter()

/** 19:00 in Seoul, the usual curtain time, when an operator gives only the date. */
const defaultStartsAt = (date: string) => `${date}T10:00:00.000Z`

admin.openapi(
  createRoute({
    method: 'post',
    path: '/api/admin/concerts',
    operationId: 'createConcert',
    tags: ['Operators'],
    summary:
      'Create a concert with its dates, seats (of one price, or in priced sections), queue and refund policies and, optionally, a scheduled sale with a pre-queue',
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { body: jsonBody(CreateConcertBody) },
    responses: { 201: json(ConcertCreated, 'The concert'), ...errorResponses(400, 401, 403, 413) },
  }),
  async (c) => {
    const body = c.req.valid('json')
    const concertId = crypto.randomUUID()
    const dates = body.dates.map((d) => ({
      date: d.date,
      startsAt: d.startsAt ?? defaultStartsAt(d.date),
      price: d.price,
    }))
    const opensAt = body.sale && Date.parse(body.sale.opensAt)
    const sale = opensAt
      ? {
          opensAt,
          preQueueOpensAt: body.sale!.preQueueOpensAt
            ? Date.parse(body.sale!.preQueueOpensAt)
            : opensAt - DEFAULT_PRE_QUEUE_MS,
        }
      : undefined
    const sections = body.sections && layOut(body.sections)
    const seatsPerDate = sections
      ? lastSeatOf(sections[sections.length - 1]!)
      : (body.seatsPerDate ?? MAX_SEATS_PER_DATE)
    const refundPolicy = body.refundPolicy ?? DEFAULT_REFUND_POLICY
    const { policy, seedCommitment } = await concertClient(c.env, concertId).configure({
      concertId,
      seatsPerDate,
      ...(body.sections ? { sections: body.sections } : {}),
      dates,
      policy: { ...DEFAULT_POLICY, ...body.queuePolicy },
      refundPolicy,
      sale,
    })
    const schedule = sale && {
      opensAt: new Date(sale.opensAt).toISOString(),
      preQueueOpensAt: new Date(sale.preQueueOpensAt).toISOString(),
    }
    // Listed only once its object is ready, so the catalog never shows a concert that 404s.
    await insertConcert(c.env.DB, { concertId, title: body.title, venue: body.venue, seatsPerDate, ...schedule })
    return c.json(
      {
        concertId,
        title: body.title,
        ...(body.venue ? { venue: body.venue } : {}),
        seatsPerDate,
        dates: dates.map((d) => ({ ...d, totalSeats: seatsPerDate })),
        ...(sections
          ? {
              sections: sections.map((s) => ({
                name: s.name,
                price: s.price!,
                seats: s.seats,
                firstSeat: s.firstSeat,
                lastSeat: lastSeatOf(s),
              })),
            }
          : {}),
        queuePolicy: policy,
        refundPolicy,
        ...(schedule ? { sale: { ...schedule, seedCommitment: seedCommitment! } } : {}),
      },
      201,
    )
  },
)

admin.openapi(
  createRoute({
    method: 'get',
    path: '/api/admin/concerts',
    operationId: 'listAdminConcerts',
    tags: ['Operators'],
    summary: 'Every concert, oldest first, with where its sale stands (the console signs in with it)',
    description:
      "SCHEDULED and PRE_QUEUE follow from the sale's times; an OPEN sale is SOLD_OUT when its concert object says so, as GET /api/concerts/{concertId}/sale does.",
    security: adminToken,
    middleware: [requireAdmin] as const,
    responses: { 200: json(OperatorConcertList, 'Every concert'), ...errorResponses(401, 403) },
  }),
  async (c) => {
    const concerts = await operatorConcerts(c.env, c.executionCtx, c.req.raw.cf, Date.now())
    c.header('Cache-Control', 'no-store')
    return c.json({ concerts }, 200)
  },
)

admin.openapi(
  createRoute({
    method: 'put',
    path: '/api/admin/concerts/{concertId}/queue-policy',
    operationId: 'updateQueuePolicy',
    tags: ['Operators'],
    summary: 'Change the queue policy live (the waiting order is kept)',
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { params: ConcertIdParam, body: jsonBody(QueuePolicyUpdate) },
    responses: { 200: json(QueuePolicySchema, 'The policy in force'), ...errorResponses(400, 401, 403, 404, 413) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    return c.json(await concertClient(c.env, concertId).updatePolicy(c.req.valid('json')), 200)
  },
)

admin.openapi(
  createRoute({
    method: 'get',
    path: '/api/admin/concerts/{concertId}/queue',
    operationId: 'getQueueStats',
    tags: ['Operators'],
    summary: 'Queue statistics: waiting, active, admission rate, abandoned, holds and sold seats',
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { params: ConcertIdParam },
    responses: { 200: json(QueueStatsSchema, 'Statistics now'), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    c.header('Cache-Control', 'no-store')
    return c.json(await concertClient(c.env, concertId).stats(), 200)
  },
)

admin.openapi(
  createRoute({
    method: 'get',
    path: '/api/admin/concerts/{concertId}/queue/history',
    operationId: 'getQueueHistory',
    tags: ['Operators'],
    summary:
      "The queue minute by minute: waiting and active at each minute's end, admitted, abandoned, sold and entered within it; policy changes",
    description: 'Oldest first; the current minute last, as it stands so far. Kept by the concert object for a day.',
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { params: ConcertIdParam, query: HistoryQuery },
    responses: { 200: json(QueueHistory, 'The points'), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    c.header('Cache-Control', 'no-store')
    return c.json(await concertClient(c.env, concertId).queueHistory(c.req.valid('query').minutes), 200)
  },
)

admin.openapi(
  createRoute({
    method: 'get',
    path: '/api/admin/concerts/{concertId}/dates/{date}/seats',
    operationId: 'getAdminSeatMap',
    tags: ['Operators'],
    summary: 'The seat map of a date (or of one section) as the concert object has it now, without a queue token',
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { params: DateParams, query: SeatMapQuery },
    responses: { 200: json(SeatMap, 'The seat map'), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { concertId, date } = c.req.valid('param')
    c.header('Cache-Control', 'no-store')
    return c.json(await concertClient(c.env, concertId).seats(date, c.req.valid('query').section), 200)
  },
)
