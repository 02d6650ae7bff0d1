import { z } from '@hono/zod-openapi'

// Shapes every area of the contract (../../shared/API.md) uses.

/** `seatsPerDate` (one price, no sections) as the first contract had it. */
export const MAX_SEATS_PER_DATE = 50
/** A date's seats over all its sections: a large arena. */
export const MAX_VENUE_SEATS = 50_000
/** The most seats `maxSeatsPerOrder` may allow. */
export const MAX_ORDER_SEATS = 20
export const MAX_CHARGE = 10_000_000
export const MAX_PRICE = 10_000_000
/** Every body in the contract is a few hundred bytes; admin concert creation is the largest. */
export const MAX_BODY_BYTES = 64 * 1024

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string().openapi({ example: 'amount: Too big: expected number to be <=10000000' }),
    }),
  })
  .openapi('Error')

export const Uuid = z.uuid()

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const CalendarDate = z.iso
  .date({ error: 'expected a calendar date as YYYY-MM-DD' })
  .openapi({ example: '2026-12-24' })

export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-24T10:00:00.000Z' })

export const SeatNumber = z.int().min(1).max(MAX_VENUE_SEATS).openapi({ example: 7 })
export const Money = z.int().min(0).openapi({ description: 'Integer KRW', example: 150000 })
export const SectionName = z.string().trim().min(1).max(40).openapi({ example: 'VIP' })
export const SeatNumbers = z.array(SeatNumber).openapi({ description: 'The seats of one order', example: [7, 8] })

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Makes a retry apply once and replay the first response' }),
})
