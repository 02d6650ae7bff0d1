// The human check before an entry, while the service asks for one: the element Cloudflare's
// Turnstile widget is rendered into (turnstile.ts) and where the check stands. Always in the
// page, hidden when not needed: the widget's frame lives inside, and moving or re-creating the
// element would reload it.
import { holdWidgetBox } from './turnstile'
import { state, t, type State } from '../state'

const STANDING = {
  pending: 'turnstile.pending',
  ready: 'turnstile.ready',
  retrying: 'turnstile.retrying',
  unavailable: 'turnstile.unavailable',
} as const satisfies Record<Exclude<State['turnstile'], 'off' | null>, string>

export function HumanCheck() {
  const standing = state.turnstile === 'off' || state.turnstile === null ? null : state.turnstile
  return (
    <section id="human-check" class="card" hidden={standing === null || state.queue !== null}>
      <h3>{t('turnstile.title')}</h3>
      <div id="turnstile-widget" ref={holdWidgetBox}></div>
      <p id="turnstile-state" class="muted" role="status">
        {standing ? t(STANDING[standing]) : ''}
      </p>
    </section>
  )
}
