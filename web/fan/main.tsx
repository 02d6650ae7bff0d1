// The fans' page (/): the whole purchase in one page: pick a concert, wait in line (live over a
// WebSocket, polling if it drops), pick a section and seats, hold them as one order, pay from
// the balance, and refund from "My tickets". Components on hono/jsx/dom over one store.
import { render } from 'hono/jsx/dom'
import { App } from './App'
import { loadConcerts, refreshSeats, signIn } from './data'
import { startTurnstile } from './entry/turnstile'
import { refreshIdentity } from './entry/verify-phone'
import { attempt, show, state, store } from './state'
import { refreshHeldTicketsQuietly } from './tickets/data'
import { refreshWaitlistQuietly } from './waitlist/data'

render(<App />, document.getElementById('app')!)

// The seat map changes under everyone's feet: refresh it while choosing.
setInterval(() => {
  if (state.queue?.status === 'ACTIVE') void refreshSeats().then(store.changed, show)
}, 3000)

void attempt(async () => {
  await signIn()
  await Promise.all([loadConcerts(), refreshIdentity(), startTurnstile()])
  // The tickets last: below the fold, and the newest part of the contract (a failure here fails nothing else).
  void refreshHeldTicketsQuietly()
  // The fan's waitlist entries decide whether its panel shows, and an offer must not wait for a click.
  void refreshWaitlistQuietly()
})
