// The whole purchase in one page: pick a concert, wait in line (live over a WebSocket, polling
// if it drops), pick and hold a seat, pay from the balance. No framework: state + render().
import { api, ApiError, type Concert, type DateInfo, type Hold, type Payment, type QueueStatus, type SaleState, type Seat, type Ticket } from './api'
import { checkDraw } from './draw-check'
import { errorKey, translate, type Lang, type TextKey } from './i18n'

interface State {
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
  seats: Seat[]
  hold: Hold | null
  payment: Payment | null
  tickets: Ticket[]
  message: { kind: 'error' | 'info'; text: string } | null
}

const state: State = {
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
  seats: [],
  hold: null,
  payment: null,
  tickets: [],
  message: null,
}

const t = (key: TextKey, vars?: Record<string, string | number>) => translate(state.lang, key, vars)
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const money = (n: number) => t('won', { n: n.toLocaleString(state.lang === 'ko' ? 'ko-KR' : 'en-US') })
const duration = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
const clock = (iso: string) => new Date(iso).toLocaleTimeString(state.lang === 'ko' ? 'ko-KR' : 'en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
const me = () => ({ accessToken: state.accessToken })
const admitted = () => ({ accessToken: state.accessToken, queueToken: state.queue?.token })

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
    const message = JSON.parse(event.data as string)
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

async function refreshSeats() {
  if (state.queue?.status !== 'ACTIVE') return
  await loadDates()
  if (!state.date) return
  state.seats = (await api<{ seats: Seat[] }>('GET', `/api/concerts/${state.concertId}/dates/${state.date}/seats`, undefined, admitted())).seats
}

async function holdSeat(seatNumber: number) {
  try {
    state.hold = await api<Hold>('POST', `/api/concerts/${state.concertId}/reservations`, { date: state.date, seatNumber }, admitted())
  } finally {
    await refreshSeats()
  }
}

async function releaseHold() {
  if (!state.hold) return
  await api('DELETE', `/api/concerts/${state.concertId}/reservations/${state.hold.reservationId}`, undefined, admitted())
  state.hold = null
  await refreshSeats()
}

async function pay() {
  if (!state.hold) return
  // The reservation id as Idempotency-Key: a double click or a retry pays once.
  state.payment = await api<Payment>('POST', '/api/payments', { reservationId: state.hold.reservationId }, { ...admitted(), idempotencyKey: state.hold.reservationId })
  state.hold = null
  state.queue = null
  socket?.close()
  refreshCatalogSoon()
  await refreshWallet()
}

async function verifyDraw() {
  state.verification = t('verifying')
  render()
  const check = await checkDraw(state.concertId!, state.entryId!)
  state.verification = check.ok ? t('verified', { rank: check.rank, n: check.total }) : t('verifyFailed', { detail: check.reason })
}

async function charge(amount: number) {
  state.balance = (await api<{ balance: number }>('POST', '/api/users/me/balance/charges', { amount }, me())).balance
}

// --- rendering ---

function render() {
  document.documentElement.lang = state.lang
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as TextKey)
  $('lang').textContent = state.lang === 'ko' ? 'English' : '한국어'
  $('balance').textContent = money(state.balance)
  const message = $('message')
  message.hidden = !state.message
  message.className = `message ${state.message?.kind ?? ''}`
  message.textContent = state.message?.text ?? ''

  const inQueue = state.queue !== null
  const isActive = state.queue?.status === 'ACTIVE'
  $('catalog').hidden = inQueue
  $('queue').hidden = !inQueue || isActive
  $('sale').hidden = !isActive
  $('confirmation').hidden = !state.payment || inQueue

  $('concert-list').innerHTML = state.concerts
    .map(
      (c) =>
        `<button type="button" class="concert ${c.concertId === state.concertId ? 'selected' : ''}" data-concert="${c.concertId}">
          <strong>${esc(c.title)}</strong>${c.venue ? `<span>${esc(c.venue)}</span>` : ''}${
            c.opensAt && Date.parse(c.opensAt) > Date.now()
              ? `<span>${t('onSaleAt', { time: new Date(c.opensAt).toLocaleString(state.lang === 'ko' ? 'ko-KR' : 'en-US', { dateStyle: 'medium', timeStyle: 'short' }) })}</span>`
              : ''
          }</button>`,
    )
    .join('')
  $('date-list').innerHTML = state.dates.length ? state.dates.map((d) => `<li><span>${d.date}</span><span>${t('seatsLeft', { n: d.availableSeats })}</span></li>`).join('') : `<li>${t('noDates')}</li>`
  renderSchedule()

  const preQueue = state.queue?.status === 'PRE_QUEUE'
  $('queue-title').textContent = preQueue ? t('preQueue') : t('waiting')
  $('pre-queue-note').hidden = !preQueue
  $('eta-label').textContent = preQueue ? t('drawIn') : t('eta')
  if (state.queue?.opensAt) $('pre-queue-note').textContent = t('preQueueNote', { time: clock(state.queue.opensAt) })
  const drawn = state.entryId !== null && !preQueue && state.sale?.seedCommitment !== undefined
  $('draw').hidden = !drawn
  if (drawn) {
    $('entry-id').textContent = state.entryId!
    $<HTMLAnchorElement>('draw-link').href = `/api/concerts/${state.concertId}/sale/draw`
    $('verification').textContent = state.verification ?? ''
  }

  if (state.queue && !isActive) {
    const { position, estimatedWaitSeconds } = state.queue
    $('position').textContent = position === null ? t('positionPending') : t('positionValue', { n: position })
    $('position').classList.toggle('pending', position === null)
    $('eta').textContent = duration(estimatedWaitSeconds)
    tick()
    $('queue-seats').textContent = t('seatsLeft', { n: state.queue.seatsLeft })
    const done = position !== null && state.firstPosition > 1 ? (state.firstPosition - position) / (state.firstPosition - 1) : 0
    $<HTMLProgressElement>('progress').value = Math.max(0.03, done)
    $('connection').textContent = state.live ? t('live') : t('polling')
  }

  if (isActive) {
    $('date-tabs').innerHTML = state.dates.map((d) => `<button type="button" class="tab ${d.date === state.date ? 'selected' : ''}" data-date="${d.date}">${d.date}</button>`).join('')
    $('seat-grid').innerHTML = state.seats
      .map((s) => {
        const mine = state.hold?.seatNumber === s.seatNumber && state.hold.date === state.date
        return `<button type="button" class="seat ${s.status.toLowerCase()} ${mine ? 'mine' : ''}" data-seat="${s.seatNumber}" data-status="${s.status}"
          ${s.status !== 'AVAILABLE' || state.hold ? 'disabled' : ''} title="${money(s.price)}">${s.seatNumber}</button>`
      })
      .join('')
    $('hold-panel').hidden = !state.hold
    if (state.hold) {
      $('hold-seat').textContent = `${state.hold.date} · ${t('seat', { n: state.hold.seatNumber })} · ${money(state.hold.price)}`
    }
    tick()
  }

  if (state.payment) {
    const p = state.payment
    $('paid-detail').textContent = t('paidDetail', { date: p.date, seat: p.seatNumber, amount: p.amount.toLocaleString(), id: p.paymentId.slice(0, 8) })
  }
  $('ticket-list').innerHTML = state.tickets.length ? state.tickets.map((r) => `<li>${r.date} · ${t('seat', { n: r.seatNumber })} · ${money(r.price)}</li>`).join('') : `<li>${t('noTickets')}</li>`
}

