import { fail, type Failure } from '../../errors/catalogue'

/**
 * A ticket's life at the gate, as pure data and pure checks: ticket-book.ts is the only module
 * that changes a ticket, and it asks here first.
 *
 *   VALID ──► CHECKED_IN          (the gate let it in: final)
 *     │ ▲
 *     │ └─ transfer: VALID again, holder changed, version + 1 (codes of older versions die)
 *     ▼
 *   VOID                          (its order was refunded: final)
 */
export const TICKET_STATES = ['VALID', 'CHECKED_IN', 'VOID'] as const
export type TicketState = (typeof TICKET_STATES)[number]

const MOVES: Record<TicketState, readonly TicketState[]> = {
  VALID: ['CHECKED_IN', 'VOID', 'VALID'],
  CHECKED_IN: [],
  VOID: [],
}

export const canMove = (from: TicketState, to: TicketState): boolean => MOVES[from].includes(to)

/** A ticket as the gate decides on it. */
export interface GateTicket {
  ticketId: string
  reservationId: string
  date: string
  seatNumber: number
  buyerId: string
  holderId: string
  version: number
  state: TicketState
  /** Epoch ms. */
  checkedInAt: number | null
  /** Its order is being refunded: money is on its way back, so the ticket may not be used meanwhile. */
  refunding: boolean
}

/** What a code says of its ticket, once its signature and expiry were checked (src/tickets/codes.ts). */
export interface CodeClaims {
  tid: string
  cid: string
  date: string
  seat: number
  v: number
}

/** What a scanner may check in: its concert's tickets, of one date when it has one. */
export interface ScannerScope {
  scannerId: string
  concertId: string
  date?: string
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Why this code cannot check its ticket in at this scanner, or null when it can. `ticket` is the one the code names, if the concert has it. */
export function whyNotCheckIn(code: CodeClaims, scanner: ScannerScope, ticket: GateTicket | undefined): Failure | null {
  if (code.cid !== scanner.concertId) return fail('WRONG_CONCERT')
  if (scanner.date !== undefined && code.date !== scanner.date)
    return fail('WRONG_DATE', `This ticket is for ${code.date}; this scanner checks in ${scanner.date}`)
  if (!ticket) return fail('TICKET_NOT_FOUND')
  if (ticket.date !== code.date || ticket.seatNumber !== code.seat) return fail('CODE_INVALID')
  if (ticket.state === 'VOID') return fail('TICKET_NOT_VALID', 'This ticket was refunded')
  if (code.v !== ticket.version)
    return fail('TICKET_NOT_VALID', 'This code is of an older version of the ticket: it was transferred since')
  if (ticket.state === 'CHECKED_IN')
    return fail('ALREADY_CHECKED_IN', `This ticket was checked in at ${iso(ticket.checkedInAt!)}`)
  if (ticket.refunding) return fail('TICKET_NOT_VALID', 'This ticket is being refunded')
  return null
}

/** Why `fromUserId` cannot give this ticket away now, or null when they can (the recipient's limit is counted apart). */
export function whyNotTransfer(ticket: GateTicket | undefined, fromUserId: string): Failure | null {
  // Someone else's ticket, or one refunded (no longer anyone's), is not found: nothing is said of it.
  if (!ticket || ticket.holderId !== fromUserId || ticket.state === 'VOID') return fail('TICKET_NOT_FOUND')
  if (ticket.state === 'CHECKED_IN') return fail('TICKET_NOT_VALID', 'This ticket is already checked in')
  if (ticket.refunding) return fail('TICKET_NOT_VALID', 'This ticket is being refunded')
  return null
}

/** Why an order with these tickets can no longer be refunded, or null: a ticket given away, or one used at the gate. */
export function whyNotRefund(tickets: readonly GateTicket[]): Failure | null {
  if (tickets.some((t) => t.holderId !== t.buyerId))
    return fail('TICKET_TRANSFERRED', 'A ticket of this order was given to someone else')
  if (tickets.some((t) => t.state === 'CHECKED_IN'))
    return fail('REFUND_CLOSED', 'A ticket of this order has been checked in at the gate')
  return null
}

/**
 * Whether a user who has `have` tickets of this concert (held, bought, received) may receive
 * one more under `maxTicketsPerUser`. A ticket they bought themselves coming back counts
 * already (bought, given away or not), so it always may.
 */
export function whyNotReceive(have: number, max: number, boughtItThemselves: boolean): Failure | null {
  if (boughtItThemselves || have + 1 <= max) return null
  return fail(
    'TICKET_LIMIT_REACHED',
    `The recipient has ${have} ticket(s) for this concert; one person may have ${max}`,
  )
}
