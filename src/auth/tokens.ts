import { sign, verify } from 'hono/jwt'

// Both credentials are HS256 JWTs signed with AUTH_SECRET (unguessable without it). `typ`
// keeps one kind from being presented as the other.

const ACCESS_TOKEN_TTL_SECONDS = 24 * 60 * 60

const nowSeconds = () => Math.floor(Date.now() / 1000)
/** Our tokens are a few hundred characters; anything far longer is refused unread. */
const MAX_TOKEN_LENGTH = 2048

/**
 * The imported HMAC key, once per secret per isolate: importing it on every request was the
 * largest single cost of a status poll (docs/benchmarks.md).
 */
const keys = new Map<string, Promise<CryptoKey>>()
/** 32 characters: at least 128 bits even for a secret of hex digits. */
const MIN_SECRET_LENGTH = 32
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    if (secret.length < MIN_SECRET_LENGTH) {
      return Promise.reject(new Error(`AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters`))
    }
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    keys.set(secret, key)
  }
  return key
}

export async function signAccessToken(userId: string, secret: string): Promise<string> {
  return sign({ typ: 'access', sub: userId, exp: nowSeconds() + ACCESS_TOKEN_TTL_SECONDS }, await hmacKey(secret), 'HS256')
}

type Payload = Awaited<ReturnType<typeof verify>>

/**
 * Tokens this isolate has already verified, per secret, with their payloads. A waiting user
 * polls with the same token every few seconds, and checking its signature every time was the
 * largest cost of a poll left (docs/benchmarks.md). Bounded: the oldest are dropped first.
 */
const verified = new Map<string, Map<string, Payload>>()
const MAX_VERIFIED_PER_SECRET = 20_000

/** The payload of a token we signed and that has not expired, or null. */
async function verifiedPayload(token: string, secret: string) {
  if (token.length > MAX_TOKEN_LENGTH) return null
  let seen = verified.get(secret)
  if (!seen) verified.set(secret, (seen = new Map()))
  const known = seen.get(token)
  if (known) {
    if (typeof known.exp !== 'number' || known.exp > nowSeconds()) return known
    seen.delete(token)
    return null
  }
  try {
    const payload = await verify(token, await hmacKey(secret), 'HS256')
    if (seen.size >= MAX_VERIFIED_PER_SECRET) seen.delete(seen.keys().next().value!)
    seen.set(token, payload)
    return payload
  } catch {
    return null
  }
}

/** The user id of a valid access token, or null for anything forged, expired or malformed. */
export async function verifyAccessToken(token: string, secret: string): Promise<string | null> {
  const payload = await verifiedPayload(token, secret)
  return payload?.typ === 'access' && typeof payload.sub === 'string' ? payload.sub : null
}

export interface QueueTokenClaims {
  userId: string
  concertId: string
  /** The place in line the concert object gave this user. */
  arrival: number
}

/**
 * A queue token is the signed place in line. Deterministic, so asking again returns the same
 * token without the object storing it, and any Worker can read the place from it without a
 * round trip. Whether the place is still live is the concert object's to say.
 */
export async function signQueueToken(claims: QueueTokenClaims, secret: string): Promise<string> {
  return sign({ typ: 'queue', sub: claims.userId, cid: claims.concertId, arr: claims.arrival }, await hmacKey(secret), 'HS256')
}

/** The claims of a genuine queue token, or null for anything we never issued. */
export async function verifyQueueToken(token: string, secret: string): Promise<QueueTokenClaims | null> {
  const payload = await verifiedPayload(token, secret)
  if (payload?.typ !== 'queue' || typeof payload.sub !== 'string' || typeof payload.cid !== 'string') return null
  if (typeof payload.arr !== 'number' || !Number.isSafeInteger(payload.arr) || payload.arr < 1) return null
  return { userId: payload.sub, concertId: payload.cid, arrival: payload.arr }
}

/** Constant-time comparison of two secrets of any length. */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder()
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ])
  return crypto.subtle.timingSafeEqual(da, db)
}
