import { z } from '@hono/zod-openapi'
import { CalendarDate, Timestamp, Uuid } from './common'

// --- catalog ---

export const ConcertIdParam = z.object({
  concertId: Uuid.openapi({ param: { name: 'concertId', in: 'path' } }),
})

export const ConcertSummary = z
  .object({
    concertId: Uuid,
    title: z.string(),
    venue: z.string().optional(),
    seatsPerDate: z.int(),
    opensAt: Timestamp.optional().openapi({
      description: 'When the sale opens and the pre-queue is drawn (concerts with a scheduled sale)',
    }),
    preQueueOpensAt: Timestamp.optional().openapi({ description: 'From when fans may join the pre-queue' }),
  })
  .openapi('ConcertSummary')

export const ConcertList = z.object({ concerts: z.array(ConcertSummary) }).openapi('ConcertList')

export const DateAvailability = z
  .object({
    date: CalendarDate,
    startsAt: Timestamp,
    availableSeats: z.int(),
    totalSeats: z.int(),
  })
  .openapi('DateAvailability')

export const DateList = z.object({ concertId: Uuid, dates: z.array(DateAvailability) }).openapi('DateList')

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

export const SaleState = z
  .object({
    concertId: Uuid,
    opensAt: Timestamp.optional(),
    preQueueOpensAt: Timestamp.optional(),
    state: z.enum(['SCHEDULED', 'PRE_QUEUE', 'OPEN', 'SOLD_OUT']).openapi({
      description:
        'SCHEDULED: before the pre-queue opens; PRE_QUEUE: fans may join, the order is drawn at opensAt; OPEN: on sale; SOLD_OUT: every seat is sold, no new entries',
    }),
    seedCommitment: Sha256Hex.optional().openapi({
      description: 'Lowercase hex SHA-256 of the 32 bytes of the secret seed, fixed at creation',
    }),
    seed: Sha256Hex.optional().openapi({
      description: 'The seed (64 lowercase hex characters), once the draw is made',
    }),
    drawnEntries: z.int().min(0).optional().openapi({ description: 'How many pre-queue entries were drawn' }),
  })
  .openapi('SaleState')

export const SaleDraw = z
  .object({
    seed: Sha256Hex,
    entries: z.array(Uuid).openapi({
      description: 'Entry ids in drawn order: sorted by lowercase hex SHA-256 of `seed + ":" + entryId`, ascending',
    }),
  })
  .openapi('SaleDraw')
