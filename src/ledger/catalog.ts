import { asc } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ConcertSummaryView as CatalogEntry } from '../schemas'
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
