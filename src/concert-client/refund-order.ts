import { concertOrderCalls, type ConcertOrderCalls } from './order-calls'
import { ApiError, unwrap } from '../errors'
import type { RefundStart } from '../shared/rpc'
import { findPayment, type PaymentRow } from '../ledger/payments'
import { findRefund, settleRefund, type RefundRow } from '../ledger/refunds'

export interface RefundRequest {
  userId: string
  reservationId: string
  idempotencyKey?: string
}

/**
 * A refund across the two stores, the mirror of a payment (docs/payment.md):
 *   1. the ledger names the paid order's buyer and concert (404 unpaid, 403 someone else's);
 *      the concert object marks the order REFUNDING, its seats still SOLD, and gives the terms
 *      (when it refuses, D1 is asked whether the order was refunded already: a retry);
 *   2. one D1 batch records the refund, credits the balance and deletes the bookings;
 *   3. the object makes the seats AVAILABLE and may admit the next user.
 * If step 3 never happens, a retry (which finds the refund) or the object's alarm finishes it;
 * if step 2 never happens, the alarm puts the order back to PAID.
 */
export async function refund(env: Env, request: RefundRequest): Promise<RefundRow> {
  const { payment, concert } = await paidOrder(env, request)
  // The payment's own step 3 may have been lost: the object must know the order is PAID first.
  await concert.completePayment(payment.reservationId, payment.id, payment.date)

  const begun = await concert.beginRefund(request.userId, request.reservationId)
  if (!begun.ok) {
    const earlier = await findRefund(env.DB, request.reservationId)
    if (earlier) return replay(concert, earlier, request, payment.date)
  }
  const terms = unwrap(begun)
  const outcome = await settleRefund(env.DB, {
    reservationId: request.reservationId,
    paymentId: terms.paymentId,
    userId: request.userId,
    concertId: terms.concertId,
    amount: terms.amount,
    fee: terms.fee,
    idempotencyKey: request.idempotencyKey ?? null,
  })
  switch (outcome.kind) {
    case 'refunded':
      await concert.completeRefund(request.reservationId, outcome.refund, terms.date)
      return outcome.refund
    case 'alreadyRefunded':
      return replay(concert, outcome.refund, request, payment.date)
    case 'balanceLimit':
      await concert.abortRefund(request.reservationId)
      throw new ApiError(
        'BALANCE_LIMIT_EXCEEDED',
        `The refund of ${terms.amount} KRW would take the balance of ${outcome.balance} KRW past its cap`,
      )
  }
}

/** What refunding the user's paid order now would credit, changing nothing. */
export async function quoteRefund(env: Env, request: RefundRequest): Promise<RefundStart> {
  const { concert } = await paidOrder(env, request)
  return concert.refundQuote(request.userId, request.reservationId)
}

/** The ledger's payment of the order, which must be the user's, and its concert. */
async function paidOrder(
  env: Env,
  { userId, reservationId }: RefundRequest,
): Promise<{ payment: PaymentRow; concert: ConcertOrderCalls }> {
  const payment = await findPayment(env.DB, reservationId)
  if (!payment) throw new ApiError('RESERVATION_NOT_FOUND', 'You have no paid order with this id')
  if (payment.userId !== userId) throw new ApiError('NOT_YOUR_RESERVATION')
  return { payment, concert: concertOrderCalls(env, payment.concertId) }
}

/** A refund already exists: finish the object's half if it was missed, then replay or refuse. */
async function replay(
  concert: ConcertOrderCalls,
  earlier: RefundRow,
  request: RefundRequest,
  date: string,
): Promise<RefundRow> {
  await concert.completeRefund(earlier.reservationId, earlier, date)
  if (request.idempotencyKey && earlier.idempotencyKey === request.idempotencyKey) return earlier
  throw new ApiError('ALREADY_REFUNDED')
}
