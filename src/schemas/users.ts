import { z } from '@hono/zod-openapi'
import { CalendarDate, MAX_CHARGE, Money, SeatNumber, Timestamp, Uuid } from './common'

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
