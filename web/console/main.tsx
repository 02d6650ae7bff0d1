// The operators' console (/admin): components on hono/jsx/dom over one store (state.ts).
import { render } from 'hono/jsx/dom'
import { Console } from './Console'
import { attempt, loadConcerts, loadLive, signIn, state } from './state'

render(<Console />, document.getElementById('app')!)

// The picked concert's figures every 3 s, the list of concerts every 15 s.
setInterval(() => {
  if (state.token && state.selected) void attempt(loadLive)
}, 3_000)
setInterval(() => {
  if (state.token) void attempt(loadConcerts)
}, 15_000)

if (state.token) void signIn(state.token)
