import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { ApiError } from '../errors'

/**
 * Requests of each concert in flight in this isolate. Every one of them waits on the one
 * concert object, so their number is its queue as seen from here (Little's law: at ~3,000
 * calls/s, 200 in flight is ~70 ms of waiting). Past the limit, answering at once with 429
 * beats letting every caller time out.
 */
const inFlight = new Map<string, number>()

export const shedWhenConcertBusy = createMiddleware<AppEnv>(async (c, next) => {
  const concertId = c.req.param('concertId')
  if (!concertId) return next()
  const current = inFlight.get(concertId) ?? 0
  if (current >= Number(c.env.CONCERT_MAX_IN_FLIGHT)) {
    throw new ApiError('OVERLOADED', undefined, { 'Retry-After': '1' })
  }
  inFlight.set(concertId, current + 1)
  try {
    await next()
  } finally {
    const left = (inFlight.get(concertId) ?? 1) - 1
    if (left > 0) inFlight.set(concertId, left)
    else inFlight.delete(concertId)
  }
})

/** The limiter's window (wrangler.toml [[ratelimits]] period): Retry-After is its remainder. */
const RATE_WINDOW_SECONDS = 10

/** What is left of a rate limiter's current window, in whole seconds (1..period): the Retry-After. */
export const secondsLeftInWindow = (periodSeconds: number) =>
  periodSeconds - (Math.floor(Date.now() / 1000) % periodSeconds)

/**
 * One user's sale actions (queue entries, holds) per concert, counted by the Workers rate
 * limiting binding before they reach the concert object: a person clicks far below the
 * limit; a script hammering the sale is cut off without slowing everyone else.
 */
export const limitPerUser = (action: 'enter' | 'hold') =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = `${action}:${c.req.param('concertId')}:${c.get('userId')}`
    const { success } = await c.env.SALE_ACTION_LIMITER.limit({ key })
    if (!success) {
      const retryAfter = secondsLeftInWindow(RATE_WINDOW_SECONDS)
      throw new ApiError('RATE_LIMITED', `Too many attempts; retry in ${retryAfter} s`, {
        'Retry-After': String(retryAfter),
      })
    }
    await next()
  })
