import { z } from '@hono/zod-openapi'
import { Timestamp, Uuid } from './common'

// --- the sale events the data platform did not take (docs/events.md, "Dead letters") ---

export const UndeliveredEvent = z
  .object({
    eventId: Uuid,
    type: z.string().openapi({ example: 'seat.paid' }),
    concertId: z.string(),
    attempts: z.int().openapi({ description: 'Deliveries tried before it was given up (1 + max_retries)' }),
    failedAt: Timestamp.openapi({ description: 'When the dead-letter queue kept it' }),
    event: z
      .looseObject({ eventId: Uuid, type: z.string(), concertId: z.string(), at: Timestamp })
      .openapi({ description: 'The event as the data platform is sent it (docs/events.md)' }),
  })
  .openapi('UndeliveredEvent')

export const UndeliveredEventList = z
  .object({
    count: z.int().openapi({ description: 'Every event kept, whether listed or not' }),
    events: z.array(UndeliveredEvent).openapi({ description: 'The oldest 100, by failedAt then eventId' }),
  })
  .openapi('UndeliveredEventList')

export const Redriven = z
  .object({
    requeued: z.int().openapi({
      description:
        'Events this call sent again to the sale-events queue (all those kept when it began); two redrives at once may both send one, which the platform drops by its eventId',
    }),
  })
  .openapi('Redriven')
