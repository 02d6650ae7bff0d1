// What crosses between the Worker and the concert object but is not the contract's (that is
// src/schemas/): plain data, as RPC copies it, and the socket upgrade's headers.
import type { QueuePolicy, QueueStatusView, RefundPolicyView, SectionInputView, WaitlistEntryView } from '../schemas'

/**
 * A place in line as a verified queue token names it: its arrival number and its user. A
 * pre-queue token names its entry instead: `arrival` is 0 until the draw gives it one, which
 * the object (or a Worker that has learnt it) fills in.
 */
export interface PlaceInLine {
  arrival: number
  userId: string
  entryId?: string
}

/** Just the place: a credential or a socket's owner also carries its token, which the object has no use for. */
export const placeOnly = ({ arrival, userId, entryId }: PlaceInLine): PlaceInLine =>
  entryId !== undefined ? { arrival, userId, entryId } : { arrival, userId }

/** Who a socket belongs to: the place and the token to send back in pushes; its attachment through hibernation. */
export interface SocketOwner extends PlaceInLine {
  token: string
}

/**
 * A WebSocket upgrade (or an event stream) as the Worker forwards it to the relay named
 * `relay`: the place comes in headers set from the verified token, never from the client,
 * and the relay trusts them.
 */
export function socketUpgrade(request: Request, owner: SocketOwner, relay: string): Request {
  const headers = new Headers(request.headers)
  headers.set('x-queue-arrival', String(owner.arrival))
  headers.set('x-queue-user', owner.userId)
  headers.set('x-relay-name', relay)
  if (owner.entryId) headers.set('x-queue-entry', owner.entryId)
  return new Request(request.url, { headers })
}

/** The queue's event stream and its socket share the relay's fetch; the path tells them apart. */
export const isEventStream = (request: Request) => new URL(request.url).pathname.endsWith('/queue/events')

/** A user's waitlist stream (`GET .../waitlist/events`) shares it too. */
export const isWaitlistStream = (request: Request) => new URL(request.url).pathname.endsWith('/waitlist/events')

/** A waitlist stream as the Worker forwards it to the relay named `relay`, for the user its access token names. */
export function waitlistStreamRequest(request: Request, userId: string, relay: string): Request {
  return new Request(request.url, { headers: { 'x-waitlist-user': userId, 'x-relay-name': relay } })
}

export const waitlistStreamUser = (request: Request): string => request.headers.get('x-waitlist-user') ?? ''

/**
 * A waitlist entry that changed state (OFFERED, FULFILLED, EXPIRED, CANCELLED), as the object
 * pushes it to the relays with the line's change: each relay tells its user's sockets and streams.
 */
export interface WaitlistNews {
  userId: string
  entry: WaitlistEntryView
}

export function socketOwner(request: Request): SocketOwner {
  const entryId = request.headers.get('x-queue-entry')
  return {
    token: new URL(request.url).searchParams.get('token') ?? '',
    arrival: Number(request.headers.get('x-queue-arrival')),
    userId: request.headers.get('x-queue-user') ?? '',
    ...(entryId ? { entryId } : {}),
  }
}

/** A listener's place as the object answers a relay: its status (and arrival, once drawn), or how it ended. */
/**
 * A relay's answer to a pushed change: how many follow there (0: the object forgets it), and,
 * once per presence interval, the arrivals they follow, which count as seen (so a relay that is
 * pushed changes makes no presence call of its own).
 */
export interface RelayTold {
  following: number
  seen: number[]
}

/** The answers of a relay carrying a change, for itself and then each relay it passed it on to, in order; null where it failed. */
export type RelaysTold = Array<RelayTold | null>

export type FollowedPlace = { arrival: number; status: QueueStatusView } | { final: 'EXPIRED' | 'SOLD_OUT' }

/** When a scheduled sale's pre-queue opens and when it is drawn, in ms. */
export interface SaleTimes {
  opensAt: number
  preQueueOpensAt: number
}

export interface ConcertSetup {
  concertId: string
  /** Seats of one price per date, when there are no sections. */
  seatsPerDate: number
  sections?: SectionInputView[]
  /** `price` prices a concert without sections. */
  dates: Array<{ date: string; startsAt: string; price?: number }>
  policy: QueuePolicy
  refundPolicy: RefundPolicyView
  sale?: SaleTimes
}

/** A configured concert: its policy, and its draw's commitment when it has a scheduled sale. */
export interface ConcertConfigured {
  policy: QueuePolicy
  seedCommitment?: string
}

/** A place in line as the queue entry route needs it: the Worker signs `entryId` (pre-queue) or else `arrival` into the token. */
export interface QueueEntryView {
  created: boolean
  arrival: number
  entryId?: string
  status: QueueStatusView
}

/** A proof of work the Worker checked (src/auth/entry-proof.ts), named by its challenge: the object spends it once, with the entry it makes. */
export interface EntryProof {
  id: string
  /** Epoch ms: a used proof is remembered until then (after it the Worker refuses it as expired). */
  expiresAt: number
}

/** A status as the object answers it, with the arrival of the place (0 before the draw), which a Worker keeps for a token naming an entry. */
export interface PlaceStatus {
  arrival: number
  status: QueueStatusView
}

/** The held order a payment is for, as the ledger's half of the payment needs it. */
export interface PaymentStart {
  concertId: string
  date: string
  seatNumbers: number[]
  /** The order's total. */
  price: number
  /** The show's start and each seat's section, which the payment's tickets carry (src/ledger/tickets.ts). */
  startsAt: string
  sections: string[]
}

/** A paid order being refunded, and the terms, as the ledger's half of the refund needs them. */
export interface RefundStart {
  concertId: string
  reservationId: string
  paymentId: string
  date: string
  seatNumbers: number[]
  /** What was paid. */
  paid: number
  feePercent: number
  fee: number
  /** What is credited: paid less the fee. */
  amount: number
}

/**
 * The data of a result straight from an RPC call, its disposer released: the runtime attaches
 * one to every result and warns when it is left to the garbage collector.
 */
export function released<T>(result: T): T {
  ;(result as Partial<Disposable>)[Symbol.dispose]?.()
  return result
}
