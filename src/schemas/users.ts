import { z } from '@hono/zod-openapi'
import { CalendarDate, MAX_CHARGE, Money, SeatNumber, SeatNumbers, Timestamp, Uuid } from './common'

// --- users and balance ---

export const CreateUserBody = z.object({ name: z.string().trim().min(1).max(100).optional() }).openapi('CreateUser')

export const UserCreated = z.object({ userId: Uuid, accessToken: z.string() }).openapi('UserCreated')

export const Balance = z.object({ userId: Uuid, balance: Money }).openapi('Balance')

export const ChargeBody = z
  .object({ amount: z.int().min(1).max(MAX_CHARGE).openapi({ example: 200000 }) })
  .openapi('Charge')

export const ConfirmedReservation = z
  .object({
    reservationId: Uuid,
    paymentId: Uuid,
    concertId: Uuid,
    date: CalendarDate,
    seatNumber: SeatNumber.openapi({ description: "The order's first seat" }),
    seatNumbers: SeatNumbers,
    price: Money.openapi({ description: 'What was paid for the whole order' }),
    status: z.literal('PAID'),
    paidAt: Timestamp,
  })
  .openapi('ConfirmedReservation')

export const ConfirmedReservations = z
  .object({
    reservations: z
      .array(ConfirmedReservation)
      .openapi({ description: 'One entry per paid order, newest first; refunded orders are not listed' }),
  })
  .openapi('ConfirmedReservations')

// --- refunds ---

export const OwnReservationParams = z.object({
  reservationId: Uuid.openapi({ param: { name: 'reservationId', in: 'path' } }),
})

export const Refund = z
  .object({
    refundId: Uuid,
    reservationId: Uuid,
    amount: Money.openapi({ description: 'What was credited to the balance: the price paid less the fee' }),
    fee: Money.openapi({ description: "The concert's refundPolicy fee, rounded down to whole KRW" }),
    refundedAt: Timestamp,
  })
  .openapi('Refund')

export const RefundQuote = z
  .object({
    reservationId: Uuid,
    paid: Money,
    feePercent: z.int().min(0).max(100),
    fee: Money,
    amount: Money.openapi({ description: 'What a refund now would credit' }),
  })
  .openapi('RefundQuote')

// --- verified identity ---

export const Profile = z
  .object({
    userId: Uuid,
    name: z.string().nullable(),
    verified: z.boolean().openapi({ description: 'Whether a phone verifies this account' }),
  })
  .openapi('Profile')

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all; no spaces or dashes. */
export const PhoneNumber = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { error: 'expected an E.164 phone number such as +821012345678' })
  .openapi({ example: '+821012345678' })

export const VerificationBody = z.object({ phone: PhoneNumber }).openapi('VerificationRequest')

export const VerificationStarted = z
  .object({
    verificationId: Uuid,
    expiresAt: Timestamp.openapi({ description: 'Ten minutes after it was sent' }),
  })
  .openapi('VerificationStarted')

export const VerificationConfirmBody = z
  .object({
    verificationId: Uuid,
    code: z
      .string()
      .regex(/^\d{6}$/, { error: 'expected the 6 digits that were sent' })
      .openapi({ example: '123456' }),
  })
  .openapi('VerificationConfirm')

export const VerificationConfirmed = z
  .object({ userId: Uuid, verified: z.literal(true) })
  .openapi('VerificationConfirmed')
