import { fail } from '../../errors/catalogue'

/**
 * An order's life, as pure data: its states and the moves between them. order-book.ts is the
 * only module that changes an order's state, and it makes only the moves allowed here.
 *
 *   HELD ──► PAYING ──► PAID ──► REFUNDING ──► REFUNDED
 *    │  ◄──────┘ │       ▲  ◄────────┘
 *    ▼           ▼       │ (a late payment: the ledger is the truth about money)
 *  RELEASED, EXPIRED ────┘
 */
export const ORDER_STATES = ['HELD', 'PAYING', 'PAID', 'RELEASED', 'EXPIRED', 'REFUNDING', 'REFUNDED'] as const
export type OrderState = (typeof ORDER_STATES)[number]

/** The states in which money is moving between the object and D1 for an order. */
export type InFlight = 'PAYING' | 'REFUNDING'

const MOVES: Record<OrderState, readonly OrderState[]> = {
  HELD: ['PAYING', 'RELEASED', 'EXPIRED', 'PAID'],
  // Without the ledger's payment, back to HELD while the hold has time, else EXPIRED.
  PAYING: ['PAID', 'HELD', 'EXPIRED'],
  // A refund the ledger made while the object had put the order back to PAID still counts.
  PAID: ['REFUNDING', 'REFUNDED'],
  REFUNDING: ['PAID', 'REFUNDED'],
  // A payment the ledger made after the hold ended wins over whoever holds the seats since.
  RELEASED: ['PAID'],
  EXPIRED: ['PAID'],
  REFUNDED: [],
}

export const canMove = (from: OrderState, to: OrderState): boolean => MOVES[from].includes(to)

/** States whose seats the order holds without having bought them. */
export const HOLDING = ['HELD', 'PAYING'] as const satisfies readonly OrderState[]
/** States that count towards a user's tickets: held, bought, or on the way back. */
export const COUNTED = ['HELD', 'PAYING', 'PAID', 'REFUNDING'] as const satisfies readonly OrderState[]

/** Paid for, whatever happens to the money after. */
export const wasPaid = (state: OrderState): boolean => state === 'PAID' || state === 'REFUNDING' || state === 'REFUNDED'

/** Why an order that is no longer held cannot be released or paid. */
export const whyNotHeld = (state: OrderState) =>
  wasPaid(state)
    ? fail('ALREADY_PAID')
    : fail('RESERVATION_EXPIRED', state === 'RELEASED' ? 'This reservation was released' : undefined)

/** Why an order cannot be refunded now, or null when its state allows it (REFUNDING: asked again). */
export const whyNotRefundable = (state: OrderState) => {
  if (state === 'REFUNDED') return fail('ALREADY_REFUNDED')
  if (state !== 'PAID' && state !== 'REFUNDING')
    return fail('RESERVATION_NOT_FOUND', 'This order is not paid, so there is nothing to refund')
  return null
}

/** SQL for a list of states, from the constants above (never user input). */
export const sqlStates = (states: readonly OrderState[]) => states.map((s) => `'${s}'`).join(', ')
