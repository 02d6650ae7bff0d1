import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { z } from 'zod'
import type { PlaceInLine } from '../shared/rpc'
import { ApiError, describeZodError } from '../errors'
import { ConcertIdParam, QueueSocketQuery } from '../schemas'
import { secretsEqual, verifyAccessToken, verifyQueueToken, verifyScannerToken, type ScannerClaims } from './tokens'

/** A verified queue token: the place it names, in the concert it was issued for. */
export interface QueueCredential extends PlaceInLine {
  token: string
  concertId: string
}

/** What these middlewares set, so that `c.get('userId')` and `c.get('queue')` need no `!` in a route. */
export type UserVariables = { userId: string }
export type QueueVariables = { queue: QueueCredential; userId?: string }
export type ScannerVariables = { scanner: ScannerClaims }

function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization')
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

async function userFromBearer(c: Context): Promise<string> {
  const token = bearerToken(c)
  if (!token) throw new ApiError('UNAUTHORIZED', 'Authorization: Bearer <accessToken> is required')
  const userId = await verifyAccessToken(token, (c.env as Env).AUTH_SECRET)
  if (!userId) throw new ApiError('UNAUTHORIZED', 'The access token is invalid or expired')
  return userId
}

/** Identifies the user from the access token; user identity never comes from a body. */
export const requireUser = createMiddleware<{ Bindings: Env; Variables: UserVariables }>(async (c, next) => {
  c.set('userId', await userFromBearer(c))
  await next()
})

/** Like requireUser, but lets requests without an Authorization header through. */
export const optionalUser = createMiddleware<{ Bindings: Env; Variables: Partial<UserVariables> }>(async (c, next) => {
  if (c.req.header('authorization') !== undefined) c.set('userId', await userFromBearer(c))
  await next()
})

export const requireAdmin = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const token = bearerToken(c)
  if (!token) throw new ApiError('UNAUTHORIZED', 'Authorization: Bearer <ADMIN_TOKEN> is required')
  if (await secretsEqual(token, c.env.ADMIN_TOKEN)) return next()
  if (await verifyAccessToken(token, c.env.AUTH_SECRET)) {
    throw new ApiError('FORBIDDEN', 'Operator routes need the admin token, not a user token')
  }
  throw new ApiError('UNAUTHORIZED', 'The admin token is invalid')
})

/** Route middleware runs before the route's validators: what it reads, it validates with the route's own schemas. */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new ApiError('VALIDATION_FAILED', describeZodError(parsed.error))
  return parsed.data
}

export interface QueueTokenSource {
  /** Where the token is: the X-Queue-Token header, or the `token` query parameter (WebSockets). */
  from: 'header' | 'query'
  /** Which concert it must be for: the path's, or (payments) whichever it names. */
  concert: 'path' | 'token'
}

/**
 * Sets `c.get('queue')` from the request's queue token, checked to be one we issued, for the
 * path's concert and, when the caller is identified, for this user. Whether the place is
 * still live is the concert object's to say.
 */
export const requireQueueToken = ({ from, concert }: QueueTokenSource) =>
  createMiddleware<{ Bindings: Env; Variables: QueueVariables }>(async (c, next) => {
    const token =
      from === 'query' ? valid(QueueSocketQuery, c.req.query()).token : c.req.header('x-queue-token')?.trim()
    const claims = token ? await verifyQueueToken(token, c.env.AUTH_SECRET) : null
    const pathConcert = concert === 'path' ? c.req.param('concertId') : undefined
    if (!token || !claims || (pathConcert !== undefined && claims.concertId !== pathConcert)) {
      // The route's validators would have come first: a malformed path is a 400 before anything
      // is said of the token. (A token's concert is a valid id, so a match needs no check.)
      if (pathConcert !== undefined) valid(ConcertIdParam, c.req.param())
      if (!token) throw new ApiError('QUEUE_TOKEN_INVALID', 'X-Queue-Token header is required')
      if (!claims) throw new ApiError('QUEUE_TOKEN_INVALID')
      throw new ApiError('QUEUE_TOKEN_MISMATCH', 'This queue token belongs to another concert')
    }
    const userId = c.get('userId')
    if (userId !== undefined && claims.userId !== userId)
      throw new ApiError('QUEUE_TOKEN_MISMATCH', 'This queue token belongs to another user')
    c.set('queue', { token, ...claims })
    await next()
  })

const queueTokenOfPayment = requireQueueToken({ from: 'header', concert: 'token' })

/** A payment's queue token, when it has one: a waitlist offer is paid with the access token alone (src/concert-client/checkout.ts). */
export const queueTokenIfGiven = createMiddleware<{ Bindings: Env; Variables: Partial<QueueVariables> }>((c, next) =>
  c.req.header('x-queue-token') === undefined
    ? next()
    : queueTokenOfPayment(c as unknown as Parameters<typeof queueTokenOfPayment>[0], next),
)

/**
 * A scanner's token, for the path's concert: the gate's one credential. A user's or the admin's
 * token is a credential without that right (403), as is a scanner of another concert.
 */
export const requireScanner = createMiddleware<{ Bindings: Env; Variables: ScannerVariables }>(async (c, next) => {
  const token = bearerToken(c)
  if (!token) throw new ApiError('UNAUTHORIZED', 'Authorization: Bearer <scanner token> is required')
  const scanner = await verifyScannerToken(token, c.env.AUTH_SECRET)
  if (!scanner) {
    if ((await secretsEqual(token, c.env.ADMIN_TOKEN)) || (await verifyAccessToken(token, c.env.AUTH_SECRET)))
      throw new ApiError('FORBIDDEN', "Check-ins need a scanner's token, not a user's or the admin's")
    throw new ApiError('UNAUTHORIZED', 'The scanner token is invalid')
  }
  if (scanner.concertId !== c.req.param('concertId')) {
    valid(ConcertIdParam, c.req.param())
    throw new ApiError('FORBIDDEN', "This scanner checks in another concert's tickets")
  }
  c.set('scanner', scanner)
  await next()
})
