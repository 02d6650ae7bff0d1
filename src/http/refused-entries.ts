import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { ApiError } from '../errors'
import { countRefusal } from '../concert-client/refusal-counts'
import { refusalReason } from '../shared/refused-entries'

/** Entries the concert object answered: a proof it refused it counted itself (object.ts, enterAll). */
const atObject = new WeakSet<Request>()

/** The entry goes to the concert object now: a refusal from there is the object's to count. */
export const entryReachesObject = (request: Request) => atObject.add(request)

/**
 * Counts the queue entry's refusals by its defences (the route's first middleware, so it sees
 * the others' and the handler's): Hono has turned a thrown ApiError into the response by the
 * time `next` returns, and left it in `c.error`. Counted in this isolate and handed on about
 * once a second (src/concert-client/refusal-counts.ts).
 */
export const countRefusedEntries = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const error = c.error
  if (!(error instanceof ApiError)) return
  const reason = refusalReason(error.code)
  const concertId = c.req.param('concertId')
  if (reason === null || !concertId) return
  if (reason === 'proof' && atObject.has(c.req.raw)) return
  countRefusal(c.env, concertId, reason, c.executionCtx)
})
