import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { SaleEvent } from '../events/sale-event'
import { waitlistEntries } from './schema'

export type WaitlistEntryRow = typeof waitlistEntries.$inferSelect

/** An entry the concert object took; written again (from its event) changes nothing. */
const insertEntry = (db: D1Database, row: WaitlistEntryRow) =>
  drizzle(db).insert(waitlistEntries).values(row).onConflictDoNothing()

export async function recordWaitlistEntry(db: D1Database, row: WaitlistEntryRow): Promise<void> {
  await insertEntry(db, row)
}

/** The concerts in which the user has made waitlist entries. */
export async function waitlistConcertsOf(db: D1Database, userId: string): Promise<string[]> {
  const rows = await drizzle(db)
    .selectDistinct({ concertId: waitlistEntries.concertId })
    .from(waitlistEntries)
    .where(eq(waitlistEntries.userId, userId))
    .all()
  return rows.map((r) => r.concertId)
}

export function findWaitlistEntry(db: D1Database, waitlistId: string): Promise<WaitlistEntryRow | undefined> {
  return drizzle(db).select().from(waitlistEntries).where(eq(waitlistEntries.waitlistId, waitlistId)).get()
}

/** The entry whose offer has this order id: an offer, whichever state it is in. */
export function findOffer(db: D1Database, reservationId: string): Promise<WaitlistEntryRow | undefined> {
  return drizzle(db).select().from(waitlistEntries).where(eq(waitlistEntries.reservationId, reservationId)).get()
}

/** The index's repair from the object's events: an entry whose route died before writing it (idempotent). */
export async function applyWaitlistEvents(db: D1Database, events: readonly SaleEvent[]): Promise<void> {
  const writes = events.flatMap((e) =>
    e.type === 'waitlist.joined' && e.waitlistId && e.userId && e.reservationId
      ? [
          insertEntry(db, {
            waitlistId: e.waitlistId,
            userId: e.userId,
            concertId: e.concertId,
            reservationId: e.reservationId,
            createdAt: e.at,
          }),
        ]
      : [],
  )
  const [first, ...rest] = writes
  if (first) await drizzle(db).batch([first, ...rest])
}
