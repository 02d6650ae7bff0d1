import { createMiddleware } from 'hono/factory'
import type { UserVariables } from '../auth/middleware'
import { concertClient } from '../concert-client'
import { ApiError, describeZodError } from '../errors'
import { isVerified } from '../ledger/identity'
import { ConcertIdParam } from '../schemas'

/**
 * An entry to a concert whose policy has `requireVerifiedIdentity`: only an account with a
 * verified phone may enter (403 VERIFICATION_REQUIRED, nothing changed). The policy comes from
 * this isolate's view of the line or the concert's mirror (ConcertClient.policy: at most about
 * 500 ms old, exact after a policy change made through this isolate); D1 is read only when the
 * policy is on, so entries of other concerts cost no D1 read.
 */
export const requireVerifiedIfAsked = createMiddleware<{ Bindings: Env; Variables: UserVariables }>(async (c, next) => {
  // The route's validators come after its middleware: a malformed path is its 400 first.
  const param = ConcertIdParam.safeParse(c.req.param())
  if (!param.success) throw new ApiError('VALIDATION_FAILED', describeZodError(param.error))
  const client = concertClient(c.env, param.data.concertId, c.executionCtx, c.req.raw.cf)
  if ((await client.policy()).requireVerifiedIdentity && !(await isVerified(c.env.DB, c.get('userId'))))
    throw new ApiError(
      'VERIFICATION_REQUIRED',
      'This sale asks for a verified phone first (POST /api/users/me/verification)',
    )
  await next()
})