/** The catalog's join button and the sale's countdowns, from the clock: they change without any request. */
function renderSchedule() {
  const now = Date.now()
  const sale = state.sale
  const join = $<HTMLButtonElement>('join')
  const schedule = $('sale-schedule')
  const beforePreQueue = sale?.preQueueOpensAt !== undefined && now < Date.parse(sale.preQueueOpensAt)
  const beforeOpening = sale?.opensAt !== undefined && now < Date.parse(sale.opensAt)
  const soldOut = sale?.state === 'SOLD_OUT'
  schedule.hidden = !beforePreQueue && !beforeOpening && !soldOut
  if (soldOut) schedule.textContent = t('soldOut')
  else if (beforePreQueue) schedule.textContent = t('preQueueOpensIn', { t: duration((Date.parse(sale!.preQueueOpensAt!) - now) / 1000) })
  else if (beforeOpening) schedule.textContent = t('saleOpensIn', { t: duration((Date.parse(sale!.opensAt!) - now) / 1000), time: clock(sale!.opensAt!) })
  join.textContent = beforeOpening && !beforePreQueue ? t('joinPreQueue') : t('join')
  join.disabled = !state.concertId || state.dates.length === 0 || beforePreQueue || soldOut
}

/** Countdowns, once a second, without a full render. */
function tick() {
  const now = Date.now()
  if (state.queue === null) renderSchedule()
  if (state.queue?.status === 'PRE_QUEUE' && state.queue.opensAt) $('eta').textContent = duration((Date.parse(state.queue.opensAt) - now) / 1000)
  if (state.queue?.activeUntil) $('active-left').textContent = duration((Date.parse(state.queue.activeUntil) - now) / 1000)
  if (state.hold) {
    const left = (Date.parse(state.hold.expiresAt) - now) / 1000
    $('hold-left').textContent = duration(left)
    if (left <= 0) {
      state.hold = null
      state.message = { kind: 'error', text: t('err.RESERVATION_EXPIRED') }
      void attempt(refreshSeats)
    }
  }
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
    void attempt(refreshSeats)
  } else if (target.dataset.seat) {
    void attempt(() => holdSeat(Number(target.dataset.seat)))
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
