// The picked concert at its gates: how many of each date's tickets are checked in (the stats'
// `checkIns`), and the entries per minute over the last hour (the history's `checkedIn`).
import { useMinuteChart } from './minute-chart'
import { state, t } from './state'

export function GateEntries() {
  const { stats, history } = state.live!
  const box = useMinuteChart(history, [
    { label: t('admin.checkedIn'), value: (p) => p.checkedIn, color: '#146c2e', perMinute: true },
  ])
  const checkIns = stats.checkIns
  return (
    <>
      <h3>{t('admin.checkIns')}</h3>
      <ul id="check-ins" class="check-ins">
        {checkIns.length === 0 && <li class="muted">{t('admin.noCheckIns')}</li>}
        {checkIns.map((d) => (
          <li key={d.date} data-check-in-date={d.date}>
            <meter min={0} max={Math.max(1, d.tickets)} value={d.checkedIn} />{' '}
            {t('admin.checkInsLine', {
              date: d.date,
              checkedIn: d.checkedIn.toLocaleString(),
              tickets: d.tickets.toLocaleString(),
            })}
          </li>
        ))}
      </ul>
      <h3>{t('admin.gateChart')}</h3>
      <div id="gate-chart" class="chart">
        <div ref={box} />
      </div>
    </>
  )
}
