import { createMiddleware } from 'hono/factory'
import type { UserVariables } from '../auth/middleware'
import { checkEntryProof } from '../auth/entry-proof'
import { concertClient, type ConcertClient } from '../concert-client'
import { ApiError, describeZodError } from '../errors'
import { ConcertIdParam, type QueuePolicy } from '../schemas'
import type { EntryProof } from '../shared/rpc'

/** What a queue entry's checks leave for its handler: the concert, its policy read once, the proof checked. */
export type EntryVariables = UserVariables & {
  concert: ConcertClient
  entryPolicy: QueuePolicy
  entryProof: EntryProof | null
}

/**
 * The concert and its policy for the entry's checks (identity, proof) and its handler, read
 * once: from this isolate's view of the line or the concert's mirror (ConcertClient.policy,
 * at most about 500 ms old, exact after a policy change made through this isolate).
 */
export const readEntryPolicy = createMiddleware<{ Bindings: Env; Variables: EntryVariables }>(async (c, next) => {
  // The route's validators come after its middleware: a malformed path is its 400 first.
  const param = ConcertIdParam.safeParse(c.req.param())
  if (!param.success) throw new ApiError('VALIDATION_FAILED', describeZodError(param.error))
  const concert = concertClient(c.env, param.data.concertId, c.executionCtx, c.req.raw.cf)
  c.set('concert', concert)
  c.set('entryPolicy', await concert.policy())
  await next()
})

/**
 * The X-Entry-Proof header checked without the object (a bad one costs no object call): the
 * solution, its signature and expiry, and that it was made for this user and concert. The
 * object spends it, or answers the place the user already has, or PROOF_REQUIRED without one.
 * A concert asking for no proof ignores the header.
 */
export const checkEntryProofIfAsked = createMiddleware<{ Bindings: Env; Variables: EntryVariables }>(
  async (c, next) => {
    const header = c.req.header('x-entry-proof')
    c.set('entryProof', null)
    if (header !== undefined && c.get('entryPolicy').entryProofCost !== null) {
      const binding = { userId: c.get('userId'), concertId: c.get('concert').concertId }
      const checked = await checkEntryProof(c.env.AUTH_SECRET, header, binding)
      if (!checked.ok) throw new ApiError(checked.code, checked.message)
      c.set('entryProof', checked.value)
    }
    await next()
  },
)
