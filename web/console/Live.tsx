// One concert live: its figures (every 3 s), the last hour in three uPlot charts with the policy
// changes and the opening marked, its gates (check-ins and scanners), its waitlist (per date and
// section, and its chart), the policy steered, and the draw's commitment and seed.
import { useEffect, useRef } from 'hono/jsx/dom'
import type { TextKey } from '../common/i18n'
import { REFUSAL_REASONS } from '../../src/shared/refused-entries'
import { ConsoleCharts, type Marker } from './charts'
import { GateEntries } from './GateEntries'
import { Scanners } from './Scanners'
import { state, t, updatePolicy, when } from './state'
import { Waitlist } from './Waitlist'

const POLICY_FIELDS = ['maxActiveUsers', 'admitPerMinute', 'maxWaitingUsers'] as const

export function Live() {
  const { stats, history, sale } = state.live!
  const concert = state.concerts.find((c) => c.concertId === state.selected)
  const figures: Array<[TextKey, number]> = [
    ['admin.waiting', stats.waiting],
    ['admin.preQueue', stats.preQueue],
    ['admin.active', stats.active],
    ['admin.admittedPerMinute', stats.admittedLastMinute],
    ['admin.abandoned', stats.abandoned],
    ['admin.holds', stats.holds],
    ['admin.sold', stats.sold],
    ['admin.seatsLeft', stats.seatsLeft],
    ['admin.waitlisted', stats.waitlisted],
    ...REFUSAL_REASONS.map((r): [TextKey, number] => [`admin.refused.${r}`, stats.refusedEntries[r]]),
  ]
  const markers: Marker[] = history.policyChanges.map((c) => ({
    at: Date.parse(c.at),
    label: Object.entries(c.change)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' '),
  }))
  if (sale.opensAt) markers.push({ at: Date.parse(sale.opensAt), label: t('admin.opening') })
  markers.sort((a, b) => a.at - b.at)
  return (
    <section id="live" class="card">
      <h2 id="live-title">{concert?.title ?? ''}</h2>
      <p id="live-sale" class="muted">
        {sale.opensAt
          ? t('admin.saleLine', { state: sale.state, opens: when(sale.opensAt), pre: when(sale.preQueueOpensAt!) })
          : `${sale.state} · ${t('admin.noDraw')}`}
      </p>
      <dl id="figures" class="figures">
        {figures.map(([key, n]) => (
          <div key={key} data-figure={key.slice(6)}>
            <dt>{t(key)}</dt>
            <dd>{n.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      <Charts markers={markers} />
      <ul id="timeline" class="timeline">
        {markers.map((m) => (
          <li key={`${m.at}${m.label}`}>{`${when(new Date(m.at).toISOString())} · ${m.label}`}</li>
        ))}
      </ul>
      <GateEntries />
      <Waitlist />
      <Scanners />
      <h3>{t('admin.policy')}</h3>
      <Policy />
      <p class="muted">{t('admin.emptyMeansNone')}</p>
      <h3>{t('admin.draw')}</h3>
      <p>
        <span>{t('admin.commitment')}</span> <code id="commitment">{sale.seedCommitment ?? '—'}</code>
      </p>
      <p>
        <span>{t('admin.seed')}</span>{' '}
        <code id="seed">{sale.seed ?? (sale.seedCommitment ? t('admin.seedHidden') : '—')}</code>
      </p>
    </section>
  )
}

/** uPlot draws into the three boxes; they are created once, then given each new history. */
function Charts({ markers }: { markers: Marker[] }) {
  const queueBox = useRef<HTMLDivElement>(null)
  const salesBox = useRef<HTMLDivElement>(null)
  const refusedBox = useRef<HTMLDivElement>(null)
  const charts = useRef<ConsoleCharts | null>(null)
  useEffect(() => {
    charts.current = new ConsoleCharts(queueBox.current!, salesBox.current!, refusedBox.current!)
    return () => charts.current?.destroy()
  }, [])
  const history = state.live!.history
  useEffect(() => {
    charts.current?.show(history, markers, {
      waiting: t('admin.waiting'),
      active: t('admin.active'),
      admitted: t('admin.admittedPerMinute'),
      sold: t('admin.sold'),
      entered: t('admin.entered'),
      refused: {
        unverified: t('admin.refused.unverified'),
        proof: t('admin.refused.proof'),
        turnstile: t('admin.refused.turnstile'),
        rate: t('admin.refused.rate'),
      },
    })
  })
  return (
    <>
      <h3>{t('admin.queueChart')}</h3>
      <div id="queue-chart" class="chart">
        <div ref={queueBox} />
      </div>
      <h3>{t('admin.salesChart')}</h3>
      <div id="sales-chart" class="chart">
        <div ref={salesBox} />
      </div>
      <h3>{t('admin.refusedChart')}</h3>
      <div id="refused-chart" class="chart">
        <div ref={refusedBox} />
      </div>
    </>
  )
}

/** The policy in force, editable; only what the operator changed is sent, so the timeline shows that change alone. */
function Policy() {
  const policy = state.live!.stats.policy
  const onSubmit = (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.target as HTMLFormElement)
    const patch: Record<string, number | null> = {}
    for (const field of POLICY_FIELDS) {
      const value = form.get(field) ? Number(form.get(field)) : null
      if (value !== policy[field] && !(field === 'maxActiveUsers' && value === null)) patch[field] = value
    }
    if (Object.keys(patch).length > 0) void updatePolicy(patch)
  }
  return (
    <form id="policy-form" class="policy" onSubmit={onSubmit}>
      {POLICY_FIELDS.map((field) => (
        <label key={field}>
          <span>{t(`admin.${field}`)}</span>{' '}
          <input name={field} type="number" min="1" value={policy[field] === null ? '' : String(policy[field])} />
        </label>
      ))}
      <button type="submit" id="apply">
        {t('admin.apply')}
      </button>
      <button type="button" id="pause" class="primary" onClick={() => void updatePolicy({ paused: !policy.paused })}>
        {policy.paused ? t('admin.resume') : t('admin.pause')}
      </button>
    </form>
  )
}
