import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { ApiError } from '../errors'
import { countRefusal } from '../concert-client/refusal-counts'
import { refusalReason } from '../shared/refused-entries'

/**
 * Counts the queue entry's refusals by its defences (the route's first middleware, so it sees
 * the others' and the handler's, the object's proof refusals among them): Hono has turned a
 * thrown ApiError into the response by the time `next` returns, and left it in `c.error`.
 * Counted in this isolate and handed on about once a second (src/concert-client/refusal-counts.ts).
 */
export const countRefusedEntries = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const error = c.error
  if (!(error instanceof ApiError)) return
  const reason = refusalReason(error.code)
  const concertId = c.req.param('concertId')
  if (reason === null || !concertId) return
  countRefusal(c.env, concertId, reason, c.executionCtx)
})
