// What the fans' page reads: who the user is and their money, the catalog, the seats.
import { api, type Concert, type DateInfo, type SaleState, type Seat, type Section } from '../common/api'
import { prepareProof } from './entry/proof'
import { admitted, attempt, me, SEATS_PER_PAGE, state, type State } from './state'

export async function signIn() {
  const saved = localStorage.getItem('user')
  if (saved) Object.assign(state, JSON.parse(saved))
  try {
    if (state.accessToken) return await refreshWallet()
  } catch {
    // A token from an earlier server or an expired one: start as a new user.
  }
  const user = await api<{ userId: string; accessToken: string }>('POST', '/api/users', {})
  Object.assign(state, user)
  localStorage.setItem('user', JSON.stringify(user))
  await refreshWallet()
}

export async function refreshWallet() {
  const [{ balance }, { reservations }] = await Promise.all([
    api<{ balance: number }>('GET', '/api/users/me/balance', undefined, me()),
    api<{ reservations: State['tickets'] }>('GET', '/api/users/me/reservations', undefined, me()),
  ])
  state.balance = balance
  state.tickets = reservations
}

export async function loadConcerts() {
  state.concerts = (await api<{ concerts: Concert[] }>('GET', '/api/concerts')).concerts
  if (!state.concertId && state.concerts.length > 0) state.concertId = state.concerts[0]!.concertId
  if (state.concertId) await loadDates()
}

export async function loadDates() {
  ;[state.dates, state.sale] = await Promise.all([
    api<{ dates: DateInfo[] }>('GET', `/api/concerts/${state.concertId}/dates`).then((r) => r.dates),
    api<SaleState>('GET', `/api/concerts/${state.concertId}/sale`),
  ])
  if (!state.date || !state.dates.some((d) => d.date === state.date)) state.date = state.dates[0]?.date ?? null
  // Out of line, the entry's proof of work (if the concert asks one) is solved while the fan looks at the countdown.
  if (!state.queue && state.sale?.state !== 'SOLD_OUT') prepareProof(state.concertId!).catch(() => {})
}

/** After a sale or a sell-out the catalog's counts have changed; the Worker's view of them may be a second old. */
export function refreshCatalogSoon() {
  setTimeout(() => void attempt(loadDates), 1_500)
}

/** The date's sections, then the chosen section's seats: one section at a time. */
export async function refreshSeats() {
  if (state.queue?.status !== 'ACTIVE') return
  await loadDates()
  if (!state.date) return
  const path = `/api/concerts/${state.concertId}/dates/${state.date}`
  state.sections = (await api<{ sections: Section[] }>('GET', `${path}/sections`, undefined, admitted())).sections
  if (!state.sections.some((s) => s.name === state.section)) {
    state.section = state.sections[0]?.name ?? null
    state.seatPage = 0
  }
  if (!state.section) return
  const query = `?section=${encodeURIComponent(state.section)}`
  state.seats = (await api<{ seats: Seat[] }>('GET', `${path}/seats${query}`, undefined, admitted())).seats
  state.seatPage = Math.min(state.seatPage, Math.max(0, Math.ceil(state.seats.length / SEATS_PER_PAGE) - 1))
  // A seat picked a moment ago may have been taken since.
  const available = new Set(state.seats.filter((s) => s.status === 'AVAILABLE').map((s) => s.seatNumber))
  state.picked = state.picked.filter((s) => s.section !== state.section || available.has(s.seatNumber))
}
