// The page's state and the small helpers that read it: shared by its actions (app.ts) and its rendering (page-view.ts).
import type {
  Concert,
  DateInfo,
  Hold,
  Payment,
  QueueStatus,
  RefundQuote,
  SaleState,
  Seat,
  Section,
  Ticket,
} from './api'
import { translate, type Lang, type TextKey } from './i18n'

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
  /** A refund's terms, shown for the user to confirm. */
  quote: RefundQuote | null
  message: { kind: 'error' | 'info'; text: string } | null
}

export const state: State = {
  lang: (localStorage.getItem('lang') as Lang) ?? (navigator.language.startsWith('ko') ? 'ko' : 'en'),
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
  quote: null,
  message: null,
}

export const t = (key: TextKey, vars?: Record<string, string | number>) => translate(state.lang, key, vars)
export const money = (n: number) => t('won', { n: n.toLocaleString(state.lang === 'ko' ? 'ko-KR' : 'en-US') })
export const duration = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
export const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString(state.lang === 'ko' ? 'ko-KR' : 'en-US', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
export const SEATS_PER_PAGE = 200
/** "Seat 7" or "Seats 7, 8, 9". */
export const seatList = (seatNumbers: number[]) =>
  seatNumbers.length === 1 ? t('seat', { n: seatNumbers[0]! }) : t('seats', { list: seatNumbers.join(', ') })
export const me = () => ({ accessToken: state.accessToken })
export const admitted = () => ({ accessToken: state.accessToken, queueToken: state.queue?.token })
