import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { ApiError } from '../errors'
import type { BalanceView } from '../schemas'
import { charges, users } from './schema'

/** The cap the users.balance CHECK enforces (1,000,000,000 KRW). */
export const MAX_BALANCE = 1_000_000_000

export async function createUser(db: D1Database, name: string | undefined): Promise<string> {
  const id = crypto.randomUUID()
  await drizzle(db)
    .insert(users)
    .values({ id, name: name ?? null, createdAt: new Date().toISOString() })
  return id
}

export async function getBalance(db: D1Database, userId: string): Promise<BalanceView> {
  const row = await drizzle(db).select({ balance: users.balance }).from(users).where(eq(users.id, userId)).get()
  if (!row) throw unknownUser()
  return { userId, balance: row.balance }
}

/**
 * Adds `amount` in one D1 batch (one transaction): the charge row, the atomic increment and
 * the balance it produced. A repeated Idempotency-Key hits the unique index, rolls the whole
 * batch back, and the first result is replayed.
 */
export async function charge(
  db: D1Database,
  userId: string,
  amount: number,
  idempotencyKey?: string,
): Promise<BalanceView> {
  const orm = drizzle(db)
  if (idempotencyKey) {
    const earlier = await findCharge(db, userId, idempotencyKey)
    if (earlier) return replayCharge(earlier, userId, amount)
  }
  const id = crypto.randomUUID()
  try {
    const [, updated] = await orm.batch([
      orm
        .insert(charges)
        .values({ id, userId, amount, idempotencyKey: idempotencyKey ?? null, createdAt: new Date().toISOString() }),
      orm
        .update(users)
        .set({ balance: sql`${users.balance} + ${amount}` })
        .where(eq(users.id, userId))
        .returning({ balance: users.balance }),
      orm
        .update(charges)
        .set({ balanceAfter: sql`(select ${users.balance} from ${users} where ${users.id} = ${userId})` })
        .where(eq(charges.id, id)),
    ])
    const balance = updated[0]?.balance
    if (balance === undefined) throw unknownUser()
    return { userId, balance }
  } catch (err) {
    if (err instanceof ApiError) throw err
    // Work out which constraint refused the batch from the state it left, not the message.
    if (idempotencyKey) {
      const earlier = await findCharge(db, userId, idempotencyKey)
      if (earlier) return replayCharge(earlier, userId, amount)
    }
    const { balance } = await getBalance(db, userId)
    if (balance + amount > MAX_BALANCE) {
      throw new ApiError('BALANCE_LIMIT_EXCEEDED', `A balance cannot exceed ${MAX_BALANCE} KRW; it is ${balance}`)
    }
    throw err
  }
}

function findCharge(db: D1Database, userId: string, idempotencyKey: string) {
  return drizzle(db)
    .select()
    .from(charges)
    .where(and(eq(charges.userId, userId), eq(charges.idempotencyKey, idempotencyKey)))
    .get()
}

function replayCharge(earlier: typeof charges.$inferSelect, userId: string, amount: number): BalanceView {
  if (earlier.amount !== amount) {
    throw new ApiError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a charge of another amount')
  }
  return { userId, balance: earlier.balanceAfter ?? 0 }
}

function unknownUser() {
  return new ApiError('UNAUTHORIZED', 'The access token names a user that does not exist')
}
