import { CompactSign, compactVerify, type ProtectedHeaderParameters } from 'jose'
import { fail, ok, type Result } from '../errors/catalogue'
import type { CodeClaims } from '../concert/tickets/ticket-states'
import type { TicketKeys } from './signing-keys'

// A ticket's code at the gate (docs/tickets.md): a compact JWS, alg EdDSA (Ed25519) with the
// signing key's kid, of {tid, cid, date, seat, v, exp}. Short-lived, so a screenshot is worth
// little; public keys, so a gate can check a code offline. Checking the signature and expiry is
// pure and needs no store: the Worker does it before the concert object is asked anything.

/** A code lives this long: long enough for a phone to show it and a gate to read it, well under the contract's 60 s. */
export const CODE_TTL_SECONDS = 30
/** Our codes are about 280 characters; anything far longer is refused unread. */
const MAX_CODE_LENGTH = 1024
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface IssuedCode {
  code: string
  /** Epoch seconds: the payload's exp. */
  exp: number
}

/** A code for this version of the ticket, valid CODE_TTL_SECONDS from `now` (ms). */
export async function signCode(keys: TicketKeys, claims: CodeClaims, now = Date.now()): Promise<IssuedCode> {
  const exp = Math.floor(now / 1000) + CODE_TTL_SECONDS
  const payload = { tid: claims.tid, cid: claims.cid, date: claims.date, seat: claims.seat, v: claims.v, exp }
  const code = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.signing.kid })
    .sign(keys.signing.key)
  return { code, exp }
}

/**
 * The claims of a code we signed with a key we still list, or why not: CODE_INVALID for a
 * wrong form, signature, key or payload (a truncated or re-signed code among them),
 * CODE_EXPIRED once its exp has passed. Whether its ticket may go in is the concert object's.
 */
export async function verifyCode(keys: TicketKeys, code: string, now = Date.now()): Promise<Result<CodeClaims>> {
  if (code.length > MAX_CODE_LENGTH || !COMPACT_JWS.test(code)) return fail('CODE_INVALID')
  let payload: unknown
  try {
    const verified = await compactVerify(code, (header: ProtectedHeaderParameters) => keyOf(keys, header), {
      algorithms: ['EdDSA'],
    })
    payload = JSON.parse(new TextDecoder().decode(verified.payload))
  } catch {
    return fail('CODE_INVALID')
  }
  const claims = claimsOf(payload)
  if (!claims) return fail('CODE_INVALID')
  if (claims.exp * 1000 <= now)
    return fail('CODE_EXPIRED', `This code expired at ${new Date(claims.exp * 1000).toISOString()}`)
  return ok({ tid: claims.tid, cid: claims.cid, date: claims.date, seat: claims.seat, v: claims.v })
}

function keyOf(keys: TicketKeys, header: ProtectedHeaderParameters): CryptoKey {
  const key = header.kid === undefined ? undefined : keys.verifying.get(header.kid)
  if (!key) throw new Error('no such key')
  return key
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min

/** The payload, when it has exactly the shape we sign. */
function claimsOf(p: unknown): (CodeClaims & { exp: number }) | null {
  if (typeof p !== 'object' || p === null) return null
  const c = p as Record<string, unknown>
  if (typeof c.tid !== 'string' || !UUID.test(c.tid) || typeof c.cid !== 'string' || !UUID.test(c.cid)) return null
  if (typeof c.date !== 'string' || !DATE.test(c.date) || !isInt(c.seat, 1) || !isInt(c.v, 1) || !isInt(c.exp, 0))
    return null
  return { tid: c.tid, cid: c.cid, date: c.date, seat: c.seat, v: c.v, exp: c.exp }
}
