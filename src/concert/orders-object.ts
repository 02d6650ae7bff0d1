import { DurableObject } from 'cloudflare:workers'
import type { Result } from '../errors/catalogue'
import type { ScannerView, WaitlistEntryView, WaitlistOptionsView } from '../schemas'
import type { PaymentStart, PlaceInLine, RefundStart } from '../shared/rpc'
import { ConcertRoom, notFound } from './runtime/room'
import type { CheckedIn, Transferred } from './tickets/ticket-book'
import type { CodeClaims, ScannerScope } from './tickets/ticket-states'
import { waitlistOptions } from './waitlist/options'
import type { WaitlistJoin, WaitlistJoined } from './waitlist/waitlist'

/**
 * The concert object's surface for what follows a hold: the object's halves of payments and
 * refunds, tickets at the gate, the waitlist for returned seats. ConcertObject (object.ts)
 * extends it with the sale up to a hold; RPC finds these methods along the prototype chain.
 */
export abstract class ConcertOrdersObject extends DurableObject<Env> {
  protected readonly room: ConcertRoom

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.room = new ConcertRoom(ctx, env)
  }

  /** Alarms are at-least-once: what the room does then is safe to run again. */
  override alarm(): Promise<void> {
    return this.room.alarm()
  }

  /** The object's half of a payment begins (the ledger's half is one D1 batch between begin and complete). */
  beginPayment(place: PlaceInLine, reservationId: string): Promise<Result<PaymentStart>> {
    return this.room.changeOwnReservation(place, reservationId, (reservation, now) =>
      this.room.payments.begin(reservation, now),
    )
  }

  /** The ledger refused (e.g. insufficient balance): the seat stays held until its expiry. */
  abortPayment(reservationId: string): Promise<void> {
    return this.room.group.run(() => this.room.settle(reservationId, null))
  }

  /** The ledger recorded the sale: the seat is SOLD, the payer's token ends, the next user is admitted. */
  completePayment(reservationId: string, paymentId: string): Promise<void> {
    return this.room.group.run(() => this.room.settle(reservationId, paymentId))
  }

  /** What refunding the user's paid order now would credit (no change). */
  refundQuote(userId: string, reservationId: string): Result<RefundStart> {
    const now = Date.now()
    if (!this.room.ready(now)) return notFound()
    const owned = this.room.orders.owned(userId, reservationId)
    return owned.ok ? this.room.refunds.quote(owned.value, now) : owned
  }

  /** The object's half of a refund begins: the order is REFUNDING, its seats still SOLD (see refunds.ts). */
  beginRefund(userId: string, reservationId: string): Promise<Result<RefundStart>> {
    return this.room.group.run(() => {
      const now = Date.now()
      if (!this.room.ready(now)) return notFound()
      const owned = this.room.orders.owned(userId, reservationId)
      const begun = owned.ok ? this.room.refunds.begin(owned.value, now) : owned
      if (begun.ok) this.room.alarmClock.rearm()
      return begun
    })
  }

  /** The ledger refused the refund: the order is PAID again. */
  abortRefund(reservationId: string): Promise<void> {
    return this.room.group.run(() => this.room.settleRefund(reservationId, null))
  }

  /** The ledger recorded the refund: the seats are AVAILABLE, the next user may be admitted. */
  completeRefund(reservationId: string, refund: { id: string; amount: number; fee: number }): Promise<void> {
    return this.room.group.run(() => this.room.settleRefund(reservationId, refund))
  }

  // --- tickets at the gate (tickets/gate-desk.ts) ---

  /** A gate device of this concert, of one of its dates when given (the Worker signs its token). */
  addScanner(scanner: { scannerId: string; name: string; date?: string }): Promise<Result<null>> {
    return this.room.change((now) => this.room.gate.addScanner(scanner, now))
  }

  scanners(): Result<ScannerView[]> {
    return this.room.read(() => this.room.gate.scanners())
  }

  /** The gate's decision on a code the Worker verified: of any number of check-ins of one ticket, one goes through. */
  checkIn(scanner: ScannerScope, code: CodeClaims): Promise<Result<CheckedIn>> {
    return this.room.change((now) => this.room.gate.checkIn(scanner, code, now))
  }

  /** Gives a ticket its holder has to another user, whose maxTicketsPerUser is counted in the same change. */
  transferTicket(ticketId: string, fromUserId: string, toUserId: string): Promise<Result<Transferred>> {
    return this.room.change((now) => this.room.gate.transfer(ticketId, fromUserId, toUserId, now))
  }

  // --- the waitlist for returned seats (waitlist/waitlist.ts) ---

  /** A new WAITING entry of this user (the Worker checked identity and verification), or the live one they have. */
  joinWaitlist(join: WaitlistJoin): Promise<Result<WaitlistJoined>> {
    return this.room.change((now) => this.room.waitlist.join(join, now))
  }

  /** What a fan may join: every date not started, sold out or not, with its sections, and the policy's bounds (waitlist/options.ts). */
  waitlistOptions(): Result<WaitlistOptionsView> {
    return this.room.read((now) => waitlistOptions(this.room.meta, this.room.seatPlan, now))
  }

  waitlistOf(userId: string): Result<WaitlistEntryView[]> {
    return this.room.read(() => this.room.waitlist.entriesOf(userId))
  }

  /** An OFFERED entry's seats go to the next entry that fits, or back on sale (and the line may admit). */
  leaveWaitlist(userId: string, waitlistId: string): Promise<Result<null>> {
    return this.room.change((now) => this.room.admitAfter(this.room.waitlist.leave(userId, waitlistId, now), now))
  }

  /** The object's half of paying a waitlist offer, asked with the user's access token alone: only the offer's own user. */
  beginOfferPayment(userId: string, reservationId: string): Promise<Result<PaymentStart>> {
    return this.room.change((now) => {
      const offer = this.room.waitlist.offerOf(userId, reservationId)
      return offer.ok ? this.room.payments.begin(offer.value, now) : offer
    })
  }
}
