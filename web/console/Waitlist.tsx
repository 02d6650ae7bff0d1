// The picked concert's waitlist for returned seats: per date and section asked (the stats'
// `waitlist`: waiting, offered, fulfilled), and over the last hour the entries on it and the
// offers made per minute (the history's `waitlisted` and `offered`).
import { state, t } from './state'
import { useMinuteChart } from './minute-chart'

export function Waitlist() {
  const { stats, history } = state.live!
  const box = useMinuteChart(history, [
    { label: t('admin.waitlisted'), value: (p) => p.waitlisted, color: '#5b3df5', perMinute: false },
    { label: t('admin.offeredPerMinute'), value: (p) => p.offered, color: '#c77700', perMinute: true },
  ])
  const rows = stats.waitlist
  return (
    <>
      <h3>{t('admin.waitlist')}</h3>
      <table id="waitlist-table" class="waitlist-table">
        <thead>
          <tr>
            <th>{t('admin.date')}</th>
            <th>{t('admin.section')}</th>
            <th>{t('admin.waitlistWaiting')}</th>
            <th>{t('admin.waitlistOffered')}</th>
            <th>{t('admin.waitlistFulfilled')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colspan={5} class="muted">
                {t('admin.noWaitlist')}
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={`${row.date}/${row.section ?? ''}`} data-waitlist-date={row.date} data-section={row.section ?? ''}>
              <td>{row.date}</td>
              <td>{row.section ?? t('admin.anySection')}</td>
              <td data-count="waiting">{row.waiting.toLocaleString()}</td>
              <td data-count="offered">{row.offered.toLocaleString()}</td>
              <td data-count="fulfilled">{row.fulfilled.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('admin.waitlistChart')}</h3>
      <div id="waitlist-chart" class="chart">
        <div ref={box} />
      </div>
    </>
  )
}
