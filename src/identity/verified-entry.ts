import { createMiddleware } from 'hono/factory'
import { ApiError } from '../errors'
import type { EntryVariables } from '../http/entry-checks'
import { isVerified } from '../ledger/identity'

/**
 * An entry to a concert whose policy has `requireVerifiedIdentity` (read by readEntryPolicy):
 * only an account with a verified phone may enter (403 VERIFICATION_REQUIRED, nothing
 * changed). D1 is read only when the policy is on, so entries of other concerts cost no D1 read.
 */
export const requireVerifiedIfAsked = createMiddleware<{ Bindings: Env; Variables: EntryVariables }>(
  async (c, next) => {
    if (c.get('entryPolicy').requireVerifiedIdentity && !(await isVerified(c.env.DB, c.get('userId'))))
      throw new ApiError(
        'VERIFICATION_REQUIRED',
        'This sale asks for a verified phone first (POST /api/users/me/verification)',
      )
    await next()
  },
)
