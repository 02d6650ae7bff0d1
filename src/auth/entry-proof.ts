import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1'
import { z } from '@hono/zod-openapi'
import { fail, ok, type Result } from '../errors'
import type { EntryProof } from '../shared/rpc'
import { hmacHex, hmacKey } from './hmac'

/**
 * Proof of work at the entry (docs/api.md): ALTCHA v1 challenges made and solutions checked
 * with altcha-lib. The salt carries its expiry and the user and concert it was made for, so a
 * solution proves work for this entry alone; the object remembers which were used (used-proofs.ts).
 */

/** A challenge may be solved and used for this long after it is made. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000
/** A base64 solution is about 400 characters; anything far longer is refused unread. */
const MAX_PROOF_LENGTH = 2048
/** The HMAC key is derived from AUTH_SECRET under its own label, so it signs nothing else and needs no secret of its own. */
const KEY_LABEL = 'concert-tickets/entry-proof/v1'

const keys = new Map<string, Promise<string>>()
const proofKey = (secret: string): Promise<string> => {
  let key = keys.get(secret)
  if (!key) keys.set(secret, (key = hmacHex(hmacKey(secret, 'AUTH_SECRET'), KEY_LABEL)))
  return key
}

export interface EntryChallenge {
  algorithm: 'SHA-256'
  challenge: string
  maxnumber: number
  salt: string
  signature: string
}

/** A challenge for this user's entry to this concert: `cost` is its maxnumber (the policy's entryProofCost). */
export async function entryChallenge(
  secret: string,
  binding: { userId: string; concertId: string },
  cost: number,
  now = Date.now(),
): Promise<EntryChallenge> {
  const { challenge, salt, signature } = await createChallenge({
    algorithm: 'SHA-256',
    hmacKey: await proofKey(secret),
    maxnumber: cost,
    expires: new Date(now + CHALLENGE_TTL_MS),
    params: { u: binding.userId, c: binding.concertId },
  })
  return { algorithm: 'SHA-256', challenge, maxnumber: cost, salt, signature }
}

/** The JSON a solution decodes to; anything else is not a solution (altcha-lib would guess a number for a missing one). */
const Solution = z.strictObject({
  algorithm: z.literal('SHA-256'),
  challenge: z.string().regex(/^[0-9a-f]{64}$/),
  number: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  salt: z.string().max(512),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
})

/** The solution's JSON, or null when the header is not base64 of such JSON. */
export function decodeProof(header: string): z.infer<typeof Solution> | null {
  if (header.length > MAX_PROOF_LENGTH) return null
  try {
    const parsed = Solution.safeParse(JSON.parse(atob(header.trim())))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Checks an X-Entry-Proof header without the object: the solution, the signature, the expiry
 * (altcha-lib's verifySolution) and that the salt names this user and concert. A valid proof
 * is named by its challenge (unique: a random salt per challenge) for the object to spend.
 */
export async function checkEntryProof(
  secret: string,
  header: string,
  binding: { userId: string; concertId: string },
  now = Date.now(),
): Promise<Result<EntryProof>> {
  const solution = decodeProof(header)
  if (!solution) return fail('PROOF_INVALID')
  const params = extractParams(solution)
  const expiresAt = Number(params.expires) * 1000
  if (params.u !== binding.userId || params.c !== binding.concertId || !(expiresAt > now)) return fail('PROOF_INVALID')
  if (!(await verifySolution(solution, await proofKey(secret), true))) return fail('PROOF_INVALID')
  return ok({ id: solution.challenge, expiresAt })
}
