// The fan's turn: dates and sections, the seat grid (SeatGrid.tsx), the order being chosen
// and the hold with its countdown.
import { useClock } from '../common/store'
import { duration } from '../common/wait-time'
import { clearPicks, holdOrder, pay, pickDate, pickSection, releaseHold } from './actions'
import { SeatGrid } from './SeatGrid'
import { money, seatList, state, t } from './state'

export function Sale() {
  return (
    <section id="sale" class="card">
      <h2>{t('active')}</h2>
      <p class="muted">
        <span>{t('activeUntil')}</span> <Countdown id="active-left" until={state.queue?.activeUntil ?? undefined} />
      </p>
      <div id="date-tabs" class="tabs">
        {state.dates.map((d) => (
          <button
            type="button"
            key={d.date}
            class={`tab ${d.date === state.date ? 'selected' : ''}`}
            data-date={d.date}
            onClick={() => pickDate(d.date)}
          >
            {d.date}
          </button>
        ))}
      </div>
      <h3>{t('sections')}</h3>
      <div id="section-tabs" class="tabs sections">
        {state.sections.map((s) => (
          <button
            type="button"
            key={s.name}
            class={`tab section ${s.name === state.section ? 'selected' : ''}`}
            data-section={s.name}
            onClick={() => pickSection(s.name)}
          >
            <strong>{s.name}</strong>
            <span>{money(s.price)}</span>
            <span>{t('seatsLeft', { n: s.availableSeats })}</span>
          </button>
        ))}
      </div>
      <h3>{t('seatMap')}</h3>
      <div class="stage">STAGE</div>
      <SeatGrid />
      <ul class="legend">
        {(['available', 'picked', 'held', 'sold'] as const).map((key) => (
          <li key={key}>
            <i class={`seat ${key}`}></i>
            <span>{t(key)}</span>
          </li>
        ))}
      </ul>
      {state.picked.length > 0 && !state.hold && <Order />}
      {state.hold && <HoldPanel />}
    </section>
  )
}

/** m:ss to a moment, redrawn each second by itself. */
function Countdown({ id, until }: { id: string; until: string | undefined }) {
  const now = useClock()
  return (
    <strong id={id} class={id === 'hold-left' ? 'countdown' : ''}>
      {until ? duration((Date.parse(until) - now) / 1000) : ''}
    </strong>
  )
}

function Order() {
  return (
    <div id="order-panel" class="hold">
      <h3>{t('order')}</h3>
      <p id="order-seats">{state.picked.map((s) => `${s.section} ${s.seatNumber}`).join(', ')}</p>
      <p>
        <span>{t('total')}</span>{' '}
        <strong id="order-total">{money(state.picked.reduce((sum, s) => sum + s.price, 0))}</strong>
      </p>
      <div class="actions">
        <button type="button" id="hold-order" class="primary" onClick={holdOrder}>
          {t('holdSeats', { n: state.picked.length })}
        </button>
        <button type="button" id="clear-order" onClick={clearPicks}>
          {t('clearOrder')}
        </button>
      </div>
    </div>
  )
}

function HoldPanel() {
  const hold = state.hold!
  const sections = [...new Set(hold.seats.map((s) => s.section))].join(', ')
  return (
    <div id="hold-panel" class="hold">
      <h3>{t('hold')}</h3>
      <p id="hold-seat">{`${hold.date} · ${sections} · ${seatList(hold.seatNumbers)} · ${money(hold.price)}`}</p>
      <p>
        <span>{t('holdEnds')}</span> <Countdown id="hold-left" until={hold.expiresAt} />
      </p>
      <div class="actions">
        <button type="button" id="pay" class="primary" onClick={pay}>
          {t('pay')}
        </button>
        <button type="button" id="release" onClick={releaseHold}>
          {t('release')}
        </button>
      </div>
    </div>
  )
}
