// The fans' page state, the helpers that read it, and how an action reports its failure:
// shared by the actions (data.ts, line.ts, actions.ts) and the components.
import {
  ApiError,
  type Concert,
  type DateInfo,
  type Hold,
  type Payment,
  type QueueStatus,
  type RefundQuote,
  type SaleState,
  type Seat,
  type Section,
  type Ticket,
  type WaitlistEntry,
  type WaitlistOptions,
} from '../common/api'
import { errorKey, translate, type Lang, type TextKey } from '../common/i18n'
import { createStore, initialLang } from '../common/store'
import type { HeldTicket, TicketCode } from '../common/tickets-api'
import type { Message } from '../common/ui'

export interface State {
  lang: Lang
  userId: string
  accessToken: string
  balance: number
  concerts: Concert[]
  concertId: string | null
  dates: DateInfo[]
  sale: SaleState | null
  queue: QueueStatus | null
  /** The pre-queue entry the user was drawn as, kept after the place ends, to verify the draw. */
  entryId: string | null
  verification: string | null
  firstPosition: number
  live: boolean
  date: string | null
  sections: Section[]
  /** The section whose seats are shown: one at a time, so a 50,000-seat venue works on a phone. */
  section: string | null
  /** Which page of SEATS_PER_PAGE seats of the section is shown. */
  seatPage: number
  seats: Seat[]
  /** Seats chosen for the next order, before it is held. */
  picked: Seat[]
  hold: Hold | null
  payment: Payment | null
  tickets: Ticket[]
  /** The seats the user holds now, each its own ticket for the gate (web/fan/tickets/). */
  heldTickets: HeldTicket[]
  /** The one ticket whose code is on screen: its code (null while the first is fetched) and when it is renewed (local clock). */
  shownCode: { ticketId: string; code: TicketCode | null; renewAt: number } | null
  /** A ticket being given to a friend: the friend's id once typed, for the user to confirm. */
  giving: { ticketId: string; friend: string | null } | null
  /** A refund's terms, shown for the user to confirm. */
  quote: RefundQuote | null
  message: Message | null
  /** How far the entry's proof of work is solved (0 to 1; web/fan/entry/proof.ts), null when none is under way. */
  proofProgress: number | null
  /**
   * Cloudflare's Turnstile at the entry (web/fan/entry/turnstile.ts): off, or its widget's
   * standing: a token coming, one at hand, retrying after an error, or unable to load; null until known.
   */
  turnstile: 'off' | 'pending' | 'ready' | 'retrying' | 'unavailable' | null
  /** Whether a phone verifies the account (GET /api/users/me); null until known. */
  verified: boolean | null
  /** The code sent to the phone, waiting to be confirmed. */
  phoneCode: { verificationId: string; expiresAt: string } | null
  /** The fan's waitlist entries in every concert, newest first (web/fan/waitlist/); null until first fetched. */
  waitlist: WaitlistEntry[] | null
  /**
   * What the waitlist may be joined for (GET .../waitlist/options): every date not started, sold
   * out or not (the catalog lists bookable dates only), with its sections and the policy's
   * maxSeatsPerOrder; null until fetched. Its `concertId` says which concert it is of.
   */
  waitlistOptions: WaitlistOptions | null
}

export const store = createStore<State>({
  lang: initialLang(),
  userId: '',
  accessToken: '',
  balance: 0,
  concerts: [],
  concertId: new URLSearchParams(location.search).get('concert'),
  dates: [],
  sale: null,
  queue: null,
  entryId: null,
  verification: null,
  firstPosition: 0,
  live: false,
  date: null,
  sections: [],
  section: null,
  seatPage: 0,
  seats: [],
  picked: [],
  hold: null,
  payment: null,
  tickets: [],
  heldTickets: [],
  shownCode: null,
  giving: null,
  quote: null,
  message: null,
  proofProgress: null,
  turnstile: null,
  verified: null,
  phoneCode: null,
  waitlist: null,
  waitlistOptions: null,
})
export const state = store.state

export const SEATS_PER_PAGE = 200
const locale = () => (state.lang === 'ko' ? 'ko-KR' : 'en-US')
export const t = (key: TextKey, vars?: Record<string, string | number>) => translate(state.lang, key, vars)
/** A number with the separators of the page's language. */
export const count = (n: number) => n.toLocaleString(locale())
export const money = (n: number) => t('won', { n: count(n) })
export const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' })
export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
/** "Seat 7" or "Seats 7, 8, 9". */
export const seatList = (seatNumbers: number[]) =>
  seatNumbers.length === 1 ? t('seat', { n: seatNumbers[0]! }) : t('seats', { list: seatNumbers.join(', ') })
export const me = () => ({ accessToken: state.accessToken })
export const admitted = () => ({ accessToken: state.accessToken, queueToken: state.queue?.token })

export function show(err: unknown) {
  state.message =
    err instanceof ApiError
      ? { kind: 'error', text: t(errorKey(err.code), { detail: err.message }) }
      : { kind: 'error', text: t('err.NETWORK') }
  store.changed()
}

/** An action started by the user: the message cleared, its failure shown, the page redrawn. */
export async function attempt(action: () => Promise<void>) {
  try {
    state.message = null
    await action()
  } catch (err) {
    show(err)
  }
  store.changed()
}
