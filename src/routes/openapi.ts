import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { ApiError, describeZodError } from '../errors'
import { ErrorSchema } from '../schemas'

/** A router whose zod failures all become one 400 VALIDATION_FAILED naming the field. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ApiError('VALIDATION_FAILED', describeZodError(result.error))
    },
  })
}

const errorDescriptions: Record<number, string> = {
  400: 'VALIDATION_FAILED: the message names the field',
  401: 'Missing, invalid or expired credential',
  402: 'INSUFFICIENT_BALANCE',
  403: 'Valid credential without the right (QUEUE_NOT_ACTIVE, QUEUE_TOKEN_MISMATCH, NOT_YOUR_RESERVATION, FORBIDDEN)',
  404: 'Unknown resource',
  409: 'Conflict (SEAT_UNAVAILABLE, HOLD_LIMIT_REACHED, ALREADY_PAID, ...)',
  410: 'RESERVATION_EXPIRED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE: the body must be application/json',
  426: 'UPGRADE_REQUIRED: connect with a WebSocket',
  429: 'RATE_LIMITED (this user, too many attempts) or OVERLOADED (the sale is shedding load); retry after Retry-After seconds',
  503: 'TRY_AGAIN: the sale was briefly unavailable; retry after Retry-After seconds',
}

/** OpenAPI entries for the error responses a route can give, all in the contract's body. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: errorDescriptions[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } }]),
  )
}

export const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } })

export const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } })

export const bearer = [{ bearerAuth: [] }]
export const bearerAndQueueToken = [{ bearerAuth: [], queueToken: [] }]
