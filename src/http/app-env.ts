import type { RequestIdVariables } from 'hono/request-id'
import type { QueueCredential, UserVariables } from '../auth/middleware'

/**
 * Bindings and per-request variables, typed end to end through `c.env` and `c.get`. (Not
 * `c.var`: Hono copies every variable into a new object on each read of it.) Here the
 * variables are optional, as app-wide middleware (the request log) sees them; a route's own
 * middleware (requireUser, requireQueueToken) makes them present in its handler's type.
 */
export type AppEnv = {
  Bindings: Env
  Variables: RequestIdVariables & Partial<UserVariables> & { queue?: QueueCredential }
}
