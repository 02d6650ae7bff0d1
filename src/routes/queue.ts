import { createRoute } from '@hono/zod-openapi'
import { optionalUser, queueTokenFor, requireUser } from '../auth/middleware'
import { signQueueToken, verifyQueueToken } from '../auth/tokens'
import { concertObject } from '../concert'
import { ApiError, unwrap } from '../errors'
import { ConcertIdParam, QueueSocketQuery, QueueStatus } from '../schemas'
import { bearer, errorResponses, json, newRouter } from './openapi'

export const queue = newRouter()

queue.openapi(
  createRoute({
    method: 'post',
    path: '/api/concerts/{concertId}/queue/tokens',
    tags: ['Waiting queue'],
    summary: 'Join the waiting queue (asking again returns the same token and place)',
    security: bearer,
    middleware: [requireUser] as const,
    request: { params: ConcertIdParam },
    responses: {
      201: json(QueueStatus, 'A new token at the back of the line'),
      200: json(QueueStatus, 'The token and place the user already has'),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const userId = c.var.userId!
    const candidate = await signQueueToken({ userId, concertId }, c.env.AUTH_SECRET)
    const { created, status } = unwrap(await concertObject(c.env, concertId).enter(userId, candidate))
    c.header('Cache-Control', 'no-store')
    return created ? c.json(status, 201) : c.json(status, 200)
  },
)

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/status',
    tags: ['Waiting queue'],
    summary: 'Place in line, or ACTIVE with the admission deadline',
    security: [{ queueToken: [] }],
    middleware: [optionalUser] as const,
    request: { params: ConcertIdParam },
    responses: { 200: json(QueueStatus, 'The status'), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const { token } = await queueTokenFor(c, concertId)
    c.header('Cache-Control', 'no-store')
    return c.json(unwrap(await concertObject(c.env, concertId).status(token)), 200)
  },
)

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/ws',
    tags: ['Waiting queue'],
    summary: 'WebSocket: the status object on connect and on every change of status or position',
    description:
      'At most one message per second per socket, and only when the status or position changed. ' +
      'Any message from the client is answered with the current status and counts as presence. ' +
      'When the token ends (payment, expiry, abandonment) a final {"status":"EXPIRED"} is sent and the socket closed.',
    request: { params: ConcertIdParam, query: QueueSocketQuery },
    responses: {
      101: { description: 'Switching protocols: the socket is open' },
      ...errorResponses(400, 401, 403, 426),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const { token } = c.req.valid('query')
    // Forged tokens and tokens of another concert are refused before the upgrade.
    const claims = await verifyQueueToken(token, c.env.AUTH_SECRET)
    if (!claims) throw new ApiError(401, 'QUEUE_TOKEN_INVALID', 'The queue token is invalid, expired or finished')
    if (claims.concertId !== concertId) throw new ApiError(403, 'QUEUE_TOKEN_MISMATCH', 'This queue token belongs to another concert')
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError(426, 'UPGRADE_REQUIRED', 'Connect with a WebSocket (Upgrade: websocket)')
    }
    return concertObject(c.env, concertId).fetch(c.req.raw)
  },
)
