import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'
import { MAX_BODY_BYTES } from './schemas'

/** The one error type. Handlers and services throw it; `onError` turns it into the body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** An error as it crosses from the Durable Object to the Worker (RPC keeps plain data only). */
export interface Failure {
  ok: false
  status: ContentfulStatusCode
  code: string
  message: string
}

export type Result<T> = { ok: true; value: T } | Failure

export const fail = (status: ContentfulStatusCode, code: string, message: string): Failure => ({
  ok: false,
  status,
  code,
  message,
})

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw new ApiError(result.status, result.code, result.message)
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } }
}

/** zod's issues as one sentence that names the offending field. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : 'body'
      return `${field}: ${issue.message}`
    })
    .join('; ')
}

const httpExceptionCodes: Partial<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
}

const httpExceptionMessages: Partial<Record<number, string>> = {
  415: 'Content-Type must be application/json',
}

/**
 * A request refused before its body was read (bad credentials, rate limit, load shedding)
 * still has that body on the connection; workerd then closes the connection, and the
 * client's next request on it fails. Reading a small body first keeps the connection.
 */
async function drainBody(c: Context) {
  const { body, bodyUsed } = c.req.raw
  if (body && !bodyUsed && Number(c.req.header('content-length')) <= MAX_BODY_BYTES) await c.req.raw.arrayBuffer().catch(() => undefined)
}

export const onError: ErrorHandler = async (err, c) => {
  await drainBody(c)
  if (err instanceof HTTPException) {
    // Raised by Hono itself: malformed JSON, body limit, and the like.
    const status = err.status as ContentfulStatusCode
    const message = httpExceptionMessages[status] ?? (status === 400 ? `body: ${err.message}` : err.message)
    return c.json(errorBody(httpExceptionCodes[status] ?? 'HTTP_ERROR', message), status)
  }
  const known = err instanceof ApiError ? err : durableObjectFailure(err, c)
  if (known) return c.json(errorBody(known.code, known.message), known.status, known.headers)
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled', requestId: c.get('requestId'), path: c.req.path, error: String(err), stack: err.stack }))
  return c.json(errorBody('INTERNAL', 'Something went wrong on our side; please retry.'), 500)
}

/**
 * What the runtime raises on a Durable Object call when the object is overloaded (too many
 * requests queued for it) or was reset mid-call: both are worth a retry, so say when.
 */
function durableObjectFailure(err: Error, c: Context): ApiError | null {
  const { overloaded, retryable } = err as Error & { overloaded?: boolean; retryable?: boolean }
  if (!overloaded && !retryable) return null
  console.warn(JSON.stringify({ level: 'warn', msg: 'concert object unavailable', requestId: c.get('requestId'), path: c.req.path, error: String(err) }))
  if (overloaded) return new ApiError(429, 'OVERLOADED', 'This sale is very busy right now; please retry in a moment', { 'Retry-After': '1' })
  return new ApiError(503, 'TRY_AGAIN', 'The sale was briefly unavailable; please retry', { 'Retry-After': '1' })
}

export const notFound: NotFoundHandler = async (c: Context) => {
  await drainBody(c)
  return c.json(errorBody('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`), 404)
}
