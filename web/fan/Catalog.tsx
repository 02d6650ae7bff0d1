// The catalog: the concerts, the chosen one's dates, its sale's countdowns and the join
// button, which the clock enables (the pre-queue opens with no request).
import { useClock } from '../common/store'
import { duration } from '../common/wait-time'
import { join, pickConcert } from './actions'
import { clock, dateTime, state, t } from './state'

export function Catalog() {
  const now = useClock()
  return (
    <section id="catalog" class="card">
      <h2>{t('concerts')}</h2>
      <div id="concert-list" class="concerts">
        {state.concerts.map((c) => (
          <button
            type="button"
            key={c.concertId}
            class={`concert ${c.concertId === state.concertId ? 'selected' : ''}`}
            data-concert={c.concertId}
            onClick={() => pickConcert(c.concertId)}
          >
            <strong>{c.title}</strong>
            {c.venue && <span>{c.venue}</span>}
            {c.opensAt && Date.parse(c.opensAt) > now && <span>{t('onSaleAt', { time: dateTime(c.opensAt) })}</span>}
          </button>
        ))}
      </div>
      <h3>{t('dates')}</h3>
      <ul id="date-list" class="dates">
        {state.dates.length === 0 && <li>{t('noDates')}</li>}
        {state.dates.map((d) => (
          <li key={d.date}>
            <span>{d.date}</span>
            <span>{t('seatsLeft', { n: d.availableSeats })}</span>
          </li>
        ))}
      </ul>
      <Schedule now={now} />
    </section>
  )
}

/** The sale's countdown, from the clock, and the join button it allows. */
function Schedule({ now }: { now: number }) {
  const sale = state.sale
  const beforePreQueue = sale?.preQueueOpensAt !== undefined && now < Date.parse(sale.preQueueOpensAt)
  const beforeOpening = sale?.opensAt !== undefined && now < Date.parse(sale.opensAt)
  const soldOut = sale?.state === 'SOLD_OUT'
  const schedule = soldOut
    ? t('soldOutWaitlist')
    : beforePreQueue
      ? t('preQueueOpensIn', { t: duration((Date.parse(sale.preQueueOpensAt!) - now) / 1000) })
      : beforeOpening
        ? t('saleOpensIn', { t: duration((Date.parse(sale.opensAt!) - now) / 1000), time: clock(sale.opensAt!) })
        : null
  return (
    <>
      <p id="sale-schedule" class="schedule" hidden={schedule === null}>
        {schedule ?? ''}
      </p>
      <button
        type="button"
        id="join"
        class="primary"
        disabled={!state.concertId || state.dates.length === 0 || beforePreQueue || soldOut}
        onClick={join}
      >
        {beforeOpening && !beforePreQueue ? t('joinPreQueue') : t('join')}
      </button>
      {state.proofProgress !== null && (
        <p id="proof" class="muted">
          <progress id="proof-progress" max="1" value={state.proofProgress} />{' '}
          <span id="proof-state">
            {state.proofProgress >= 1
              ? t('proofReady')
              : t('proofSolving', { p: Math.floor(state.proofProgress * 100) })}
          </span>
        </p>
      )}
    </>
  )
}
