import { createRoute } from '@hono/zod-openapi'
import { requireQueueToken, requireUser } from '../auth/middleware'
import { concertClient } from '../concert-client'
import { limitPerUser } from '../http/load-shedding'
import { ConcertIdParam, Hold, HoldBody, ReservationParams } from '../schemas'
import { bearerAndQueueToken, errorResponses, json, jsonBody, newRouter } from './openapi'

export const reservations = newRouter()

reservations.openapi(
  createRoute({
    method: 'post',
    path: '/api/concerts/{concertId}/reservations',
    operationId: 'holdSeats',
    tags: ['Seats'],
    summary:
      'Hold a seat, or an order of several seats together, until expiresAt (of concurrent holds of one seat exactly one wins)',
    security: bearerAndQueueToken,
    middleware: [requireUser, requireQueueToken({ from: 'header', concert: 'path' }), limitPerUser('hold')] as const,
    request: { params: ConcertIdParam, body: jsonBody(HoldBody) },
    responses: {
      201: json(Hold, 'The seat is held for you'),
      ...errorResponses(400, 401, 403, 404, 409, 413, 429, 503),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const { date, seatNumber, seatNumbers } = c.req.valid('json')
    return c.json(
      await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).hold(
        c.get('queue'),
        date,
        seatNumbers ?? [seatNumber!],
      ),
      201,
    )
  },
)

reservations.openapi(
  createRoute({
    method: 'delete',
    path: '/api/concerts/{concertId}/reservations/{reservationId}',
    operationId: 'releaseHold',
    tags: ['Seats'],
    summary: 'Release a hold early; its seats are AVAILABLE again',
    security: bearerAndQueueToken,
    middleware: [requireUser, requireQueueToken({ from: 'header', concert: 'path' })] as const,
    request: { params: ReservationParams },
    responses: { 204: { description: 'Released' }, ...errorResponses(400, 401, 403, 404, 409, 410, 429, 503) },
  }),
  async (c) => {
    const { concertId, reservationId } = c.req.valid('param')
    await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).release(c.get('queue'), reservationId)
    return c.body(null, 204)
  },
)
