import { fail } from '../../errors/catalogue'

/**
 * A waitlist entry's life, as pure data: its states and the moves between them. The waitlist
 * book (waitlist-book.ts) is the only module that changes an entry's state, and it makes only
 * the moves allowed here.
 *
 *   WAITING ──► OFFERED ──► FULFILLED
 *      │           │  ╲──► EXPIRED ──┐
 *      ▼           ▼                 │ (a late payment: the ledger is the truth about money)
 *   CANCELLED ◄────┘ ────────────────┴──► FULFILLED
 */
export const ENTRY_STATES = ['WAITING', 'OFFERED', 'FULFILLED', 'EXPIRED', 'CANCELLED'] as const
export type EntryState = (typeof ENTRY_STATES)[number]

const MOVES: Record<EntryState, readonly EntryState[]> = {
  WAITING: ['OFFERED', 'CANCELLED'],
  OFFERED: ['FULFILLED', 'EXPIRED', 'CANCELLED'],
  // The offer's order may still be paid after it ended: a payment the ledger made wins.
  EXPIRED: ['FULFILLED'],
  CANCELLED: ['FULFILLED'],
  FULFILLED: [],
}

export const canMove = (from: EntryState, to: EntryState): boolean => MOVES[from].includes(to)

/** Entries still in the waitlist: they count as waitlisted and toward the user's tickets. */
export const LIVE = ['WAITING', 'OFFERED'] as const satisfies readonly EntryState[]
export const isLive = (state: EntryState): boolean => (LIVE as readonly EntryState[]).includes(state)

/** What an offer's order ending does to its entry: paid, or given up (released), or let run out. */
export const entryAfterOrder = (orderState: string): EntryState | null => {
  if (orderState === 'PAID') return 'FULFILLED'
  if (orderState === 'EXPIRED') return 'EXPIRED'
  if (orderState === 'RELEASED') return 'CANCELLED'
  return null
}

/** Why an entry cannot be left now, or null (CANCELLED: a retried DELETE, answered the same). */
export const whyNotLeave = (state: EntryState) =>
  state === 'FULFILLED' || state === 'EXPIRED'
    ? fail('WAITLIST_ENTRY_ENDED', `This waitlist entry has already ended (${state})`)
    : null

/** SQL for a list of states, from the constants above (never user input). */
export const sqlStates = (states: readonly EntryState[]) => states.map((s) => `'${s}'`).join(', ')
