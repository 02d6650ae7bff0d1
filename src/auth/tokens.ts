import { sign, verify } from 'hono/jwt'
import { hmacKey as hmacKeyOf } from './hmac'

// The credentials are HS256 JWTs signed with AUTH_SECRET (unguessable without it): access,
// queue and scanner tokens. `typ` keeps one kind from being presented as another.

const ACCESS_TOKEN_TTL_SECONDS = 24 * 60 * 60

const nowSeconds = () => Math.floor(Date.now() / 1000)
/** Our tokens are a few hundred characters; anything far longer is refused unread. */
const MAX_TOKEN_LENGTH = 2048

const hmacKey = (secret: string) => hmacKeyOf(secret, 'AUTH_SECRET')

type Payload = Awaited<ReturnType<typeof verify>>

/**
 * Tokens this isolate signed or has already verified, per secret, with their payloads. A
 * waiting user polls with the same token every few seconds, and checking its signature every
 * time was the largest cost of a poll left (docs/benchmarks.md). Bounded: the oldest are
 * dropped first.
 */
const known = new Map<string, Map<string, Payload>>()
const MAX_KNOWN_PER_SECRET = 20_000

function knownTokens(secret: string): Map<string, Payload> {
  let tokens = known.get(secret)
  if (!tokens) known.set(secret, (tokens = new Map<string, Payload>()))
  return tokens
}

function remember(secret: string, token: string, payload: Payload) {
  const tokens = knownTokens(secret)
  if (tokens.size >= MAX_KNOWN_PER_SECRET) tokens.delete(tokens.keys().next().value!)
  tokens.set(token, payload)
}

/** Signs the payload, and remembers the token: this isolate made it, so it is genuine. */
async function signed(payload: Payload, secret: string): Promise<string> {
  const token = await sign(payload, await hmacKey(secret), 'HS256')
  remember(secret, token, payload)
  return token
}

/** The payload of a token we signed and that has not expired, or null. */
async function verifiedPayload(token: string, secret: string) {
  if (token.length > MAX_TOKEN_LENGTH) return null
  const tokens = knownTokens(secret)
  const payload = tokens.get(token)
  if (payload) {
    if (typeof payload.exp !== 'number' || payload.exp > nowSeconds()) return payload
    tokens.delete(token)
    return null
  }
  try {
    const verified = await verify(token, await hmacKey(secret), 'HS256')
    remember(secret, token, verified)
    return verified
  } catch {
    return null
  }
}

export async function signAccessToken(userId: string, secret: string): Promise<string> {
  return signed({ typ: 'access', sub: userId, exp: nowSeconds() + ACCESS_TOKEN_TTL_SECONDS }, secret)
}

/** The user id of a valid access token, or null for anything forged, expired or malformed. */
export async function verifyAccessToken(token: string, secret: string): Promise<string | null> {
  const payload = await verifiedPayload(token, secret)
  return payload?.typ === 'access' && typeof payload.sub === 'string' ? payload.sub : null
}

export interface QueueTokenClaims {
  userId: string
  concertId: string
  /** The place in line the concert object gave this user; 0 when the token names a pre-queue entry. */
  arrival: number
  /** A pre-queue entry: its place is the draw's to give, so the token names the entry, before and after the draw. */
  entryId?: string
}

/**
 * A queue token is the signed place in line, or the signed pre-queue entry. Deterministic, so
 * asking again returns the same token without the object storing it, and any Worker can read
 * the place from it without a round trip. Whether the place is still live is the concert
 * object's to say.
 */
export async function signQueueToken(claims: QueueTokenClaims, secret: string): Promise<string> {
  const place = claims.entryId !== undefined ? { eid: claims.entryId } : { arr: claims.arrival }
  return signed({ typ: 'queue', sub: claims.userId, cid: claims.concertId, ...place }, secret)
}

/** The claims of a genuine queue token, or null for anything we never issued. */
export async function verifyQueueToken(token: string, secret: string): Promise<QueueTokenClaims | null> {
  const payload = await verifiedPayload(token, secret)
  if (payload?.typ !== 'queue' || typeof payload.sub !== 'string' || typeof payload.cid !== 'string') return null
  if (typeof payload.eid === 'string')
    return { userId: payload.sub, concertId: payload.cid, arrival: 0, entryId: payload.eid }
  if (typeof payload.arr !== 'number' || !Number.isSafeInteger(payload.arr) || payload.arr < 1) return null
  return { userId: payload.sub, concertId: payload.cid, arrival: payload.arr }
}

/** A scanner at the gate (POST /api/admin/concerts/{concertId}/scanners): it checks in this concert's tickets, of one date when given. */
export interface ScannerClaims {
  scannerId: string
  concertId: string
  date?: string
}

/**
 * A scanner's token: its own `typ`, so it is refused wherever an access or a queue token is
 * asked for (401), and those are refused at the gate (403). No expiry: a gate device works
 * through the show; the concert object checks at each check-in that it knows the scanner.
 */
export async function signScannerToken(claims: ScannerClaims, secret: string): Promise<string> {
  const date = claims.date === undefined ? {} : { date: claims.date }
  return signed({ typ: 'scanner', sub: claims.scannerId, cid: claims.concertId, ...date }, secret)
}

export async function verifyScannerToken(token: string, secret: string): Promise<ScannerClaims | null> {
  const payload = await verifiedPayload(token, secret)
  if (payload?.typ !== 'scanner' || typeof payload.sub !== 'string' || typeof payload.cid !== 'string') return null
  return {
    scannerId: payload.sub,
    concertId: payload.cid,
    ...(typeof payload.date === 'string' ? { date: payload.date } : {}),
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
