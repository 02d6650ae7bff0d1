import { z } from '@hono/zod-openapi'

// Shared shapes of the HTTP contract (../shared/API.md). They validate every input and
// generate the OpenAPI document, so the two cannot disagree.

export const MAX_SEATS_PER_DATE = 50
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
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
  }, 'not a calendar date')
  .openapi({ example: '2026-12-24' })

export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-24T10:00:00.000Z' })

export const SeatNumber = z.int().min(1).max(MAX_SEATS_PER_DATE).openapi({ example: 7 })
export const Money = z.int().min(0).openapi({ description: 'Integer KRW', example: 150000 })

// --- users and balance ---

export const CreateUserBody = z.object({ name: z.string().trim().min(1).max(100).optional() }).openapi('CreateUser')

export const UserCreated = z.object({ userId: Uuid, accessToken: z.string() }).openapi('UserCreated')

export const Balance = z.object({ userId: Uuid, balance: Money }).openapi('Balance')

export const ChargeBody = z.object({ amount: z.int().min(1).max(MAX_CHARGE).openapi({ example: 200000 }) }).openapi('Charge')

export const ConfirmedReservation = z
  .object({
    reservationId: Uuid,
    paymentId: Uuid,
    concertId: Uuid,
    date: CalendarDate,
    seatNumber: SeatNumber,
    price: Money,
    status: z.literal('PAID'),
    paidAt: Timestamp,
  })
  .openapi('ConfirmedReservation')

export const ConfirmedReservations = z.object({ reservations: z.array(ConfirmedReservation) }).openapi('ConfirmedReservations')

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
    opensAt: Timestamp.optional().openapi({ description: 'When the sale opens and the pre-queue is drawn (concerts with a scheduled sale)' }),
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

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

export const SaleState = z
  .object({
    concertId: Uuid,
    opensAt: Timestamp.optional(),
    preQueueOpensAt: Timestamp.optional(),
    state: z.enum(['SCHEDULED', 'PRE_QUEUE', 'OPEN', 'SOLD_OUT']).openapi({
      description: 'SCHEDULED: before the pre-queue opens; PRE_QUEUE: fans may join, the order is drawn at opensAt; OPEN: on sale; SOLD_OUT: every seat is sold, no new entries',
    }),
    seedCommitment: Sha256Hex.optional().openapi({ description: 'Lowercase hex SHA-256 of the 32 bytes of the secret seed, fixed at creation' }),
    seed: Sha256Hex.optional().openapi({ description: 'The seed (64 lowercase hex characters), once the draw is made' }),
    drawnEntries: z.int().min(0).optional().openapi({ description: 'How many pre-queue entries were drawn' }),
  })
  .openapi('SaleState')

export const SaleDraw = z
  .object({
    seed: Sha256Hex,
    entries: z.array(Uuid).openapi({ description: 'Entry ids in drawn order: sorted by lowercase hex SHA-256 of `seed + ":" + entryId`, ascending' }),
  })
  .openapi('SaleDraw')

// --- queue ---

