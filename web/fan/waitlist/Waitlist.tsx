// The waitlist panel: on a sold-out concert, or a date or section with nothing left, the fan
// joins it (seats, a section or any, autoPay explained); their entries below, pushed while the
// panel is on the page (data.ts): the place while WAITING, an offer with its countdown and a big Pay
// button, and how it ended.
import { useEffect, useState } from 'hono/jsx/dom'
import type { WaitlistEntry } from '../../common/api'
import { useClock } from '../../common/store'
import { duration } from '../../common/wait-time'
import { state, t } from '../state'
import { followWaitlist, joinWaitlist, leaveWaitlist, payOffer, refreshWaitlistOptionsQuietly } from './data'
import { offerSecondsLeft, waitlistChoices, waitlistPanel, type WaitlistPanelView } from './panel'

export function Waitlist() {
  const shownSection = state.sections.find((s) => s.name === state.section)
  const view = waitlistPanel({
    concertId: state.concertId,
    sale: state.sale,
    queueStatus: state.queue?.status ?? null,
    dateSeatsLeft: state.queue ? (state.dates.find((d) => d.date === state.date)?.availableSeats ?? 0) : null,
    sectionSeatsLeft: shownSection?.availableSeats ?? null,
    entries: state.waitlist ?? [],
  })
  return view.visible ? <WaitlistPanel view={view} /> : null
}

function WaitlistPanel({ view }: { view: WaitlistPanelView }) {
  // Mounted: followed (pushed); gone from the page: streams closed, no more requests.
  useEffect(() => followWaitlist(), [])
  return (
    <section id="waitlist" class="card">
      <h2>{t('waitlist.title')}</h2>
      {view.soldOut && (
        <p id="waitlist-sold-out" class="sold-out">
          {t('soldOutWaitlist')}
        </p>
      )}
      {view.canJoin && <JoinForm soldOut={view.soldOut} />}
      {view.entries.length > 0 && (
        <>
          <h3>{t('waitlist.mine')}</h3>
          <ul id="waitlist-entries" class="waitlist-entries">
            {view.entries.map((entry) => (
              <EntryRow key={entry.waitlistId} entry={entry} />
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function JoinForm({ soldOut }: { soldOut: boolean }) {
  // The date the fan chose in the select; until then, the one the catalog shows, if it may be joined.
  const [asked, setAsked] = useState<string | null>(null)
  useEffect(() => void refreshWaitlistOptionsQuietly(), [state.concertId])
  const options = state.waitlistOptions?.concertId === state.concertId ? state.waitlistOptions : null
  if (!options) return <p class="muted">…</p>
  const choices = waitlistChoices(options, [asked, state.date])
  const onSubmit = (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.target as HTMLFormElement)
    // The form's fields are text: no file input gives a File here.
    const section = (form.get('section') as string | null) ?? ''
    joinWaitlist({
      date: (form.get('date') as string | null) ?? '',
      ...(section ? { section } : {}),
      seats: Number(form.get('seats')),
      autoPay: form.get('autoPay') === 'on',
    })
  }
  return (
    <form id="waitlist-form" class="waitlist-form" onSubmit={onSubmit}>
      <p class="muted">{soldOut ? t('waitlist.intro') : t('waitlist.nothingHere')}</p>
      <label>
        <span>{t('waitlist.date')}</span>
        <select
          id="waitlist-date"
          name="date"
          required
          onChange={(e: Event) => setAsked((e.target as HTMLSelectElement).value)}
        >
          {choices.dates.map((d) => (
            <option key={d.date} value={d.date} disabled={d.onSale} selected={d.date === choices.date}>
              {d.onSale ? t('waitlist.onSale', { date: d.date }) : d.date}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('waitlist.section')}</span>
        <select id="waitlist-section" name="section">
          {choices.anySection && <option value="">{t('waitlist.anySection')}</option>}
          {choices.sections.map((name) => (
            <option key={name} value={name} selected={name === state.section}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('waitlist.seats')}</span>
        <input
          id="waitlist-seats"
          name="seats"
          type="number"
          min="1"
          max={choices.maxSeats}
          value="1"
          inputmode="numeric"
          required
        />
      </label>
      <label class="check">
        <input id="waitlist-auto-pay" name="autoPay" type="checkbox" />
        <span>{t('waitlist.autoPay')}</span>
      </label>
      <p id="waitlist-auto-pay-note" class="muted">
        {t('waitlist.autoPayNote')}
      </p>
      <button type="submit" id="waitlist-join" class="primary" disabled={choices.date === null}>
        {t('waitlist.join')}
      </button>
    </form>
  )
}

function EntryRow({ entry }: { entry: WaitlistEntry }) {
  const title = state.concerts.find((c) => c.concertId === entry.concertId)?.title ?? ''
  const line = t('waitlist.line', {
    title,
    date: entry.date,
    section: entry.section ?? t('waitlist.anySection'),
    n: entry.seats,
  })
  return (
    <li data-waitlist={entry.waitlistId} data-status={entry.status} class={entry.status === 'OFFERED' ? 'offered' : ''}>
      <span>{line}</span>
      <strong class="waitlist-status">{t(`waitlist.status.${entry.status}`, { n: entry.position ?? '' })}</strong>
      {entry.status === 'OFFERED' && <Offer entry={entry} />}
      {(entry.status === 'WAITING' || entry.status === 'OFFERED') && (
        <button type="button" data-leave-waitlist={entry.waitlistId} onClick={() => leaveWaitlist(entry)}>
          {t('waitlist.leave')}
        </button>
      )}
    </li>
  )
}

/** The offer: its seats held for the fan, the time left to pay (redrawn each second by itself), and the Pay button. */
function Offer({ entry }: { entry: WaitlistEntry }) {
  const now = useClock()
  return (
    <div class="hold waitlist-offer">
      <p>
        <span>{t('waitlist.offerSeats', { n: entry.seats })}</span>{' '}
        <strong data-offer-left={entry.waitlistId} class="countdown">
          {duration(offerSecondsLeft(entry.expiresAt, now))}
        </strong>
      </p>
      <button type="button" data-pay-offer={entry.waitlistId} class="primary pay-offer" onClick={() => payOffer(entry)}>
        {t('waitlist.pay')}
      </button>
    </div>
  )
}
