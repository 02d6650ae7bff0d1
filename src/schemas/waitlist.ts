import { z } from '@hono/zod-openapi'
import { DateAvailability } from './catalog'
import { CalendarDate, MAX_ORDER_SEATS, SectionName, Timestamp, Uuid } from './common'
import { SectionList } from './seats'

// --- the waitlist for returned seats ---

export const WaitlistJoinBody = z
  .object({
    date: CalendarDate,
    section: SectionName.optional().openapi({ description: 'Seats of this section only; any section when absent' }),
    seats: z.int().min(1).max(MAX_ORDER_SEATS).openapi({
      description: "1 to the policy's maxSeatsPerOrder (more: 400 VALIDATION_FAILED naming seats)",
      example: 2,
    }),
    autoPay: z
      .boolean()
      .default(false)
      .openapi({ description: 'Pay an offer from the balance at once, when it covers the price' }),
  })
  .openapi('WaitlistJoin')

export const WaitlistEntry = z
  .object({
    waitlistId: Uuid,
    concertId: Uuid,
    date: CalendarDate,
    section: SectionName.optional().openapi({ description: 'Absent: seats of any section of the date' }),
    seats: z.int().min(1),
    autoPay: z.boolean(),
    status: z.enum(['WAITING', 'OFFERED', 'FULFILLED', 'EXPIRED', 'CANCELLED']).openapi({
      description:
        'WAITING → OFFERED (seats HELD for you until expiresAt: pay reservationId with POST /api/payments, Bearer alone) → FULFILLED (paid) or EXPIRED; WAITING or OFFERED → CANCELLED (left)',
    }),
    position: z.int().min(1).optional().openapi({
      description: 'While WAITING: 1 + the WAITING entries ahead of it for the same date and section',
    }),
    reservationId: Uuid.optional().openapi({ description: "Once offered: the offer's order" }),
    expiresAt: Timestamp.optional().openapi({ description: 'Once offered: when the offer runs out unless paid' }),
    paymentId: Uuid.optional().openapi({ description: 'Once FULFILLED' }),
    createdAt: Timestamp.openapi({ description: 'When the entry was made (its place in join order)' }),
  })
  .openapi('WaitlistEntry')

export const WaitlistEntryList = z.object({ entries: z.array(WaitlistEntry) }).openapi('WaitlistEntryList')

export const WaitlistIdParam = z.object({
  waitlistId: Uuid.openapi({ param: { name: 'waitlistId', in: 'path' } }),
})

/** The operators' view (GET /api/admin/concerts/{id}/queue): what QueueStats carries of the waitlist. */
export const waitlistStatsFields = {
  waitlisted: z.int().openapi({ description: 'Waitlist entries WAITING or OFFERED now' }),
  waitlist: z
    .array(
      z.object({
        date: CalendarDate,
        section: SectionName.optional().openapi({ description: 'Absent: entries for any section of the date' }),
        waiting: z.int(),
        offered: z.int(),
        fulfilled: z.int(),
      }),
    )
    .openapi({ description: 'Entries per date and section asked, in order of date then section (docs/api.md)' }),
}

/** `GET /api/concerts/{concertId}/waitlist/options`: what a fan may join, sold out or not (the catalog lists bookable dates only). */
export const WaitlistOptions = z
  .object({
    concertId: Uuid,
    maxSeatsPerOrder: z.int().min(1).openapi({ description: "The policy's bound on an entry's seats" }),
    waitlistOfferSeconds: z.int().min(1).openapi({ description: 'How long an offer is held for its user' }),
    dates: z
      .array(
        DateAvailability.pick({ date: true, startsAt: true, availableSeats: true }).extend({
          sections: SectionList.shape.sections,
        }),
      )
      .openapi({
        description:
          'Every date not started yet, sold out or not, in date order, with its sections ("General" for a concert without sections). A date (or section) with availableSeats 0 may be joined; one with seats is on sale.',
      }),
  })
  .openapi('WaitlistOptions')
