import { z } from '@hono/zod-openapi'
import { ConcertSummary, SaleStateName, Sha256Hex } from './catalog'
import {
  CalendarDate,
  MAX_ORDER_SEATS,
  MAX_PRICE,
  MAX_SEATS_PER_DATE,
  MAX_VENUE_SEATS,
  Money,
  SectionName,
  Timestamp,
  Uuid,
} from './common'
import { waitlistStatsFields } from './waitlist'

// --- operators ---

const policyFields = {
  maxActiveUsers: z.int().min(1).max(100_000).openapi({ description: 'At most this many users ACTIVE at once' }),
  activeTtlSeconds: z
    .int()
    .min(1)
    .max(86_400)
    .openapi({ description: 'An ACTIVE user who does not finish is expired after this' }),
  holdTtlSeconds: z.int().min(1).max(3_600).openapi({ description: 'Seat hold length' }),
  maxHoldsPerUser: z
    .int()
    .min(1)
    .max(10)
    .openapi({ description: 'Holds (orders of one or several seats) one user may have at once' }),
  maxSeatsPerOrder: z.int().min(1).max(MAX_ORDER_SEATS).openapi({ description: 'Seats in one order (default 4)' }),
  maxTicketsPerUser: z.int().min(1).max(100).openapi({
    description:
      'Seats one user may have held and bought for this concert, all dates together (default 4); past it 409 TICKET_LIMIT_REACHED',
  }),
  admitPerMinute: z.int().min(1).max(1_000_000).nullable().openapi({
    description: 'Optional cap on admissions in any rolling minute, on top of maxActiveUsers; null for none',
  }),
  idleTimeoutSeconds: z
    .int()
    .min(1)
    .max(86_400)
    .openapi({ description: 'A WAITING user who neither polls nor holds a socket this long leaves the queue' }),
  paused: z.boolean().openapi({ description: 'While true nobody is admitted; waiting users keep their places' }),
  maxWaitingUsers: z.int().min(1).max(10_000_000).nullable().openapi({
    description:
      'Optional cap on users WAITING: new entries past it get 409 QUEUE_FULL (a user with a place keeps it); null for none',
  }),
  requireVerifiedIdentity: z.boolean().openapi({
    description:
      'While true an account without a verified phone cannot enter the queue or join the waitlist: 403 VERIFICATION_REQUIRED',
  }),
  waitlistOfferSeconds: z.int().min(1).max(86_400).openapi({
    description: "How long a waitlist offer holds its seats for the entry's user (default 600)",
  }),
  entryProofCost: z.int().min(1_000).max(50_000_000).nullable().openapi({
    description:
      'Proof of work at the entry: the ALTCHA maxnumber of GET .../queue/challenge; an entry then needs X-Entry-Proof. Null: off',
  }),
}

export const QueuePolicySchema = z.object(policyFields).openapi('QueuePolicy')

/** Unknown fields are refused so an operator never believes a misspelt setting took effect. */
export const QueuePolicyUpdate = z
  .strictObject(policyFields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'give at least one policy field')
  .openapi('QueuePolicyUpdate')

export const ConcertDateInput = z.object({
  date: CalendarDate,
  startsAt: Timestamp.optional().openapi({ description: 'Defaults to 19:00 KST (10:00 UTC) on the date' }),
  price: z.int().min(1).max(MAX_PRICE).optional().openapi({
    description:
      'The price of every seat of a concert without sections (required then); a concert with sections is priced by them',
  }),
})

export const SectionInput = z.strictObject({
  name: SectionName,
  price: z.int().min(1).max(MAX_PRICE),
  seats: z.int().min(1).max(MAX_VENUE_SEATS),
})

/** A rule of the refund schedule: from this many days before the show, this fee. */
export const RefundRule = z.strictObject({
  fromDaysBefore: z.int().min(0).max(3_650),
  feePercent: z.int().min(0).max(100),
})

export const RefundPolicy = z.array(RefundRule).min(1).max(20).openapi('RefundPolicy', {
  description:
    'The first rule whose fromDaysBefore is at most the whole days left before the show applies; when none does, refunds are closed (409 REFUND_CLOSED)',
})

/** The pre-queue opens this long before the sale unless the operator says otherwise. */
export const DEFAULT_PRE_QUEUE_MS = 30 * 60_000

export const SaleSchedule = z
  .strictObject({
    opensAt: Timestamp.refine((t) => Date.parse(t) > Date.now(), 'must be in the future').openapi({
      description: 'When the sale opens: the pre-queue is drawn then',
    }),
    preQueueOpensAt: Timestamp.optional().openapi({
      description: 'Defaults to 30 minutes before opensAt; may be past (the pre-queue is then open from creation)',
    }),
  })
  .refine((s) => s.preQueueOpensAt === undefined || Date.parse(s.preQueueOpensAt) <= Date.parse(s.opensAt), {
    path: ['preQueueOpensAt'],
    message: 'must not be after opensAt',
  })
  .openapi('SaleSchedule')

