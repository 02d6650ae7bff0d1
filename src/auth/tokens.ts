import { sign, verify } from 'hono/jwt'

// Both credentials are HS256 JWTs signed with AUTH_SECRET. `typ` keeps one kind from being
// presented as the other; a random `jti` makes every queue token unguessable and distinct.

const ACCESS_TOKEN_TTL_SECONDS = 24 * 60 * 60
const QUEUE_TOKEN_TTL_SECONDS = 24 * 60 * 60

const nowSeconds = () => Math.floor(Date.now() / 1000)

export function signAccessToken(userId: string, secret: string): Promise<string> {
  return sign({ typ: 'access', sub: userId, exp: nowSeconds() + ACCESS_TOKEN_TTL_SECONDS }, secret, 'HS256')
}

/** The user id of a valid access token, or null for anything forged, expired or malformed. */
export async function verifyAccessToken(token: string, secret: string): Promise<string | null> {
  try {
    const payload = await verify(token, secret, 'HS256')
    return payload.typ === 'access' && typeof payload.sub === 'string' ? payload.sub : null
  } catch {
    return null
  }
}

export interface QueueTokenClaims {
  userId: string
  concertId: string
}

export function signQueueToken(claims: QueueTokenClaims, secret: string): Promise<string> {
  return sign(
    {
      typ: 'queue',
      sub: claims.userId,
      cid: claims.concertId,
      jti: crypto.randomUUID(),
      exp: nowSeconds() + QUEUE_TOKEN_TTL_SECONDS,
    },
    secret,
    'HS256',
  )
}

/**
 * The claims of a genuine queue token. Whether the place is still live is the concert
 * object's to say; this only rejects what we never issued.
 */
export async function verifyQueueToken(token: string, secret: string): Promise<QueueTokenClaims | null> {
  try {
    const payload = await verify(token, secret, 'HS256')
    if (payload.typ !== 'queue' || typeof payload.sub !== 'string' || typeof payload.cid !== 'string') return null
    return { userId: payload.sub, concertId: payload.cid }
  } catch {
    return null
  }
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
