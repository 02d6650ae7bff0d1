import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { ApiError, describeZodError } from '../errors'
import { TurnstileHeader } from '../schemas'

/** Longest wait for siteverify; a rush's entries must not hang on it. */
const VERIFY_TIMEOUT_MS = 3_000

/** siteverify's error codes that are a verdict on the token itself (the rest are ours or its own). */
const TOKEN_REFUSED = new Set(['missing-input-response', 'invalid-input-response', 'timeout-or-duplicate'])

type Verdict = 'accepted' | 'refused' | 'unavailable'

/**
 * Turnstile at the queue entry, when the secret TURNSTILE_SECRET_KEY is set (otherwise nothing
 * is asked, at no cost): the page's token, in `X-Turnstile-Token`, is checked with Cloudflare's
 * siteverify before the entry reaches a gate or the concert object. Missing: 403
 * TURNSTILE_REQUIRED; refused: 403 TURNSTILE_FAILED; siteverify unreachable, failing or refusing
 * our secret: 503 TRY_AGAIN (fail closed: the check is not skipped because it cannot be made).
 * Asked on every entry, also of a user who already has a place: the Worker cannot tell before
 * asking the object, and the page's widget has a fresh token at hand anyway.
 */
export const requireTurnstile = createMiddleware<AppEnv>(async (c, next) => {
  const secret = c.env.TURNSTILE_SECRET_KEY
  if (!secret) return next()
  // The route's validator checks the same form, but after its middleware: a malformed token is 400 before any call.
  const parsed = TurnstileHeader.safeParse({ 'x-turnstile-token': c.req.header('x-turnstile-token') })
  if (!parsed.success) throw new ApiError('VALIDATION_FAILED', describeZodError(parsed.error))
  const token = parsed.data['x-turnstile-token']
  if (token === undefined) throw new ApiError('TURNSTILE_REQUIRED')
  const verdict = await siteverify(c.env, secret, token, c.req.header('cf-connecting-ip'), c.get('requestId'))
  if (verdict === 'refused') throw new ApiError('TURNSTILE_FAILED')
  if (verdict === 'unavailable')
    throw new ApiError('TRY_AGAIN', 'The human check could not be verified just now; please retry', {
      'Retry-After': '2',
    })
  await next()
})

/**
 * One token checked: POSTed with the visitor's address (`remoteip`) and an idempotency key, so
 * that the one retry (after a failed connection, a 5xx or `internal-error`) is answered as the
 * first attempt would have been rather than as a duplicate. A time-out is not retried.
 */
async function siteverify(
  env: Env,
  secret: string,
  token: string,
  remoteip: string | undefined,
  requestId: string | undefined,
): Promise<Verdict> {
  const body = JSON.stringify({ secret, response: token, remoteip, idempotency_key: crypto.randomUUID() })
  let problem = ''
  for (let attempt = 1; attempt <= 2; attempt++) {
    let res: Response
    try {
      res = await fetch(env.TURNSTILE_VERIFY_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
      })
    } catch (err) {
      problem = String(err)
      if ((err as Error).name === 'TimeoutError') break
      continue
    }
    const answer = (await res.json().catch(() => null)) as { success?: unknown; 'error-codes'?: unknown } | null
    if (answer?.success === true) return 'accepted'
    const codes = Array.isArray(answer?.['error-codes']) ? (answer['error-codes'] as unknown[]).map(String) : []
    if (answer?.success === false && codes.length > 0 && codes.every((code) => TOKEN_REFUSED.has(code)))
      return 'refused'
    problem = `${res.status} ${codes.join(',') || 'no verdict'}`
    if (res.status < 500 && !codes.includes('internal-error')) break
  }
  console.warn(JSON.stringify({ level: 'warn', msg: 'turnstile siteverify unavailable', requestId, problem }))
  return 'unavailable'
}
