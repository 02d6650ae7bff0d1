import { createRoute } from '@hono/zod-openapi'
import { requireUser } from '../auth/middleware'
import { quoteRefund, refund } from '../concert-client/refund-order'
import { IdempotencyHeader, OwnReservationParams, Refund, RefundQuote } from '../schemas'
import { bearer, errorResponses, json, newRouter } from './openapi'

export const refunds = newRouter()

const path = '/api/users/me/reservations/{reservationId}/refund'

refunds.openapi(
  createRoute({
    method: 'post',
    path,
    operationId: 'refundReservation',
    tags: ['Users'],
    summary:
      "Cancel a paid order, all or nothing: its seats are on sale again and the price less the concert's refund fee is credited",
    description:
      'Once per order: concurrent refunds credit once; an Idempotency-Key replays the first 201, otherwise a second refund is 409 ALREADY_REFUNDED.',
    security: bearer,
    middleware: [requireUser] as const,
    request: { params: OwnReservationParams, headers: IdempotencyHeader },
    responses: {
      201: json(Refund, 'Refunded: the amount is on the balance'),
      ...errorResponses(400, 401, 403, 404, 409, 429, 503),
    },
  }),
  async (c) => {
    const { reservationId } = c.req.valid('param')
    const row = await refund(c.env, {
      userId: c.get('userId'),
      reservationId,
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    })
    return c.json(
      {
        refundId: row.id,
        reservationId: row.reservationId,
        amount: row.amount,
        fee: row.fee,
        refundedAt: row.refundedAt,
      },
      201,
    )
  },
)

refunds.openapi(
  createRoute({
    method: 'get',
    path,
    operationId: 'getRefundQuote',
    tags: ['Users'],
    summary: 'What refunding a paid order now would credit, and its fee (changes nothing)',
    security: bearer,
    middleware: [requireUser] as const,
    request: { params: OwnReservationParams },
    responses: { 200: json(RefundQuote, 'The terms now'), ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
  }),
  async (c) => {
    const { reservationId } = c.req.valid('param')
    const terms = await quoteRefund(c.env, { userId: c.get('userId'), reservationId })
    c.header('Cache-Control', 'no-store')
    return c.json(
      { reservationId, paid: terms.paid, feePercent: terms.feePercent, fee: terms.fee, amount: terms.amount },
      200,
    )
  },
)
