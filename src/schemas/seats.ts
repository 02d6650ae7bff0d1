import { z } from '@hono/zod-openapi'
import { ConcertIdParam } from './catalog'
import { CalendarDate, MAX_ORDER_SEATS, Money, SeatNumber, SeatNumbers, SectionName, Timestamp, Uuid } from './common'

// --- seats, sections, holds (orders of one or several seats), payment ---

export const DateParams = ConcertIdParam.extend({
  date: CalendarDate.openapi({ param: { name: 'date', in: 'path' } }),
})

export const SeatMapQuery = z.object({
  section: SectionName.optional().openapi({
    param: { name: 'section', in: 'query' },
    description: "Only this section's seats",
  }),
})

export const Seat = z
  .object({
    seatNumber: SeatNumber,
    status: z.enum(['AVAILABLE', 'HELD', 'SOLD']),
    price: Money,
    section: SectionName.openapi({ description: 'The section\'s name; "General" for a concert without sections' }),
  })
  .openapi('Seat')

export const SeatMap = z.object({ concertId: Uuid, date: CalendarDate, seats: z.array(Seat) }).openapi('SeatMap')

export const SectionList = z
  .object({
    sections: z.array(z.object({ name: SectionName, price: Money, totalSeats: z.int(), availableSeats: z.int() })),
  })
  .openapi('SectionList')

/** `seatNumber` (one seat, as the first contract had it) or `seatNumbers` (an order), not both. */
export const HoldBody = z
  .object({
    date: CalendarDate,
    seatNumber: SeatNumber.optional(),
    seatNumbers: SeatNumbers.min(1)
      .max(MAX_ORDER_SEATS)
      .refine((seats) => new Set(seats).size === seats.length, 'a seat appears twice')
      .optional()
      .openapi({ description: "1 to the policy's maxSeatsPerOrder distinct seats, held together or not at all" }),
  })
  .refine((b) => (b.seatNumber === undefined) !== (b.seatNumbers === undefined), {
    path: ['seatNumbers'],
    message: 'give seatNumber or seatNumbers, not both',
  })
  .openapi('HoldRequest')

export const OrderSeat = z.object({ seatNumber: SeatNumber, section: SectionName, price: Money }).openapi('OrderSeat')

export const Hold = z
  .object({
    reservationId: Uuid,
    concertId: Uuid,
    date: CalendarDate,
    seatNumber: SeatNumber.openapi({ description: "The order's first seat" }),
    seatNumbers: SeatNumbers,
    seats: z.array(OrderSeat),
    price: Money.openapi({ description: "The order's total" }),
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
    seatNumbers: SeatNumbers,
    amount: Money,
    status: z.literal('PAID'),
    paidAt: Timestamp,
  })
  .openapi('Payment')
