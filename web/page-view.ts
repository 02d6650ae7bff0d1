// The page drawn from its state: render() after every change, tick() once a second for the
// countdowns, which change with no request.
import { $, esc } from './dom'
import { clock, duration, money, state, t } from './page-state'
import type { TextKey } from './i18n'

export function render() {
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

let holdExpired = () => {}
/** What the page does when the hold runs out under the user's eyes (app.ts: refresh the seats). */
export function whenHoldExpires(action: () => void) {
  holdExpired = action
}

/** Countdowns, once a second, without a full render. */
export function tick() {
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
      holdExpired()
    }
  }
}
