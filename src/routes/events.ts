import { createRoute } from '@hono/zod-openapi'
import { requireAdmin } from '../auth/middleware'
import { listUndelivered, redrive } from '../events/dead-letters'
import { Redriven, UndeliveredEventList } from '../schemas'
import { adminToken, errorResponses, json, newRouter } from './openapi'

// Operators' view of the sale events the data platform did not take after every retry, and
// the way to send them again (docs/events.md, "Dead letters").
export const events = newRouter()

events.openapi(
  createRoute({
    method: 'get',
    path: '/api/admin/events/undelivered',
    operationId: 'listUndeliveredEvents',
    tags: ['Operators'],
    summary: 'Sale events given up after every retry (the dead letters): how many, and the oldest 100',
    security: adminToken,
    middleware: [requireAdmin] as const,
    responses: { 200: json(UndeliveredEventList, 'The dead letters'), ...errorResponses(401, 403) },
  }),
  async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json(await listUndelivered(c.env.DB), 200)
  },
)

events.openapi(
  createRoute({
    method: 'post',
    path: '/api/admin/events/redrive',
    operationId: 'redriveUndeliveredEvents',
    tags: ['Operators'],
    summary: 'Send every dead letter again to the sale-events queue (retried as any new event)',
    description:
      'All events kept when the call began, oldest first, 100 to a send; each is removed once the queue took it. ' +
      'When the queue refuses a send: 503 TRY_AGAIN with Retry-After, and what was not sent is kept. ' +
      'Any body is ignored.',
    security: adminToken,
    middleware: [requireAdmin] as const,
    responses: { 202: json(Redriven, 'Sent to the queue'), ...errorResponses(401, 403, 503) },
  }),
  async (c) => c.json({ requeued: await redrive(c.env) }, 202),
)
