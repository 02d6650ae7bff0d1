import { createRoute } from '@hono/zod-openapi'
import { queueTokenIfGiven, requireUser } from '../auth/middleware'
import { pay, payOffer } from '../concert-client/checkout'
import { paymentSeatNumbers } from '../ledger/payments'
import { IdempotencyHeader, Payment, PaymentBody } from '../schemas'
import { bearerWithQueueTokenOrAlone, errorResponses, json, jsonBody, newRouter } from './openapi'

export const payments = newRouter()

payments.openapi(
  createRoute({
    method: 'post',
    path: '/api/payments',
    operationId: 'payReservation',
    tags: ['Payment'],
    summary: 'Pay for a held order from the balance (all or nothing, once)',
    description:
      'A hold made in line needs its ACTIVE X-Queue-Token; a waitlist offer (GET /api/users/me/waitlist) is paid with the access token alone.',
    security: bearerWithQueueTokenOrAlone,
    middleware: [requireUser, queueTokenIfGiven] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(PaymentBody) },
    responses: {
      201: json(Payment, 'Paid: the seat is SOLD to you and your queue token is finished'),
      ...errorResponses(400, 401, 402, 403, 404, 409, 410, 413, 429, 503),
    },
  }),
  async (c) => {
    const { reservationId } = c.req.valid('json')
    const idempotencyKey = c.req.valid('header')['idempotency-key']
    // The queue token names the concert: the reservation is looked up in that concert only.
    const queue = c.get('queue')
    const payment = queue
      ? await pay(c.env, {
          concertId: queue.concertId,
          userId: queue.userId,
          place: queue,
          reservationId,
          idempotencyKey,
        })
      : await payOffer(c.env, { userId: c.get('userId'), reservationId, idempotencyKey })
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
