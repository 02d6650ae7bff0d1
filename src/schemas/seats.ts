import { z } from '@hono/zod-openapi'
import { ConcertIdParam } from './catalog'
import { CalendarDate, Money, SeatNumber, Timestamp, Uuid } from './common'

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
