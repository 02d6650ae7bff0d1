import type { OpenAPIHono } from '@hono/zod-openapi'

/** Bindings and per-request variables, typed end to end through `c.env` and `c.var`. */
export type AppEnv = {
  Bindings: Env
  Variables: { userId?: string }
}

export type App = OpenAPIHono<AppEnv>
