import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'
import { ApiError } from '../errors'
import type { AppEnv } from '../app-env'
import { secretsEqual, verifyAccessToken, verifyQueueToken } from './tokens'

function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization')
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

async function userFromBearer(c: Context<AppEnv>): Promise<string> {
  const token = bearerToken(c)
  if (!token) throw new ApiError(401, 'UNAUTHORIZED', 'Authorization: Bearer <accessToken> is required')
  const userId = await verifyAccessToken(token, c.env.AUTH_SECRET)
  if (!userId) throw new ApiError(401, 'UNAUTHORIZED', 'The access token is invalid or expired')
  return userId
}

/** Identifies the user from the access token; user identity never comes from a body. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  c.set('userId', await userFromBearer(c))
  await next()
})

/** Like requireUser, but lets requests without an Authorization header through. */
export const optionalUser = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header('authorization') !== undefined) c.set('userId', await userFromBearer(c))
  await next()
})

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c)
  if (!token) throw new ApiError(401, 'UNAUTHORIZED', 'Authorization: Bearer <ADMIN_TOKEN> is required')
  if (await secretsEqual(token, c.env.ADMIN_TOKEN)) return next()
  if (await verifyAccessToken(token, c.env.AUTH_SECRET)) {
    throw new ApiError(403, 'FORBIDDEN', 'Operator routes need the admin token, not a user token')
  }
  throw new ApiError(401, 'UNAUTHORIZED', 'The admin token is invalid')
})

export interface QueueCredential {
  token: string
  userId: string
  concertId: string
  arrival: number
}

/**
 * The queue token of this request (X-Queue-Token, or the one given), checked to be one we
 * issued for this concert and, when the caller is identified, for this user. Liveness is
 * checked by the concert object.
 */
export async function queueTokenFor(
  c: Context<AppEnv>,
  concertId: string | null,
  token = c.req.header('x-queue-token')?.trim(),
): Promise<QueueCredential> {
  if (!token) throw new ApiError(401, 'QUEUE_TOKEN_INVALID', 'X-Queue-Token header is required')
  const claims = await verifyQueueToken(token, c.env.AUTH_SECRET)
  if (!claims) throw new ApiError(401, 'QUEUE_TOKEN_INVALID', 'The queue token is invalid, expired or finished')
  if (concertId !== null && claims.concertId !== concertId) {
    throw new ApiError(403, 'QUEUE_TOKEN_MISMATCH', 'This queue token belongs to another concert')
  }
  const userId = c.get('userId')
  if (userId !== undefined && claims.userId !== userId) {
    throw new ApiError(403, 'QUEUE_TOKEN_MISMATCH', 'This queue token belongs to another user')
  }
  c.set('concertId', claims.concertId)
  return { token, ...claims }
}