export const QueueStatus = z
  .object({
    token: z.string(),
    userId: Uuid,
    concertId: Uuid,
    status: z.enum(['PRE_QUEUE', 'WAITING', 'ACTIVE', 'SOLD_OUT']).openapi({
      description: 'PRE_QUEUE until the draw at opensAt; SOLD_OUT is final: every seat is sold and the token serves nothing else',
    }),
    entryId: Uuid.optional().openapi({ description: 'The public name of a pre-queue entry, as listed in the draw (GET .../sale/draw)' }),
    opensAt: Timestamp.optional().openapi({ description: 'While PRE_QUEUE: when the order is drawn' }),
    position: z.int().min(0).nullable().openapi({ description: '1 for the next user to be admitted, 0 once ACTIVE, null in the pre-queue (no order yet)' }),
    estimatedWaitSeconds: z.int().min(0).openapi({ description: 'In the pre-queue: the seconds until the draw, the least there is to wait' }),
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

// --- seats, holds, payment ---

export const DateParams = ConcertIdParam.extend({
  date: CalendarDate.openapi({ param: { name: 'date', in: 'path' } }),
})

export const Seat = z.object({ seatNumber: SeatNumber, status: z.enum(['AVAILABLE', 'HELD', 'SOLD']), price: Money }).openapi('Seat')

export const SeatMap = z.object({ concertId: Uuid, date: CalendarDate, seats: z.array(Seat) }).openapi('SeatMap')

export const HoldBody = z.object({ date: CalendarDate, seatNumber: SeatNumber }).openapi('HoldRequest')

export const Hold = z
  .object({
    reservationId: Uuid,
    concertId: Uuid,
    date: CalendarDate,
    seatNumber: SeatNumber,
    price: Money,
    status: z.literal('HELD'),
    expiresAt: Timestamp,
  })
  .openapi('Hold')

export const ReservationParams = ConcertIdParam.extend({
  reservationId: Uuid.openapi({ param: { name: 'reservationId', in: 'path' } }),
})

export const PaymentBody = z.object({ reservationId: Uuid }).openapi('PaymentRequest')

export const Payment = z
  .object({
    paymentId: Uuid,
    reservationId: Uuid,
    concertId: Uuid,
    date: CalendarDate,
    seatNumber: SeatNumber,
    amount: Money,
    status: z.literal('PAID'),
    paidAt: Timestamp,
  })
  .openapi('Payment')

// --- operators ---

const policyFields = {
  maxActiveUsers: z.int().min(1).max(100_000).openapi({ description: 'At most this many users ACTIVE at once' }),
  activeTtlSeconds: z.int().min(1).max(86_400).openapi({ description: 'An ACTIVE user who does not finish is expired after this' }),
  holdTtlSeconds: z.int().min(1).max(3_600).openapi({ description: 'Seat hold length' }),
  maxHoldsPerUser: z.int().min(1).max(10).openapi({ description: 'Seats one user may hold at once' }),
  admitPerMinute: z.int().min(1).max(1_000_000).nullable().openapi({ description: 'Optional cap on admissions in any rolling minute, on top of maxActiveUsers; null for none' }),
  idleTimeoutSeconds: z.int().min(1).max(86_400).openapi({ description: 'A WAITING user who neither polls nor holds a socket this long leaves the queue' }),
  paused: z.boolean().openapi({ description: 'While true nobody is admitted; waiting users keep their places' }),
  maxWaitingUsers: z
    .int()
    .min(1)
    .max(10_000_000)
    .nullable()
    .openapi({ description: 'Optional cap on users WAITING: new entries past it get 409 QUEUE_FULL (a user with a place keeps it); null for none' }),
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
  price: z.int().min(1).max(MAX_PRICE),
})

/** The pre-queue opens this long before the sale unless the operator says otherwise. */
export const DEFAULT_PRE_QUEUE_MS = 30 * 60_000

export const SaleSchedule = z
  .strictObject({
    opensAt: Timestamp.refine((t) => Date.parse(t) > Date.now(), 'must be in the future').openapi({ description: 'When the sale opens: the pre-queue is drawn then' }),
    preQueueOpensAt: Timestamp.optional().openapi({ description: 'Defaults to 30 minutes before opensAt; may be past (the pre-queue is then open from creation)' }),
  })
  .refine((s) => s.preQueueOpensAt === undefined || Date.parse(s.preQueueOpensAt) <= Date.parse(s.opensAt), { path: ['preQueueOpensAt'], message: 'must not be after opensAt' })
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
    seatsPerDate: z.int().min(1).max(MAX_SEATS_PER_DATE).default(MAX_SEATS_PER_DATE),
    queuePolicy: QueuePolicyUpdate.optional(),
    sale: SaleSchedule.optional(),
  })
  .openapi('CreateConcert')

export const ConcertCreated = z
  .object({
    concertId: Uuid,
    title: z.string(),
    venue: z.string().optional(),
    seatsPerDate: z.int(),
    dates: z.array(z.object({ date: CalendarDate, startsAt: Timestamp, price: Money, totalSeats: z.int() })),
    queuePolicy: QueuePolicySchema,
    sale: z.object({ opensAt: Timestamp, preQueueOpensAt: Timestamp, seedCommitment: Sha256Hex }).optional(),
  })
  .openapi('ConcertCreated')

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
    preQueue: z.int().openapi({ description: 'Entries in the pre-queue waiting for the draw (0 once drawn, and for a sale without one)' }),
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
    .openapi({ param: { name: 'minutes', in: 'query' }, description: 'How many minutes back, the current one included (1 to 1440)' }),
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
      }),
    ),
    policyChanges: z.array(z.object({ at: Timestamp, change: z.record(z.string(), z.unknown()).openapi({ description: 'The policy fields the operator changed' }) })).openapi({
      description: 'Queue policy changes within the same minutes, oldest first, for the timeline',
    }),
  })
  .openapi('QueueHistory')

// --- headers ---

export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(200).optional().openapi({ description: 'Makes a retry apply once and replay the first response' }),
})

// --- the same shapes as types, for the concert object (type-only imports: no zod runs there)
// and for the page (web/api.ts) ---

export type QueuePolicy = z.infer<typeof QueuePolicySchema>
export type QueueStatusBody = z.infer<typeof QueueStatus>
/** The status as the concert object knows it: all of the contract's but the token, which the Worker signs. */
export type QueueStatusView = Omit<QueueStatusBody, 'token'>
export type SeatStatus = z.infer<typeof Seat>['status']
export type SeatMapView = z.infer<typeof SeatMap>
export type HoldView = z.infer<typeof Hold>
export type DateAvailabilityView = z.infer<typeof DateAvailability>
export type SaleStateView = z.infer<typeof SaleState>
export type SaleDrawView = z.infer<typeof SaleDraw>
export type QueueStatsView = z.infer<typeof QueueStatsSchema>
export type QueueHistoryView = z.infer<typeof QueueHistory>
export type ConcertSummaryView = z.infer<typeof ConcertSummary>
export type PaymentView = z.infer<typeof Payment>
export type ConfirmedReservationView = z.infer<typeof ConfirmedReservation>
export type BalanceView = z.infer<typeof Balance>
