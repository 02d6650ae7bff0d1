// Shapes that cross between the Worker and the concert object but are not the contract's
// (those are in src/schemas.ts). Plain data only: RPC copies it.
import type { QueuePolicy, QueueStatusView } from '../schemas'

/** A place in line as a verified queue token names it: its arrival number and its user. */
export interface PlaceInLine {
  arrival: number
  userId: string
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
  policy: QueuePolicy
}

/** The held seat a payment is for, as the ledger's half of the payment needs it. */
export interface PaymentStart {
  concertId: string
  date: string
  seatNumber: number
  price: number
}
