import { concertOrderCalls, type ConcertOrderCalls } from './order-calls'
import type { PlaceInLine } from '../shared/rpc'
import { ApiError, unwrap } from '../errors'
import { findPayment, settle, type PaymentRow } from '../ledger/payments'
import { findOffer } from '../ledger/waitlist'

export interface PaymentRequest {
  concertId: string
  userId: string
  /** The payer's place in line, from their verified queue token; none for a waitlist offer (src/concert/waitlist/). */
  place?: PlaceInLine
  reservationId: string
  idempotencyKey?: string
}

/**
 * A payment across the two stores (design and failure cases: docs/payment.md):
 *   1. the concert object marks the hold PAYING, so it cannot expire while money moves
 *      (when it refuses, D1 is asked whether the reservation was paid already: a retry);
 *   2. one D1 batch debits, records the payment, books the seats and makes their tickets, all or nothing;
 *   3. the object marks the seat SOLD, ends the token and admits the next user.
 * If step 3 never happens, a retry (step 1 still passes, step 2 finds the payment) or the
 * object's alarm finds the payment in D1 and finishes it.
 */
export async function pay(env: Env, request: PaymentRequest): Promise<PaymentRow> {
  const concert = concertOrderCalls(env, request.concertId)
  const { userId } = request

  const begun = request.place
    ? await concert.beginPayment(request.place, request.reservationId)
    : await concert.beginOfferPayment(userId, request.reservationId)
  if (!begun.ok) {
    // Not payable: perhaps because it is paid (a retry after a lost answer, whose token has
    // ended with the sale). The ledger knows; only then is it asked.
    const earlier = await findPayment(env.DB, request.reservationId)
    if (earlier?.concertId === request.concertId) return replay(concert, earlier, request)
  }
  const hold = unwrap(begun)
  const outcome = await settle(env.DB, {
    reservationId: request.reservationId,
    userId,
    concertId: hold.concertId,
    date: hold.date,
    seatNumbers: hold.seatNumbers,
    amount: hold.price,
    idempotencyKey: request.idempotencyKey,
    startsAt: hold.startsAt,
    sections: hold.sections,
  })
  switch (outcome.kind) {
    case 'paid':
      await concert.completePayment(request.reservationId, outcome.payment.id, hold.date)
      return outcome.payment
    case 'alreadyPaid':
      return replay(concert, outcome.payment, request)
    case 'insufficientBalance':
      await concert.abortPayment(request.reservationId)
      throw new ApiError(
        'INSUFFICIENT_BALANCE',
        `The order costs ${hold.price} KRW; the balance is ${outcome.balance} KRW`,
      )
    case 'seatTaken':
      await concert.abortPayment(request.reservationId)
      throw new ApiError('SEAT_UNAVAILABLE', 'A seat of this order has already been sold')
  }
}

/** A payment already exists: finish the object's half if it was missed, then replay or refuse. */
async function replay(concert: ConcertOrderCalls, payment: PaymentRow, request: PaymentRequest): Promise<PaymentRow> {
  await concert.completePayment(payment.reservationId, payment.id, payment.date)
  if (payment.userId !== request.userId) throw new ApiError('NOT_YOUR_RESERVATION')
  if (request.idempotencyKey && payment.idempotencyKey === request.idempotencyKey) return payment
  throw new ApiError('ALREADY_PAID')
}

/**
 * A payment with the access token alone: only of a waitlist offer, found by its order id in
 * D1's index of entries, and only by the offer's own user (403 as for another's hold). Any
 * other order is a hold made in line, paid with its queue token: without one, 401 as before.
 */
export async function payOffer(env: Env, request: Omit<PaymentRequest, 'concertId' | 'place'>): Promise<PaymentRow> {
  const offer = await findOffer(env.DB, request.reservationId)
  if (!offer)
    throw new ApiError(
      'QUEUE_TOKEN_INVALID',
      'X-Queue-Token header is required (only a waitlist offer is paid with the access token alone)',
    )
  if (offer.userId !== request.userId) throw new ApiError('NOT_YOUR_RESERVATION')
  return pay(env, { ...request, concertId: offer.concertId })
}