export const CreateConcertBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    venue: z.string().trim().min(1).max(200).optional(),
    dates: z
      .array(ConcertDateInput)
      .min(1)
      .max(366)
      .refine((ds) => new Set(ds.map((d) => d.date)).size === ds.length, 'one show per date: a date appears twice'),
    seatsPerDate: z
      .int()
      .min(1)
      .max(MAX_SEATS_PER_DATE)
      .optional()
      .openapi({ description: 'Seats of one price on each date (default 50); not with sections' }),
    sections: z
      .array(SectionInput)
      .min(1)
      .max(1_000)
      .refine((ss) => new Set(ss.map((s) => s.name)).size === ss.length, 'each section needs its own name')
      .refine(
        (ss) => ss.reduce((n, s) => n + s.seats, 0) <= MAX_VENUE_SEATS,
        `at most ${MAX_VENUE_SEATS} seats a date over all sections`,
      )
      .optional()
      .openapi({
        description: 'Priced sections instead of seatsPerDate: each date has their seats, numbered 1..N in this order',
      }),
    queuePolicy: QueuePolicyUpdate.optional(),
    refundPolicy: RefundPolicy.optional(),
    sale: SaleSchedule.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.sections && body.seatsPerDate !== undefined)
      ctx.addIssue({ code: 'custom', path: ['seatsPerDate'], message: 'give seatsPerDate or sections, not both' })
    if (body.sections) return
    body.dates.forEach((d, i) => {
      if (d.price === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['dates', i, 'price'],
          message: 'required for a concert without sections',
        })
    })
  })
  .openapi('CreateConcert')

export const SectionCreated = z.object({
  name: SectionName,
  price: Money,
  seats: z.int(),
  firstSeat: z.int(),
  lastSeat: z.int(),
})

export const ConcertCreated = z
  .object({
    concertId: Uuid,
    title: z.string(),
    venue: z.string().optional(),
    seatsPerDate: z.int(),
    dates: z.array(z.object({ date: CalendarDate, startsAt: Timestamp, price: Money.optional(), totalSeats: z.int() })),
    sections: z.array(SectionCreated).optional(),
    queuePolicy: QueuePolicySchema,
    refundPolicy: RefundPolicy,
    sale: z.object({ opensAt: Timestamp, preQueueOpensAt: Timestamp, seedCommitment: Sha256Hex }).optional(),
  })
  .openapi('ConcertCreated')

/** Queue entries refused, by reason (src/shared/refused-entries.ts). */
const RefusedEntries = z
  .object({
    unverified: z.int().openapi({ description: '403 VERIFICATION_REQUIRED' }),
    proof: z
      .int()
      .openapi({ description: '403 PROOF_REQUIRED or PROOF_INVALID (by the Worker or the concert object)' }),
    turnstile: z.int().openapi({ description: '403 TURNSTILE_REQUIRED or TURNSTILE_FAILED' }),
    rate: z.int().openapi({ description: '429 RATE_LIMITED by the per-user entry limit' }),
  })
  .openapi('RefusedEntries')

export const QueueStatsSchema = z
  .object({
    concertId: Uuid,
    waiting: z.int().openapi({ description: 'Users WAITING now' }),
    active: z.int().openapi({ description: 'Users ACTIVE now' }),
    admittedLastMinute: z.int(),
    abandoned: z.int().openapi({ description: 'WAITING users who left by idling, since the concert opened' }),
    holds: z.int().openapi({ description: 'Seats HELD now (including payments in flight)' }),
    sold: z.int(),
    seatsLeft: z.int().openapi({ description: "Seats AVAILABLE over the concert's bookable dates" }),
    preQueue: z.int().openapi({
      description: 'Entries in the pre-queue waiting for the draw (0 once drawn, and for a sale without one)',
    }),
    events: z
      .object({
        written: z.int().openapi({ description: 'Sale events written to the outbox since the concert was created' }),
        unsent: z.int().openapi({ description: 'Of those, still in the outbox: not yet taken by the events queue' }),
      })
      .openapi({ description: "The concert's sale events (docs/events.md)" }),
    refusedEntries: RefusedEntries.openapi({
      description:
        'Queue entries refused since the concert was made, by reason. Refusals in the Worker reach these counts about a second after they happen (docs/api.md)',
    }),
    checkIns: z
      .array(
        z.object({
          date: CalendarDate,
          tickets: z.int().openapi({ description: 'Tickets of the date sold and not refunded' }),
          checkedIn: z.int().openapi({ description: 'Of those, checked in at the gate' }),
        }),
      )
      .openapi({ description: 'The gate: every date of the concert, in order (docs/api.md)' }),
    ...waitlistStatsFields,
    policy: QueuePolicySchema,
  })
  .openapi('QueueStats')

export const HistoryQuery = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(60)
    .openapi({
      param: { name: 'minutes', in: 'query' },
      description: 'How many minutes back, the current one included (1 to 1440)',
    }),
})

export const QueueHistory = z
  .object({
    points: z.array(
      z.object({
        at: Timestamp.openapi({ description: "The minute's start" }),
        waiting: z.int().openapi({ description: "As at the minute's end (the current minute: now)" }),
        active: z.int(),
        admitted: z.int().openapi({ description: 'Within the minute' }),
        abandoned: z.int(),
        sold: z.int(),
        entered: z.int(),
        checkedIn: z.int().openapi({ description: 'Tickets checked in at the gate within the minute' }),
        waitlisted: z.int().openapi({ description: "Waitlist entries WAITING or OFFERED as at the minute's end" }),
        offered: z.int().openapi({ description: 'Waitlist offers made within the minute' }),
        refusedEntries: RefusedEntries.openapi({ description: 'Queue entries refused within the minute, by reason' }),
      }),
    ),
    policyChanges: z
      .array(
        z.object({
          at: Timestamp,
          change: z.record(z.string(), z.unknown()).openapi({ description: 'The policy fields the operator changed' }),
        }),
      )
      .openapi({
        description: 'Queue policy changes within the same minutes, oldest first, for the timeline',
      }),
  })
  .openapi('QueueHistory')

/** GET /api/admin/concerts: every concert, with where its sale stands (the console signs in with it). */
export const OperatorConcert = ConcertSummary.pick({
  concertId: true,
  title: true,
  venue: true,
  opensAt: true,
  preQueueOpensAt: true,
})
  .extend({ state: SaleStateName })
  .openapi('OperatorConcert')

export const OperatorConcertList = z.object({ concerts: z.array(OperatorConcert) }).openapi('OperatorConcertList')
