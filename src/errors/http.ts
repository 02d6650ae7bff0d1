import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ZodError } from 'zod'
import { MAX_BODY_BYTES } from '../schemas'
import { ERRORS, type ErrorCode, type Result } from './catalogue'

/** The one error type. Handlers and services throw it; `onError` turns it into the body. */
export class ApiError extends Error {
  readonly status

  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = ERRORS[code].status
  }
}

/** Refusals that pass: the client is told when to try again. */
const RETRY_SOON: Partial<Record<ErrorCode, Record<string, string>>> = {
  OVERLOADED: { 'Retry-After': '1' },
  TRY_AGAIN: { 'Retry-After': '1' },
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw new ApiError(result.code, result.message, RETRY_SOON[result.code])
}

/**
 * What the runtime raises on a Durable Object call when the object is overloaded (too many
 * requests queued for it) or was reset mid-call: both are worth a retry. Null for any other
 * error. An object calling another passes it on as this refusal (the flags do not cross RPC).
 */
export function unavailable(err: unknown): 'OVERLOADED' | 'TRY_AGAIN' | null {
  const { overloaded, retryable } = (err ?? {}) as { overloaded?: boolean; retryable?: boolean }
  return overloaded ? 'OVERLOADED' : retryable ? 'TRY_AGAIN' : null
}

export function errorBody(code: ErrorCode, message: string) {
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

/** What Hono itself raises (malformed JSON, wrong media type), in the catalogue's words. */
function fromHttpException(err: HTTPException): ApiError | null {
  switch (err.status) {
    case 400:
      return new ApiError('VALIDATION_FAILED', `body: ${err.message}`)
    case 401:
      return new ApiError('UNAUTHORIZED', err.message)
    case 404:
      return new ApiError('NOT_FOUND', err.message)
    case 413:
      return new ApiError('PAYLOAD_TOO_LARGE', err.message)
    case 415:
      return new ApiError('UNSUPPORTED_MEDIA_TYPE')
    default:
      return null
  }
}

/**
 * A request refused before its body was read (bad credentials, rate limit, load shedding)
 * still has that body on the connection; workerd then closes the connection, and the
 * client's next request on it fails. Reading a small body first keeps the connection.
 */
async function drainBody(c: Context) {
  const { body, bodyUsed } = c.req.raw
  if (body && !bodyUsed && Number(c.req.header('content-length')) <= MAX_BODY_BYTES)
    await c.req.raw.arrayBuffer().catch(() => undefined)
}

export const onError: ErrorHandler = async (err, c) => {
  await drainBody(c)
  const known =
    err instanceof ApiError ? err : err instanceof HTTPException ? fromHttpException(err) : durableObjectFailure(err, c)
  if (known) return c.json(errorBody(known.code, known.message), known.status, known.headers)
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'unhandled',
      requestId: c.get('requestId'),
      path: c.req.path,
      error: String(err),
      stack: err.stack,
    }),
  )
  return c.json(errorBody('INTERNAL', ERRORS.INTERNAL.message), 500)
}

/** A Durable Object overloaded or reset mid-call (`unavailable`): say when to retry. */
function durableObjectFailure(err: Error, c: Context): ApiError | null {
  const code = unavailable(err)
  if (!code) return null
  console.warn(
    JSON.stringify({
      level: 'warn',
      msg: 'concert object unavailable',
      requestId: c.get('requestId'),
      path: c.req.path,
      error: String(err),
    }),
  )
  return new ApiError(code, undefined, RETRY_SOON[code])
}

export const notFound: NotFoundHandler = async (c: Context) => {
  await drainBody(c)
  return c.json(errorBody('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`), 404)
}
