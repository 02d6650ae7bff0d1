import { asc } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ConcertSummaryView as CatalogEntry, SaleStateNameView } from '../schemas'
import { concerts } from './schema'

/** Lists the concert in the public catalog; its dates and seats live in its Durable Object. */
export async function insertConcert(db: D1Database, concert: CatalogEntry): Promise<void> {
  await drizzle(db)
    .insert(concerts)
    .values({
      id: concert.concertId,
      title: concert.title,
      venue: concert.venue ?? null,
      seatsPerDate: concert.seatsPerDate,
      createdAt: new Date().toISOString(),
      opensAt: concert.opensAt ?? null,
      preQueueOpensAt: concert.preQueueOpensAt ?? null,
    })
}

export async function listConcerts(db: D1Database): Promise<CatalogEntry[]> {
  const rows = await drizzle(db).select().from(concerts).orderBy(asc(concerts.createdAt), asc(concerts.id)).all()
  return rows.map((r) => ({
    concertId: r.id,
    title: r.title,
    ...(r.venue ? { venue: r.venue } : {}),
    seatsPerDate: r.seatsPerDate,
    ...(r.opensAt && r.preQueueOpensAt ? { opensAt: r.opensAt, preQueueOpensAt: r.preQueueOpensAt } : {}),
  }))
}

/**
 * A sale's state as the catalog's times tell it: SCHEDULED before `preQueueOpensAt`, PRE_QUEUE
 * until `opensAt`, OPEN after it and for a concert without a scheduled sale, as the concert
 * object says it (src/concert/pre-queue.ts). Whether an OPEN sale is SOLD_OUT only the object knows.
 */
export function saleStateByClock(
  entry: Pick<CatalogEntry, 'opensAt' | 'preQueueOpensAt'>,
  now: number,
): Exclude<SaleStateNameView, 'SOLD_OUT'> {
  if (!entry.opensAt || !entry.preQueueOpensAt || now >= Date.parse(entry.opensAt)) return 'OPEN'
  return now >= Date.parse(entry.preQueueOpensAt) ? 'PRE_QUEUE' : 'SCHEDULED'
}
