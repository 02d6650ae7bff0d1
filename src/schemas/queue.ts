import { z } from '@hono/zod-openapi'
import { Timestamp, Uuid } from './common'
import { TurnstileHeader } from './turnstile'

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

export const ProofChallenge = z
  .object({
    algorithm: z.literal('SHA-256'),
    challenge: z.string().openapi({ description: 'Lowercase hex SHA-256(salt + number) of the secret number' }),
    maxnumber: z.int().openapi({ description: "The policy's entryProofCost: the number is at most this" }),
    salt: z.string().openapi({ description: 'Random hex, then `?u=<userId>&c=<concertId>&expires=<unix seconds>&`' }),
    signature: z.string().openapi({ description: 'HMAC-SHA-256 of the challenge (ALTCHA v1)' }),
  })
  .openapi('ProofChallenge')

/** Any value is taken here: a malformed proof is 403 PROOF_INVALID (the right to enter before the request's form). */
export const EntryProofHeader = z.object({
  'x-entry-proof': z.string().optional().openapi({
    description:
      'While the policy has entryProofCost: base64 of the JSON solution {"algorithm","challenge","number","salt","signature"}',
  }),
})

/** The entry's headers: a Turnstile token where it is asked for, a proof of work where the policy asks for one. */
export const QueueEntryHeaders = TurnstileHeader.extend(EntryProofHeader.shape)
