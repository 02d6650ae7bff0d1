import { createRoute } from '@hono/zod-openapi'
import { optionalUser, queueTokenFor, requireUser } from '../auth/middleware'
import { signQueueToken } from '../auth/tokens'
import { concertObject } from '../concert'
import { enterQueue } from '../concert/queue-entry'
import { cachedStatus } from '../concert/status-cache'
import { ApiError, unwrap } from '../errors'
import { limitPerUser } from '../load-shedding'
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
    middleware: [requireUser, limitPerUser('enter')] as const,
    request: { params: ConcertIdParam },
    responses: {
      201: json(QueueStatus, 'A new token at the back of the line'),
      200: json(QueueStatus, 'The token and place the user already has'),
      ...errorResponses(400, 401, 404, 429, 503),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const userId = c.var.userId!
    const { created, arrival, status } = unwrap(await enterQueue(c.env, c.executionCtx, concertId, userId))
    const token = await signQueueToken({ userId, concertId, arrival }, c.env.AUTH_SECRET)
    c.header('Cache-Control', 'no-store')
    return c.json({ token, ...status }, created ? 201 : 200)
  },
)

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/status',
    tags: ['Waiting queue'],
    summary: 'Place in line, or ACTIVE with the admission deadline',
    description: 'Answered from a view of the queue at most 250 ms old; holds and payments always check the queue itself.',
    security: [{ queueToken: [] }],
    middleware: [optionalUser] as const,
    request: { params: ConcertIdParam },
    responses: { 200: json(QueueStatus, 'The status'), ...errorResponses(400, 401, 403, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const { token, arrival, userId } = await queueTokenFor(c, concertId)
    let status = await cachedStatus(c.env, concertId, arrival, userId)
    if (status === 'gone') throw new ApiError(401, 'QUEUE_TOKEN_INVALID', 'The queue token is invalid, expired or finished')
    if (status === 'unknown') status = unwrap(await concertObject(c.env, concertId).status(arrival, userId))
    c.header('Cache-Control', 'no-store')
    return c.json({ token, ...status }, 200)
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
      ...errorResponses(400, 401, 403, 426, 429, 503),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    // Forged tokens and tokens of another concert are refused before the upgrade.
    const claims = await queueTokenFor(c, concertId, c.req.valid('query').token)
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError(426, 'UPGRADE_REQUIRED', 'Connect with a WebSocket (Upgrade: websocket)')
    }
    // The object trusts these: they come from the verified token, never from the client.
    const headers = new Headers(c.req.raw.headers)
    headers.set('x-queue-arrival', String(claims.arrival))
    headers.set('x-queue-user', claims.userId)
    return concertObject(c.env, concertId).fetch(new Request(c.req.url, { headers }))
  },
)
