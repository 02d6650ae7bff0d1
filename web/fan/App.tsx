// The fans' page: the wallet, then the step the fan is at (catalog, line, seats, confirmation),
// the draw's check and their tickets. Drawn from the store; each part attaches its own events.
import { useStore } from '../common/store'
import { Header, MessageLine } from '../common/ui'
import { charge, otherConcerts, switchLang, verifyDraw } from './actions'
import { Catalog } from './Catalog'
import { HumanCheck } from './entry/HumanCheck'
import { VerifyPhone } from './entry/VerifyPhone'
import { Sale } from './Sale'
import { money, seatList, state, store, t } from './state'
import { HeldTickets } from './tickets/HeldTickets'
import { Tickets } from './Tickets'
import { Waiting } from './Waiting'
import { Waitlist } from './waitlist/Waitlist'

export function App() {
  useStore(store)
  document.documentElement.lang = state.lang
  const inQueue = state.queue !== null
  const isActive = state.queue?.status === 'ACTIVE'
  return (
    <>
      <Header title={t('title')} subtitle={t('subtitle')} lang={state.lang} onLang={switchLang} />
      <main>
        <Wallet />
        {/* Right after the wallet, which is always there: nothing before it comes or goes, so it is never moved. */}
        <HumanCheck />
        {state.verified === false && <VerifyPhone />}
        <MessageLine message={state.message} />
        {!inQueue && <Catalog />}
        {inQueue && !isActive && <Waiting />}
        {isActive && <Sale />}
        <Waitlist />
        <Draw />
        {state.payment && !inQueue && <Confirmation />}
        <HeldTickets />
        <Tickets />
      </main>
      <footer>
        <a href="/docs">API reference</a>
      </footer>
    </>
  )
}

function Wallet() {
  const onSubmit = (event: Event) => {
    event.preventDefault()
    charge(Number(new FormData(event.target as HTMLFormElement).get('amount')))
  }
  return (
    <section id="wallet" class="card">
      <div>
        <span>{t('balance')}</span> <strong id="balance">{money(state.balance)}</strong>
      </div>
      <form id="charge-form" onSubmit={onSubmit}>
        <label>
          <span class="sr-only">{t('amount')}</span>
          <input
            id="charge-amount"
            name="amount"
            type="number"
            min="1"
            max="10000000"
            step="1"
            value="200000"
            inputmode="numeric"
            required
          />
        </label>
        <button type="submit" id="charge">
          {t('charge')}
        </button>
      </form>
    </section>
  )
}

/** The pre-queue entry the fan was drawn as, and its check against the published seed. */
function Draw() {
  const drawn =
    state.entryId !== null && state.queue?.status !== 'PRE_QUEUE' && state.sale?.seedCommitment !== undefined
  if (!drawn) return null
  return (
    <section id="draw" class="card">
      <h3>{t('drawTitle')}</h3>
      <p>
        <span>{t('entry')}</span> <code id="entry-id">{state.entryId}</code>
      </p>
      <div class="actions">
        <button type="button" id="verify" onClick={verifyDraw}>
          {t('verify')}
        </button>
        <a id="draw-link" target="_blank" rel="noopener" href={`/api/concerts/${state.concertId}/sale/draw`}>
          {t('drawJson')}
        </a>
      </div>
      <p id="verification" class="muted" role="status">
        {state.verification ?? ''}
      </p>
    </section>
  )
}

function Confirmation() {
  const p = state.payment!
  const detail = { date: p.date, seats: seatList(p.seatNumbers), amount: money(p.amount), id: p.paymentId.slice(0, 8) }
  return (
    <section id="confirmation" class="card success">
      <h2>{t('paid')}</h2>
      <p id="paid-detail">{t('paidDetail', detail)}</p>
      <button type="button" id="again" onClick={otherConcerts}>
        {t('again')}
      </button>
    </section>
  )
}
