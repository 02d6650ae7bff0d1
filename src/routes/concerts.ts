import { createRoute } from '@hono/zod-openapi'
import { queueTokenFor, requireUser } from '../auth/middleware'
import { concertObject, type DateAvailabilityView } from '../concert'
import { cachedSeatMap } from '../concert/status-cache'
import { IsolateCaches } from '../isolate-cache'
import { unwrap } from '../errors'
import { listConcerts } from '../ledger/catalog'
import { ConcertIdParam, ConcertList, DateList, DateParams, SeatMap } from '../schemas'
import { bearerAndQueueToken, errorResponses, json, newRouter } from './openapi'

export const concerts = newRouter()

/** Dates and seat counts change by the second, not the millisecond: one read per second per isolate. */
const availableDates = new IsolateCaches<DateAvailabilityView[]>(1_000)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts',
    tags: ['Catalog'],
    summary: 'All concerts',
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
    tags: ['Catalog'],
    summary: 'Bookable dates: in the future, with at least one seat AVAILABLE',
    request: { params: ConcertIdParam },
    responses: { 200: json(DateList, 'Bookable dates with seat counts'), ...errorResponses(400, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const load = async () => unwrap(await concertObject(c.env, concertId).availableDates())
    const dates = (await availableDates.for(concertId).get(load)) ?? (await load())
    c.header('Cache-Control', 'public, max-age=1')
    return c.json({ concertId, dates }, 200)
  },
)

concerts.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/dates/{date}/seats',
    tags: ['Seats'],
    summary: 'All seats of a date with their status (needs an ACTIVE queue token)',
    security: bearerAndQueueToken,
    middleware: [requireUser] as const,
    request: { params: DateParams },
    responses: { 200: json(SeatMap, 'The seat map'), ...errorResponses(400, 401, 403, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId, date } = c.req.valid('param')
    const { arrival, userId } = await queueTokenFor(c, concertId)
    const map = (await cachedSeatMap(c.env, concertId, arrival, userId, date)) ?? unwrap(await concertObject(c.env, concertId).seatMap(arrival, userId, date))
    c.header('Cache-Control', 'no-store')
    return c.json(map, 200)
  },
)
