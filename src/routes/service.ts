import { createRoute, z } from '@hono/zod-openapi'
import { json, newRouter, none } from './openapi'

export const service = newRouter()

service.openapi(
  createRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tags: ['Service'],
    summary: 'Liveness',
    security: none,
    responses: { 200: json(z.object({ ok: z.literal(true) }), 'Up') },
  }),
  (c) => c.json({ ok: true as const }, 200),
)
