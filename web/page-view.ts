// The page drawn from its state: render() after every change, tick() once a second for the
// countdowns, which change with no request.
import { $, esc } from './dom'
import { clock, duration, money, SEATS_PER_PAGE, seatList, state, t } from './page-state'
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
  $('date-list').innerHTML = state.dates.length
    ? state.dates
        .map((d) => `<li><span>${d.date}</span><span>${t('seatsLeft', { n: d.availableSeats })}</span></li>`)
        .join('')
    : `<li>${t('noDates')}</li>`
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
    const done =
      position !== null && state.firstPosition > 1 ? (state.firstPosition - position) / (state.firstPosition - 1) : 0
    $<HTMLProgressElement>('progress').value = Math.max(0.03, done)
    $('connection').textContent = state.live ? t('live') : t('polling')
  }

  if (isActive) renderSeats()

  if (state.payment) {
    const p = state.payment
    $('paid-detail').textContent = t('paidDetail', {
      date: p.date,
      seats: seatList(p.seatNumbers),
      amount: money(p.amount),
      id: p.paymentId.slice(0, 8),
    })
  }
  renderTickets()
}

/** The section picker, one section's seats as a grid (a page at a time), the order being chosen and the hold. */
function renderSeats() {
  $('date-tabs').innerHTML = state.dates
    .map(
      (d) =>
        `<button type="button" class="tab ${d.date === state.date ? 'selected' : ''}" data-date="${d.date}">${d.date}</button>`,
    )
    .join('')
  $('section-tabs').innerHTML = state.sections
    .map(
      (s) =>
        `<button type="button" class="tab section ${s.name === state.section ? 'selected' : ''}" data-section="${esc(s.name)}">
          <strong>${esc(s.name)}</strong><span>${money(s.price)}</span><span>${t('seatsLeft', { n: s.availableSeats })}</span></button>`,
    )
    .join('')
  const pages = Math.max(1, Math.ceil(state.seats.length / SEATS_PER_PAGE))
  const shown = state.seats.slice(state.seatPage * SEATS_PER_PAGE, (state.seatPage + 1) * SEATS_PER_PAGE)
  const held = new Set(state.hold?.date === state.date ? state.hold.seatNumbers : [])
  const picked = new Set(state.picked.map((s) => s.seatNumber))
  $('seat-grid').innerHTML = shown
    .map((s) => {
      const mark = held.has(s.seatNumber) ? 'mine' : picked.has(s.seatNumber) ? 'picked' : ''
      return `<button type="button" class="seat ${s.status.toLowerCase()} ${mark}" data-seat="${s.seatNumber}" data-status="${s.status}" aria-pressed="${picked.has(s.seatNumber)}"
        ${s.status !== 'AVAILABLE' || state.hold ? 'disabled' : ''} title="${esc(s.section)} · ${money(s.price)}">${s.seatNumber}</button>`
    })
    .join('')
  $('seat-pager').hidden = pages === 1
  if (shown.length > 0)
    $('seat-page').textContent = t('seatRange', {
      from: shown[0]!.seatNumber,
      to: shown[shown.length - 1]!.seatNumber,
      page: state.seatPage + 1,
      pages,
    })
  $<HTMLButtonElement>('seat-prev').disabled = state.seatPage === 0
  $<HTMLButtonElement>('seat-next').disabled = state.seatPage >= pages - 1

  $('order-panel').hidden = state.picked.length === 0 || state.hold !== null
  if (state.picked.length > 0) {
    $('order-seats').textContent = state.picked.map((s) => `${s.section} ${s.seatNumber}`).join(', ')
    $('order-total').textContent = money(state.picked.reduce((sum, s) => sum + s.price, 0))
    $('hold-order').textContent = t('holdSeats', { n: state.picked.length })
  }
  $('hold-panel').hidden = !state.hold
  if (state.hold) {
    const sections = [...new Set(state.hold.seats.map((s) => s.section))].join(', ')
    $('hold-seat').textContent =
      `${state.hold.date} · ${sections} · ${seatList(state.hold.seatNumbers)} · ${money(state.hold.price)}`
  }
  tick()
}

/** My tickets: one line per order, each with a refund button; its fee shown before the refund is confirmed. */
function renderTickets() {
  if (state.tickets.length === 0) {
    $('ticket-list').innerHTML = `<li>${t('noTickets')}</li>`
    return
  }
  $('ticket-list').innerHTML = state.tickets
    .map((r) => {
      const quote = state.quote?.reservationId === r.reservationId ? state.quote : null
      return `<li data-ticket="${r.reservationId}"><span>${r.date} · ${seatList(r.seatNumbers)} · ${money(r.price)}</span>${
        quote
          ? `<div class="quote"><p>${t('refundTerms', { fee: money(quote.fee), percent: quote.feePercent, amount: money(quote.amount) })}</p>
              <div class="actions"><button type="button" class="danger" data-confirm-refund="${r.reservationId}">${t('confirmRefund')}</button>
              <button type="button" data-keep="${r.reservationId}">${t('keepTicket')}</button></div></div>`
          : `<button type="button" data-refund="${r.reservationId}">${t('refund')}</button>`
      }</li>`
    })
    .join('')
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
  else if (beforePreQueue)
    schedule.textContent = t('preQueueOpensIn', { t: duration((Date.parse(sale.preQueueOpensAt!) - now) / 1000) })
  else if (beforeOpening)
    schedule.textContent = t('saleOpensIn', {
      t: duration((Date.parse(sale.opensAt!) - now) / 1000),
      time: clock(sale.opensAt!),
    })
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
  if (state.queue?.status === 'PRE_QUEUE' && state.queue.opensAt) {
    // Past the opening the draw is giving places, a slice a second: this entry's is still to come.
    const untilDraw = (Date.parse(state.queue.opensAt) - now) / 1000
    $('eta').textContent = untilDraw > 0 ? duration(untilDraw) : t('drawing')
  }
  if (state.queue?.activeUntil)
    $('active-left').textContent = duration((Date.parse(state.queue.activeUntil) - now) / 1000)
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
