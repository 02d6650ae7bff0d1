// The answer to the last code, readable from a step away: green to let in (with "offline, will
// sync" when the device decided), red to refuse with the reason in plain words; the seat, the
// section and the date either way when the code carried them.
import { state, t } from './state'

export function VerdictPanel() {
  const verdict = state.verdict
  if (!verdict) return null
  const { ticket } = verdict
  const title = { admit: t('gate.admit'), 'admit-offline': t('gate.admitOffline'), refuse: t('gate.refuse') }[
    verdict.kind
  ]
  return (
    <section
      id="verdict"
      class={`verdict ${verdict.kind}`}
      data-verdict={verdict.kind}
      data-reason={verdict.reason ?? ''}
      data-at={String(verdict.at)}
      aria-live="assertive"
    >
      <h2 id="verdict-title">{title}</h2>
      {ticket && (
        <p id="verdict-seat" class="verdict-seat">
          {ticket.section
            ? t('gate.seatLine', { date: ticket.date, section: ticket.section, seat: ticket.seatNumber })
            : t('gate.seatOnly', { date: ticket.date, seat: ticket.seatNumber })}
        </p>
      )}
      {verdict.reasonText && (
        <p id="verdict-reason" class="verdict-reason">
          {verdict.reasonText}
        </p>
      )}
    </section>
  )
}
