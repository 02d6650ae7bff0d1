// The whole purchase in one page: pick a concert, wait in line (live over a WebSocket, polling
// if it drops), pick a section and seats, hold them as one order, pay from the balance, and
// refund from "My tickets". No framework: state + render().
import {
  api,
  ApiError,
  type Concert,
  type DateInfo,
  type Hold,
  type Payment,
  type QueueStatus,
  type Refund,
  type RefundQuote,
  type SaleState,
  type Seat,
  type Section,
} from './api'
import { checkDraw } from './draw-check'
import { errorKey } from './i18n'
import { $ } from './dom'
import { admitted, me, money, SEATS_PER_PAGE, state, t, type State } from './page-state'
import { render, tick, whenHoldExpires } from './page-view'

function show(err: unknown) {
  if (err instanceof ApiError) {
    state.message = { kind: 'error', text: t(errorKey(err.code), { detail: err.message }) }
  } else {
    state.message = { kind: 'error', text: t('err.NETWORK') }
  }
  render()
}

async function attempt(action: () => Promise<void>) {
  try {
    state.message = null
    await action()
  } catch (err) {
    show(err)
  }
  render()
}

// --- identity and money ---

async function signIn() {
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

async function refreshWallet() {
  const [{ balance }, { reservations }] = await Promise.all([
    api<{ balance: number }>('GET', '/api/users/me/balance', undefined, me()),
    api<{ reservations: State['tickets'] }>('GET', '/api/users/me/reservations', undefined, me()),
  ])
  state.balance = balance
  state.tickets = reservations
}

// --- catalog ---

async function loadConcerts() {
  state.concerts = (await api<{ concerts: Concert[] }>('GET', '/api/concerts')).concerts
  if (!state.concertId && state.concerts.length > 0) state.concertId = state.concerts[0]!.concertId
  if (state.concertId) await loadDates()
}

async function loadDates() {
  ;[state.dates, state.sale] = await Promise.all([
    api<{ dates: DateInfo[] }>('GET', `/api/concerts/${state.concertId}/dates`).then((r) => r.dates),
    api<SaleState>('GET', `/api/concerts/${state.concertId}/sale`),
  ])
  if (!state.date || !state.dates.some((d) => d.date === state.date)) state.date = state.dates[0]?.date ?? null
}

// --- the queue: pushed over a WebSocket, polled when the socket is down ---

let socket: WebSocket | null = null
let pollTimer: number | undefined

async function joinQueue() {
  const status = await api<QueueStatus>('POST', `/api/concerts/${state.concertId}/queue/tokens`, undefined, me())
  state.firstPosition = Math.max(status.position ?? 0, 1)
  onStatus(status)
  connect()
}

function connect() {
  const token = state.queue?.token
  if (!token) return
  const url = `${location.origin.replace(/^http/, 'ws')}/api/concerts/${state.concertId}/queue/ws?token=${encodeURIComponent(token)}`
  socket = new WebSocket(url)
  socket.onopen = () => {
    state.live = true
    clearTimeout(pollTimer)
    render()
  }
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data as string) as { status?: string }
    if (message.status === 'EXPIRED') onEnded('QUEUE_TOKEN_INVALID')
    else onStatus(message as QueueStatus)
  }
  socket.onclose = () => {
    socket = null
    state.live = false
    if (state.queue) schedulePoll(state.queue.pollAfterSeconds)
    render()
  }
}

function schedulePoll(seconds: number) {
  clearTimeout(pollTimer)
  pollTimer = window.setTimeout(async () => {
    if (!state.queue || socket) return
    try {
      onStatus(await api<QueueStatus>('GET', `/api/concerts/${state.concertId}/queue/status`, undefined, admitted()))
      schedulePoll(state.queue?.pollAfterSeconds ?? 5)
      connect() // try to get back to pushes
    } catch (err) {
      if (err instanceof ApiError && err.code === 'QUEUE_TOKEN_INVALID') onEnded('QUEUE_TOKEN_INVALID')
      else schedulePoll(5)
    }
  }, seconds * 1000)
}

function onStatus(status: QueueStatus) {
  if (status.status === 'SOLD_OUT') return onEnded('SOLD_OUT')
  const wasActive = state.queue?.status === 'ACTIVE'
  state.queue = status
  if (status.entryId) state.entryId = status.entryId
  if (status.status === 'WAITING') state.firstPosition = Math.max(state.firstPosition, status.position ?? 0)
  if (status.status === 'ACTIVE' && !wasActive) void attempt(refreshSeats)
  render()
}

/** The place ended: the turn ran out, or every seat was sold (after a payment the token ends by design). */
function onEnded(why: 'QUEUE_TOKEN_INVALID' | 'SOLD_OUT') {
  socket?.close()
  clearTimeout(pollTimer)
  state.queue = null
  state.hold = null
  if (!state.payment || why === 'SOLD_OUT') state.message = { kind: 'error', text: t(`err.${why}`) }
  if (why === 'SOLD_OUT' && state.sale) state.sale = { ...state.sale, state: 'SOLD_OUT' }
  refreshCatalogSoon()
  render()
}

/** After a sale or a sell-out the catalog's counts have changed; the Worker's view of them may be a second old. */
function refreshCatalogSoon() {
  setTimeout(() => void attempt(loadDates), 1_500)
}

