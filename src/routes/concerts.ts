import { createRoute } from '@hono/zod-openapi'
import { requireQueueToken, requireUser } from '../auth/middleware'
import { concertClient } from '../concert-client'
import { listConcerts } from '../ledger/catalog'
import {
  ConcertIdParam,
  ConcertList,
  DateList,
  DateParams,
  SaleDraw,
  SaleState,
  SeatMap,
  SeatMapQuery,
  SectionList,
} from '../schemas'
import { bearerAndQueueToken, errorResponses, json, newRouter, none } from './openapi'

export const concerts = newRouter()

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts',
    operationId: 'listConcerts',
    tags: ['Catalog'],
    summary: 'All concerts',
    security: none,
    responses: { 200: json(ConcertList, 'The catalog') },
  }),
  async (c) => {
    c.header('Cache-Control', 'public, max-age=30')
    return c.json({ concerts: await listConcerts(c.env.DB) }, 200)
  },
)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/dates',
    operationId: 'listConcertDates',
    tags: ['Catalog'],
    summary: 'Bookable dates: in the future, with at least one seat AVAILABLE',
    security: none,
    request: { params: ConcertIdParam },
    responses: { 200: json(DateList, 'Bookable dates with seat counts'), ...errorResponses(400, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const dates = await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).availableDates()
    c.header('Cache-Control', 'public, max-age=1')
    return c.json({ concertId, dates }, 200)
  },
)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/dates/{date}/seats',
    operationId: 'getSeatMap',
    tags: ['Seats'],
    summary: 'The seats of a date, or of one section (?section=), with their status (needs an ACTIVE queue token)',
    security: bearerAndQueueToken,
    middleware: [requireUser, requireQueueToken({ from: 'header', concert: 'path' })] as const,
    request: { params: DateParams, query: SeatMapQuery },
    responses: { 200: json(SeatMap, 'The seat map'), ...errorResponses(400, 401, 403, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId, date } = c.req.valid('param')
    const map = await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).seatMap(
      c.get('queue'),
      date,
      c.req.valid('query').section,
    )
    c.header('Cache-Control', 'no-store')
    return c.json(map, 200)
  },
)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/dates/{date}/sections',
    operationId: 'listSections',
    tags: ['Seats'],
    summary: "A date's sections: price, seats and seats AVAILABLE (needs an ACTIVE queue token)",
    security: bearerAndQueueToken,
    middleware: [requireUser, requireQueueToken({ from: 'header', concert: 'path' })] as const,
    request: { params: DateParams },
    responses: {
      200: json(SectionList, 'The sections, in seat order'),
      ...errorResponses(400, 401, 403, 404, 429, 503),
    },
  }),
  async (c) => {
    const { concertId, date } = c.req.valid('param')
    const sections = await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).sections(c.get('queue'), date)
    c.header('Cache-Control', 'no-store')
    return c.json(sections, 200)
  },
)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/sale',
    operationId: 'getSale',
    tags: ['Catalog'],
    summary: "The sale: scheduled, pre-queue, open or sold out, with the draw's commitment (and its seed once open)",
    security: none,
    request: { params: ConcertIdParam },
    responses: { 200: json(SaleState, 'The sale now'), ...errorResponses(400, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    c.header('Cache-Control', 'public, max-age=1')
    return c.json(await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).sale(), 200)
  },
)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/sale/draw',
    operationId: 'getSaleDraw',
    tags: ['Catalog'],
    summary: 'The pre-queue draw: the seed and the entries in drawn order (once the sale is OPEN)',
    description:
      'Check it: sha256(bytes of seed) == seedCommitment, and the entries sorted by hex sha256(seed + ":" + entryId) ascending (scripts/verify-draw.mjs).',
    security: none,
    request: { params: ConcertIdParam },
    responses: { 200: json(SaleDraw, 'The draw'), ...errorResponses(400, 404, 409, 429, 503) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const draw = await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).saleDraw()
    // A draw never changes once made.
    c.header('Cache-Control', 'public, max-age=86400, immutable')
    return c.json(draw, 200)
  },
)
