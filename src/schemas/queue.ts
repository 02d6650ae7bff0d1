import { z } from '@hono/zod-openapi'
import { Timestamp, Uuid } from './common'

// --- queue ---

export const QueueStatus = z
  .object({
    token: z.string(),
    userId: Uuid,
    concertId: Uuid,
    status: z.enum(['PRE_QUEUE', 'WAITING', 'ACTIVE', 'SOLD_OUT']).openapi({
      description:
        'PRE_QUEUE until the draw at opensAt; SOLD_OUT is final: every seat is sold and the token serves nothing else',
    }),
    entryId: Uuid.optional().openapi({
      description: 'The public name of a pre-queue entry, as listed in the draw (GET .../sale/draw)',
    }),
    opensAt: Timestamp.optional().openapi({ description: 'While PRE_QUEUE: when the order is drawn' }),
    position: z.int().min(0).nullable().openapi({
      description: '1 for the next user to be admitted, 0 once ACTIVE, null in the pre-queue (no order yet)',
    }),
    estimatedWaitSeconds: z
      .int()
      .min(0)
      .openapi({ description: 'In the pre-queue: the seconds until the draw, the least there is to wait' }),
    activeUntil: Timestamp.nullable().openapi({ description: 'When an ACTIVE admission ends; null while WAITING' }),
    pollAfterSeconds: z.int().min(1),
    seatsLeft: z.int().min(0).openapi({ description: "Seats AVAILABLE over the concert's bookable dates" }),
  })
  .openapi('QueueStatus')

export const QueueSocketQuery = z.object({
  token: z
    .string()
    .min(1)
    .max(2048)
    .openapi({ param: { name: 'token', in: 'query' }, description: 'The queue token' }),
})
