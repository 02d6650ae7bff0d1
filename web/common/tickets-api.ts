// The shapes of tickets at the gate (issue #32, API.md "Tickets and the gate"), as the pages
// read them. Written here while the backend's src/schemas has none yet; once it exports them,
// these become re-exports from there, like the rest of api.ts.
import type { QueueHistory, QueueStats } from './api'

export type TicketStatus = 'VALID' | 'CHECKED_IN'

/** One seat a user holds now (`GET /api/users/me/tickets`): bought or received. */
export interface HeldTicket {
  ticketId: string
  concertId: string
  title: string
  date: string
  startsAt: string
  seatNumber: number
  section: string
  status: TicketStatus
  checkedInAt?: string
}

/** A ticket's code for the gate: a compact JWS, valid until `expiresAt` (at most 60 s). */
export interface TicketCode {
  code: string
  expiresAt: string
}

/** What the code's JWS carries (`v`: the ticket's version, raised by a transfer). */
export interface TicketCodePayload {
  tid: string
  cid: string
  date: string
  seat: number
  v: number
  exp: number
}

export interface Transfer {
  ticketId: string
  toUserId: string
  transferredAt: string
}

/** `POST /api/concerts/{id}/check-ins`: 201 the first time a ticket comes through. */
export interface CheckIn {
  ticketId: string
  date: string
  seatNumber: number
  section: string
  checkedInAt: string
}

export interface Scanner {
  scannerId: string
  name: string
  date?: string
  createdAt: string
  checkIns: number
  lastCheckInAt?: string
}

/** An Ed25519 public key of the codes' signer, with its `kid` (`GET /api/tickets/keys`). */
export interface TicketKey {
  kty: string
  crv: string
  x: string
  kid: string
  alg?: string
}

/** The operators' queue stats and history with the gate's figures, which the backend adds. */
export type StatsWithCheckIns = QueueStats & {
  checkIns?: Array<{ date: string; tickets: number; checkedIn: number }>
}
export type HistoryWithCheckIns = Omit<QueueHistory, 'points'> & {
  points: Array<QueueHistory['points'][number] & { checkedIn?: number }>
}
