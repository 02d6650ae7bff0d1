// What the fan does on the page, one function per action; the components call them.
import { api, type Hold, type Payment, type Refund, type RefundQuote } from '../common/api'
import { checkDraw } from './draw-check'
import { loadConcerts, loadDates, refreshCatalogSoon, refreshSeats, refreshWallet } from './data'
import { joinQueue, leaveLine } from './line'
import { refreshHeldTicketsQuietly } from './tickets/data'
import { admitted, attempt, me, money, show, state, store, t } from './state'

export const join = () => void attempt(joinQueue)

export function switchLang() {
  state.lang = state.lang === 'ko' ? 'en' : 'ko'
  localStorage.setItem('lang', state.lang)
  store.changed()
}

export function pickConcert(concertId: string) {
  state.concertId = concertId
  // The sections seen are another concert's: the waitlist must not offer them for this one.
  state.sections = []
  void attempt(loadDates)
}

export function pickDate(date: string) {
  state.date = date
  state.picked = []
  void attempt(refreshSeats)
}

export function pickSection(name: string) {
  state.section = name
  state.seatPage = 0
  void attempt(refreshSeats)
}

export function turnSeatPage(by: 1 | -1) {
  state.seatPage += by
  store.changed()
}

export function togglePick(seatNumber: number) {
  const seat = state.seats.find((s) => s.seatNumber === seatNumber)
  if (!seat) return
  const at = state.picked.findIndex((s) => s.seatNumber === seatNumber)
  if (at >= 0) state.picked.splice(at, 1)
  else state.picked.push(seat)
  store.changed()
}

export function clearPicks() {
  state.picked = []
  store.changed()
}

let holdTimer: number | undefined

/** The picked seats, held together or not at all; when the hold runs out under the user's eyes, the seats are refreshed. */
export const holdOrder = () =>
  void attempt(async () => {
    try {
      const hold = await api<Hold>(
        'POST',
        `/api/concerts/${state.concertId}/reservations`,
        { date: state.date, seatNumbers: state.picked.map((s) => s.seatNumber) },
        admitted(),
      )
      state.hold = hold
      state.picked = []
      clearTimeout(holdTimer)
      holdTimer = window.setTimeout(
        () => {
          if (state.hold !== hold) return
          state.hold = null
          state.message = { kind: 'error', text: t('err.RESERVATION_EXPIRED') }
          store.changed()
          refreshSeats().then(store.changed, show)
        },
        Date.parse(hold.expiresAt) - Date.now(),
      )
    } finally {
      await refreshSeats()
    }
  })

export const releaseHold = () =>
  void attempt(async () => {
    if (!state.hold) return
    const path = `/api/concerts/${state.concertId}/reservations/${state.hold.reservationId}`
    await api('DELETE', path, undefined, admitted())
    state.hold = null
    await refreshSeats()
  })

export const pay = () =>
  void attempt(async () => {
    if (!state.hold) return
    // The reservation id as Idempotency-Key: a double click or a retry pays once.
    state.payment = await api<Payment>(
      'POST',
      '/api/payments',
      { reservationId: state.hold.reservationId },
      { ...admitted(), idempotencyKey: state.hold.reservationId },
    )
    state.hold = null
    state.picked = []
    state.queue = null
    leaveLine()
    refreshCatalogSoon()
    await refreshWallet()
    void refreshHeldTicketsQuietly()
  })

export const quoteRefund = (reservationId: string) =>
  void attempt(async () => {
    const path = `/api/users/me/reservations/${reservationId}/refund`
    state.quote = await api<RefundQuote>('GET', path, undefined, me())
  })

export function keepTicket() {
  state.quote = null
  store.changed()
}

export const refund = (reservationId: string) =>
  void attempt(async () => {
    // The reservation id as Idempotency-Key: a double click refunds once.
    const done = await api<Refund>('POST', `/api/users/me/reservations/${reservationId}/refund`, undefined, {
      ...me(),
      idempotencyKey: `refund-${reservationId}`,
    })
    state.quote = null
    state.message = { kind: 'info', text: t('refunded', { amount: money(done.amount), fee: money(done.fee) }) }
    refreshCatalogSoon()
    await refreshWallet()
    void refreshHeldTicketsQuietly()
    await refreshSeats()
  })

export const verifyDraw = () =>
  void attempt(async () => {
    state.verification = t('verifying')
    store.changed()
    const check = await checkDraw(state.concertId!, state.entryId!)
    state.verification = check.ok
      ? t('verified', { rank: check.rank, n: check.total })
      : t('verifyFailed', { detail: check.reason })
  })

export const charge = (amount: number) =>
  void attempt(async () => {
    const path = '/api/users/me/balance/charges'
    state.balance = (await api<{ balance: number }>('POST', path, { amount }, me())).balance
  })

export function otherConcerts() {
  state.payment = null
  void attempt(loadConcerts)
}
