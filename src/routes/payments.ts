import { createRoute } from '@hono/zod-openapi'
import { requireQueueToken, requireUser } from '../auth/middleware'
import { pay } from '../concert-client/checkout'
import { paymentSeatNumbers } from '../ledger/payments'
import { IdempotencyHeader, Payment, PaymentBody } from '../schemas'
import { bearerAndQueueToken, errorResponses, json, jsonBody, newRouter } from './openapi'

export const payments = newRouter()

payments.openapi(
  createRoute({
    method: 'post',
    path: '/api/payments',
    operationId: 'payReservation',
    tags: ['Payment'],
    summary: 'Pay for a held order from the balance (all or nothing, once)',
    security: bearerAndQueueToken,
    middleware: [requireUser, requireQueueToken({ from: 'header', concert: 'token' })] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(PaymentBody) },
    responses: {
      201: json(Payment, 'Paid: the seat is SOLD to you and your queue token is finished'),
      ...errorResponses(400, 401, 402, 403, 404, 409, 410, 413, 429, 503),
    },
  }),
  async (c) => {
    const { reservationId } = c.req.valid('json')
    // The queue token names the concert: the reservation is looked up in that concert only.
    const queue = c.get('queue')
    const payment = await pay(c.env, {
      concertId: queue.concertId,
      place: queue,
      reservationId,
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    })
    return c.json(
      {
        paymentId: payment.id,
        reservationId: payment.reservationId,
        concertId: payment.concertId,
        date: payment.date,
        seatNumber: payment.seatNumber,
        seatNumbers: paymentSeatNumbers(payment),
        amount: payment.amount,
        status: 'PAID' as const,
        paidAt: payment.paidAt,
      },
      201,
    )
  },
)
