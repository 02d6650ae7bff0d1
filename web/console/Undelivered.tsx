// Sale events the data platform did not take after every retry (docs/events.md, "Dead letters"):
// how many are kept, the oldest few, and a button that sends them all to the events queue
// again (POST /api/admin/events/redrive) and says how many went. Fetched with the concerts' list.
import { redriveEvents, state, t, when } from './state'

/** The oldest this many are shown; the count says how many there are. */
const SHOWN = 5

export function Undelivered() {
  const list = state.undelivered
  if (!list) return null
  return (
    <section id="undelivered" class="card">
      <h2>{t('admin.undelivered')}</h2>
      <p>
        <strong id="undelivered-count">{list.count.toLocaleString()}</strong>{' '}
        <span class="muted">{t('admin.undeliveredNote')}</span>
      </p>
      {list.count > 0 && (
        <>
          <table id="undelivered-table" class="waitlist-table">
            <thead>
              <tr>
                <th>{t('admin.eventType')}</th>
                <th>{t('admin.eventConcert')}</th>
                <th>{t('admin.eventAttempts')}</th>
                <th>{t('admin.eventFailedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.events.slice(0, SHOWN).map((e) => (
                <tr key={e.eventId} data-event={e.eventId}>
                  <td>{e.type}</td>
                  <td>{state.concerts.find((c) => c.concertId === e.concertId)?.title ?? e.concertId}</td>
                  <td>{e.attempts.toLocaleString()}</td>
                  <td>{when(e.failedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" id="redrive" class="primary" onClick={() => void redriveEvents()}>
            {t('admin.redrive')}
          </button>
        </>
      )}
    </section>
  )
}
