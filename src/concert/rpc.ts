// What crosses between the Worker and the concert object but is not the contract's (that is
// src/schemas.ts): plain data, as RPC copies it, and the socket upgrade's headers.
import type { QueuePolicy, QueueStatusView } from '../schemas'

/** A place in line as a verified queue token names it: its arrival number and its user. */
export interface PlaceInLine {
  arrival: number
  userId: string
}

/** Who a socket belongs to: the place and the token to send back in pushes; its attachment through hibernation. */
export interface SocketOwner extends PlaceInLine {
  token: string
}

/**
 * A WebSocket upgrade as the Worker forwards it: the place comes in headers set from the
 * verified token, never from the client, and the object trusts them.
 */
export function socketUpgrade(request: Request, owner: SocketOwner): Request {
  const headers = new Headers(request.headers)
  headers.set('x-queue-arrival', String(owner.arrival))
  headers.set('x-queue-user', owner.userId)
  return new Request(request.url, { headers })
}

/** The queue's event stream and its socket share the object's fetch; the path tells them apart. */
export const isEventStream = (request: Request) => new URL(request.url).pathname.endsWith('/queue/events')

export function socketOwner(request: Request): SocketOwner {
  return {
    token: new URL(request.url).searchParams.get('token') ?? '',
    arrival: Number(request.headers.get('x-queue-arrival')),
    userId: request.headers.get('x-queue-user') ?? '',
  }
}

export interface ConcertSetup {
  concertId: string
  seatsPerDate: number
  dates: Array<{ date: string; startsAt: string; price: number }>
  policy: QueuePolicy
}

/** A place in line as the queue entry route needs it: the Worker signs `arrival` into the token. */
export interface QueueEntryView {
  created: boolean
  arrival: number
  status: QueueStatusView
}

/** What a Worker needs to answer status polls without a round trip (src/concert-client/queue-view.ts). */
export interface QueueSnapshot {
  concertId: string
  /** live[a] === 1 when arrival a is WAITING. */
  live: Uint8Array
  lastArrival: number
  active: Array<{ arrival: number; until: number }>
  admissionRate: number
  seatsLeft: number
  /** Every seat sold: a place not live may have ended SOLD_OUT, which only the object knows. */
  soldOut: boolean
  policy: QueuePolicy
}

/** The held seat a payment is for, as the ledger's half of the payment needs it. */
export interface PaymentStart {
  concertId: string
  date: string
  seatNumber: number
  price: number
}