// --- seats, hold, payment ---

/** The date's sections, then the chosen section's seats: one section at a time. */
async function refreshSeats() {
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
  state.seats = (
    await api<{ seats: Seat[] }>(
      'GET',
      `${path}/seats?section=${encodeURIComponent(state.section)}`,
      undefined,
      admitted(),
    )
  ).seats
  state.seatPage = Math.min(state.seatPage, Math.max(0, Math.ceil(state.seats.length / SEATS_PER_PAGE) - 1))
  // A seat picked a moment ago may have been taken since.
  const available = new Set(state.seats.filter((s) => s.status === 'AVAILABLE').map((s) => s.seatNumber))
  state.picked = state.picked.filter((s) => s.section !== state.section || available.has(s.seatNumber))
}

function togglePick(seatNumber: number) {
  const seat = state.seats.find((s) => s.seatNumber === seatNumber)
  if (!seat) return
  const at = state.picked.findIndex((s) => s.seatNumber === seatNumber)
  if (at >= 0) state.picked.splice(at, 1)
  else state.picked.push(seat)
  render()
}

/** The picked seats, held together or not at all. */
async function holdOrder() {
  try {
    state.hold = await api<Hold>(
      'POST',
      `/api/concerts/${state.concertId}/reservations`,
      { date: state.date, seatNumbers: state.picked.map((s) => s.seatNumber) },
      admitted(),
    )
    state.picked = []
  } finally {
    await refreshSeats()
  }
}

async function releaseHold() {
  if (!state.hold) return
  await api(
    'DELETE',
    `/api/concerts/${state.concertId}/reservations/${state.hold.reservationId}`,
    undefined,
    admitted(),
  )
  state.hold = null
  await refreshSeats()
}

async function pay() {
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
  socket?.close()
  refreshCatalogSoon()
  await refreshWallet()
}

async function quoteRefund(reservationId: string) {
  state.quote = await api<RefundQuote>('GET', `/api/users/me/reservations/${reservationId}/refund`, undefined, me())
}

async function refund(reservationId: string) {
  // The reservation id as Idempotency-Key: a double click refunds once.
  const done = await api<Refund>('POST', `/api/users/me/reservations/${reservationId}/refund`, undefined, {
    ...me(),
    idempotencyKey: `refund-${reservationId}`,
  })
  state.quote = null
  state.message = { kind: 'info', text: t('refunded', { amount: money(done.amount), fee: money(done.fee) }) }
  refreshCatalogSoon()
  await refreshWallet()
  await refreshSeats()
}

async function verifyDraw() {
  state.verification = t('verifying')
  render()
  const check = await checkDraw(state.concertId!, state.entryId!)
  state.verification = check.ok
    ? t('verified', { rank: check.rank, n: check.total })
    : t('verifyFailed', { detail: check.reason })
}

async function charge(amount: number) {
  state.balance = (await api<{ balance: number }>('POST', '/api/users/me/balance/charges', { amount }, me())).balance
}

// --- wiring ---

document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('button')
  if (!target || target.hasAttribute('disabled')) return
  if (target.id === 'lang') {
    state.lang = state.lang === 'ko' ? 'en' : 'ko'
    localStorage.setItem('lang', state.lang)
    render()
  } else if (target.dataset.concert) {
    state.concertId = target.dataset.concert
    void attempt(loadDates)
  } else if (target.id === 'join') {
    void attempt(joinQueue)
  } else if (target.dataset.date) {
    state.date = target.dataset.date
    state.picked = []
    void attempt(refreshSeats)
  } else if (target.dataset.section) {
    state.section = target.dataset.section
    state.seatPage = 0
    void attempt(refreshSeats)
  } else if (target.id === 'seat-prev' || target.id === 'seat-next') {
    state.seatPage += target.id === 'seat-next' ? 1 : -1
    render()
  } else if (target.dataset.seat) {
    togglePick(Number(target.dataset.seat))
  } else if (target.id === 'hold-order') {
    void attempt(holdOrder)
  } else if (target.id === 'clear-order') {
    state.picked = []
    render()
  } else if (target.dataset.refund) {
    void attempt(() => quoteRefund(target.dataset.refund!))
  } else if (target.dataset.confirmRefund) {
    void attempt(() => refund(target.dataset.confirmRefund!))
  } else if (target.dataset.keep) {
    state.quote = null
    render()
  } else if (target.id === 'release') {
    void attempt(releaseHold)
  } else if (target.id === 'pay') {
    void attempt(pay)
  } else if (target.id === 'verify') {
    void attempt(verifyDraw)
  } else if (target.id === 'again') {
    state.payment = null
    void attempt(loadConcerts)
  }
})

$<HTMLFormElement>('charge-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const amount = Number(new FormData(event.target as HTMLFormElement).get('amount'))
  void attempt(() => charge(amount))
})

whenHoldExpires(() => void attempt(refreshSeats))
setInterval(tick, 1000)
// The seat map changes under everyone's feet: refresh it while choosing.
setInterval(() => {
  if (state.queue?.status === 'ACTIVE') void refreshSeats().then(render, show)
}, 3000)

render()
void attempt(async () => {
  await signIn()
  await loadConcerts()
})
