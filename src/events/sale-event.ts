// What happened in a sale, as the data platform receives it (docs/events.md). The concert
// object writes each event in the same storage transaction as the change it describes
// (a transactional outbox), so an event exists if and only if its change does.

export type SaleEventType =
  | 'sale.opened'
  | 'token.issued'
  | 'token.admitted'
  | 'token.expired'
  | 'token.sold_out'
  | 'seat.held'
  | 'seat.released'
  | 'seat.expired'
  | 'seat.paid'
  | 'seat.refunded'
  | 'ticket.transferred'
  | 'ticket.checked_in'
  | 'waitlist.joined'
  | 'waitlist.offered'
  | 'waitlist.fulfilled'
  | 'waitlist.expired'
  | 'waitlist.cancelled'

/** Why a token ended: its admission timed out, its user left the line, or it bought a seat. */
export type TokenEndReason = 'ACTIVE_TIMEOUT' | 'IDLE' | 'PAID'

export interface SaleEvent {
  /** Unique per event; consumers dedupe on it (delivery is at least once). */
  eventId: string
  type: SaleEventType
  concertId: string
  /** Whose place or seat; absent from `sale.opened`, which is the whole concert's. */
  userId?: string
  /** The user's place in line (the queue token's arrival number); absent while a pre-queue entry has none. */
  arrival?: number
  /** A pre-queue entry's public name (`token.issued` in the pre-queue, and every later event of a drawn place). */
  entryId?: string
  /** `sale.opened`: the draw's seed (hex) and how many entries it drew. */
  seed?: string
  drawnEntries?: number
  /** When the change happened, ISO-8601 UTC. */
  at: string
  date?: string
  /** The order's first seat; `seatNumbers` are all of them. */
  seatNumber?: number
  seatNumbers?: number[]
  reservationId?: string
  /** The order's total. */
  price?: number
  expiresAt?: string
  paymentId?: string
  /** `seat.refunded`: the ledger's refund, what was credited and the fee kept. */
  refundId?: string
  amount?: number
  fee?: number
  reason?: TokenEndReason
  /** `ticket.*`: the ticket, its version after the change, the scanner that checked it in, whom it was given to. */
  ticketId?: string
  version?: number
  scannerId?: string
  toUserId?: string
  /** `waitlist.*`: the entry, the section it asks for (absent: any), the seats it asks for. */
  waitlistId?: string
  section?: string
  seats?: number
}

export type SaleEventFields = Omit<SaleEvent, 'eventId' | 'type' | 'concertId' | 'at'>

export function saleEvent(type: SaleEventType, concertId: string, now: number, fields: SaleEventFields): SaleEvent {
  return { eventId: crypto.randomUUID(), type, concertId, at: new Date(now).toISOString(), ...fields }
}
