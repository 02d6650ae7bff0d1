import type { ConcertObject } from '../concert'
import { unwrap, type Result } from '../errors'
import { placeOnly, type PaymentStart, type PlaceInLine, type RefundStart } from '../shared/rpc'
import { availableDates, sales } from './sale-views'
import { invalidateSeats } from './seat-views'
import { invalidateHeldLine } from './status-polls'

/**
 * The concert object's half of a payment (checkout.ts) and of a refund (refund-order.ts), each
 * step a call to the object; the steps that change seats invalidate this isolate's views of
 * them, so that the next read after a payment or a refund made here is exact. Failures are
 * thrown as ApiError, but for `beginPayment` and `beginRefund`, whose refusal the payment or
 * refund itself looks into.
 */
export class ConcertOrderCalls {
  constructor(
    private readonly env: Env,
    readonly concertId: string,
  ) {}

  /** A stub per call: a stub is an I/O object of the request that made it. */
  private get stub(): DurableObjectStub<ConcertObject> {
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  // --- the object's half of a payment (src/concert-client/checkout.ts) ---

  beginPayment(place: PlaceInLine, reservationId: string): Promise<Result<PaymentStart>> {
    return this.stub.beginPayment(placeOnly(place), reservationId)
  }

  /** A waitlist offer, paid with the access token alone (checkout.ts, payOffer). */
  beginOfferPayment(userId: string, reservationId: string): Promise<Result<PaymentStart>> {
    return this.stub.beginOfferPayment(userId, reservationId)
  }

  abortPayment(reservationId: string): Promise<void> {
    return this.stub.abortPayment(reservationId)
  }

  async completePayment(reservationId: string, paymentId: string, date: string): Promise<void> {
    await this.stub.completePayment(reservationId, paymentId)
    invalidateHeldLine(this.concertId)
    invalidateSeats(this.concertId, date)
    // The last seat sold makes the sale SOLD_OUT.
    sales.for(this.concertId).invalidate()
  }

  // --- the object's half of a refund (src/concert-client/refund-order.ts) ---

  async refundQuote(userId: string, reservationId: string): Promise<RefundStart> {
    return unwrap(await this.stub.refundQuote(userId, reservationId))
  }

  beginRefund(userId: string, reservationId: string): Promise<Result<RefundStart>> {
    return this.stub.beginRefund(userId, reservationId)
  }

  abortRefund(reservationId: string): Promise<void> {
    return this.stub.abortRefund(reservationId)
  }

  async completeRefund(
    reservationId: string,
    { id, amount, fee }: { id: string; amount: number; fee: number },
    date: string,
  ): Promise<void> {
    await this.stub.completeRefund(reservationId, { id, amount, fee })
    invalidateHeldLine(this.concertId)
    invalidateSeats(this.concertId, date)
    availableDates.for(this.concertId).invalidate()
    sales.for(this.concertId).invalidate()
  }
}

export const concertOrderCalls = (env: Env, concertId: string) => new ConcertOrderCalls(env, concertId)
