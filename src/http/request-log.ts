import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import type { AppEnv } from './app-env'

/**
 * One JSON line per request, after the response is known (errors included: onError has
 * already made the response). Cloudflare's Workers Logs index JSON lines by field.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now()
  await next()
  const status = c.res.status
  console.log(
    JSON.stringify({
      level: status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routePath(c, -1),
      status,
      latencyMs: Date.now() - started,
      concertId: c.get('queue')?.concertId ?? c.req.param('concertId'),
      userId: c.get('userId'),
    }),
  )
})
