import type { OpenAPIHono } from '@hono/zod-openapi'
import type { RequestIdVariables } from 'hono/request-id'

/** Bindings and per-request variables, typed end to end through `c.env` and `c.var`. */
export type AppEnv = {
  Bindings: Env
  Variables: RequestIdVariables & {
    userId?: string
    /** The concert a request acted on when it is not in the path (payments: from the queue token). */
    concertId?: string
  }
}

export type App = OpenAPIHono<AppEnv>
