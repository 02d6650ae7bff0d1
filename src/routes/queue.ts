import { createRoute } from '@hono/zod-openapi'
import { optionalUser, queueTokenFor, requireUser } from '../auth/middleware'
import { signQueueToken } from '../auth/tokens'
import { concertObject } from '../concert'
import { unwrap } from '../errors'
import { ConcertIdParam, QueueStatus } from '../schemas'
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
