import { and, eq, gt, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { ApiError } from '../errors'
import { hmacHex, hmacKey } from '../auth/hmac'
import type { ProfileView } from '../schemas'
import { identities, phoneVerifications, users } from './schema'

// Verified identity (#30): a phone verifies one account. The phone and the codes are kept only
// as HMAC-SHA-256 under PHONE_HASH_KEY; the constraints of migrations/0005_identity.sql settle
// every race (one phone one account, at most 5 tries of a code), never a read before a write.

export const VERIFICATION_TTL_MS = 10 * 60_000
/** Codes sent to one phone per VERIFICATION_TTL_MS, over every account. */
export const CODES_PER_PHONE = 3
export const MAX_CODE_ATTEMPTS = 5

/** Lowercase hex HMAC-SHA-256 of `text`; a label in the text keeps a phone's hash from ever being a code's. */
const keyedHash = (secret: string | undefined, text: string) => hmacHex(hmacKey(secret, 'PHONE_HASH_KEY'), text)

export const phoneHash = (secret: string | undefined, phone: string) => keyedHash(secret, `phone:${phone}`)
const codeHash = (secret: string | undefined, verificationId: string, code: string) =>
  keyedHash(secret, `code:${verificationId}:${code}`)

/** Six digits, each of the 1,000,000 codes equally likely (rejection sampling, no modulo bias). */
export function randomCode(): string {
  const limit = 2 ** 32 - (2 ** 32 % 1_000_000)
  const word = new Uint32Array(1)
  do crypto.getRandomValues(word)
  while (word[0]! >= limit)
  return String(word[0]! % 1_000_000).padStart(6, '0')
}

export async function profileOf(db: D1Database, userId: string): Promise<ProfileView> {
  const row = await drizzle(db)
    .select({ name: users.name, phone: identities.phoneHash })
    .from(users)
    .leftJoin(identities, eq(identities.userId, users.id))
    .where(eq(users.id, userId))
    .get()
  if (!row) throw new ApiError('UNAUTHORIZED', 'The access token names a user that does not exist')
  return { userId, name: row.name, verified: row.phone !== null }
}

export async function isVerified(db: D1Database, userId: string): Promise<boolean> {
  const row = await drizzle(db)
    .select({ userId: identities.userId })
    .from(identities)
    .where(eq(identities.userId, userId))
    .get()
  return row !== undefined
}

export interface NewVerification {
  verificationId: string
  expiresAt: string
  code: string
}

/**
 * A code for this phone, counted against the phone's limit in the same statement that writes
 * it (an INSERT ... SELECT that inserts nothing once 3 were made in 10 minutes), so concurrent
 * requests cannot pass the limit together. A phone that verifies another account is refused.
 */
export async function startVerification(
  db: D1Database,
  secret: string | undefined,
  userId: string,
  phone: string,
): Promise<NewVerification> {
  const hash = await phoneHash(secret, phone)
  const owner = await drizzle(db)
    .select({ userId: identities.userId })
    .from(identities)
    .where(eq(identities.phoneHash, hash))
    .get()
  if (owner && owner.userId !== userId) throw new ApiError('IDENTITY_IN_USE')
  const now = Date.now()
  const createdAt = new Date(now).toISOString()
  const expiresAt = new Date(now + VERIFICATION_TTL_MS).toISOString()
  const windowStart = new Date(now - VERIFICATION_TTL_MS).toISOString()
  const verificationId = crypto.randomUUID()
  const code = randomCode()
  const inserted = await db
    .prepare(
      `INSERT INTO phone_verifications (id, user_id, phone_hash, code_hash, attempts, created_at, expires_at)
       SELECT ?1, ?2, ?3, ?4, 0, ?5, ?6
       WHERE (SELECT COUNT(*) FROM phone_verifications WHERE phone_hash = ?3 AND created_at > ?7) < ?8
       RETURNING id`,
    )
    .bind(
      verificationId,
      userId,
      hash,
      await codeHash(secret, verificationId, code),
      createdAt,
      expiresAt,
      windowStart,
      CODES_PER_PHONE,
    )
    .first<{ id: string }>()
  if (!inserted) {
    const oldest = await drizzle(db)
      .select({ createdAt: phoneVerifications.createdAt })
      .from(phoneVerifications)
      .where(and(eq(phoneVerifications.phoneHash, hash), gt(phoneVerifications.createdAt, windowStart)))
      .orderBy(phoneVerifications.createdAt)
      .get()
    const retryAfter = oldest ? Math.ceil((Date.parse(oldest.createdAt) + VERIFICATION_TTL_MS - now) / 1000) : 1
    throw new ApiError(
      'RATE_LIMITED',
      `At most ${CODES_PER_PHONE} codes are sent to one phone in 10 minutes; retry in ${retryAfter} s`,
      { 'Retry-After': String(Math.max(1, retryAfter)) },
    )
  }
  return { verificationId, expiresAt, code }
}

/** A verification whose code could not be sent: removed, so that nobody can confirm it (and it does not count against the phone). */
export async function withdrawVerification(db: D1Database, verificationId: string): Promise<void> {
  await drizzle(db).delete(phoneVerifications).where(eq(phoneVerifications.id, verificationId))
}

/**
 * Confirms a code. Each try is counted by one atomic UPDATE that matches only while fewer than 5
 * were made and the code has not expired, so parallel wrong codes can never be tried more than 5
 * times. The right code writes the account's phone in one batch with the verification's
 * confirmation; the UNIQUE phone_hash refuses a phone another account confirmed first.
 */
export async function confirmVerification(
  db: D1Database,
  secret: string | undefined,
  userId: string,
  verificationId: string,
  code: string,
): Promise<void> {
  const orm = drizzle(db)
  const row = await orm.select().from(phoneVerifications).where(eq(phoneVerifications.id, verificationId)).get()
  if (!row || row.userId !== userId) throw new ApiError('VERIFICATION_NOT_FOUND')
  const given = await codeHash(secret, verificationId, code)
  const now = new Date().toISOString()
  if (row.attempts >= MAX_CODE_ATTEMPTS) throw voided()
  if (row.expiresAt <= now) throw new ApiError('VERIFICATION_EXPIRED')
  if (row.confirmedAt !== null) {
    // Confirmed already (a retry whose answer was lost): guessing it gives nothing, so it is not counted.
    if (!sameHash(given, row.codeHash)) throw wrongCode(row.attempts)
    return
  }
  const counted = await orm
    .update(phoneVerifications)
    .set({ attempts: sql`${phoneVerifications.attempts} + 1` })
    .where(
      and(
        eq(phoneVerifications.id, verificationId),
        sql`${phoneVerifications.attempts} < ${MAX_CODE_ATTEMPTS}`,
        gt(phoneVerifications.expiresAt, now),
      ),
    )
    .returning({ attempts: phoneVerifications.attempts })
  const attempts = counted[0]?.attempts
  if (attempts === undefined) {
    // Another request used the last try, or the code expired in between.
    throw row.expiresAt <= new Date().toISOString() ? new ApiError('VERIFICATION_EXPIRED') : voided()
  }
  if (!sameHash(given, row.codeHash)) throw wrongCode(attempts)
  try {
    await orm.batch([
      orm
        .insert(identities)
        .values({ userId, phoneHash: row.phoneHash, verifiedAt: now })
        .onConflictDoUpdate({ target: identities.userId, set: { phoneHash: row.phoneHash, verifiedAt: now } }),
      orm.update(phoneVerifications).set({ confirmedAt: now }).where(eq(phoneVerifications.id, verificationId)),
    ])
  } catch (err) {
    // Which constraint refused is read from the state the rollback left.
    const owner = await orm
      .select({ userId: identities.userId })
      .from(identities)
      .where(eq(identities.phoneHash, row.phoneHash))
      .get()
    if (owner && owner.userId !== userId) throw new ApiError('IDENTITY_IN_USE')
    throw err
  }
}

function sameHash(a: string, b: string): boolean {
  const encoder = new TextEncoder()
  const [x, y] = [encoder.encode(a), encoder.encode(b)]
  return x.length === y.length && crypto.subtle.timingSafeEqual(x, y)
}

function wrongCode(attempts: number) {
  const left = MAX_CODE_ATTEMPTS - attempts
  return left > 0
    ? new ApiError('VERIFICATION_FAILED', `The code is not right; ${left} ${left === 1 ? 'try' : 'tries'} left`)
    : voided()
}

function voided() {
  return new ApiError(
    'VERIFICATION_FAILED',
    `The code was tried ${MAX_CODE_ATTEMPTS} times: this verification is void; ask for a new code`,
  )
}
