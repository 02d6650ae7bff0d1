// The gate page (/gate): components on hono/jsx/dom over one store (state.ts). The keys for
// offline checks are fetched at the start and every 10 minutes; the queue of check-ins
// accepted offline is sent when the browser says it is back online, and tried every 5 s
// while it is not empty (a network back without the event).
import { render } from 'hono/jsx/dom'
import { loadKeys, sync } from './checking'
import { Gate } from './Gate'
import { state, store } from './state'

render(<Gate />, document.getElementById('app')!)

const setOnline = (online: boolean) => {
  state.online = online
  store.changed()
}
addEventListener('online', () => {
  setOnline(true)
  void loadKeys().then(sync)
})
addEventListener('offline', () => setOnline(false))
setInterval(() => void sync(), 5_000)
setInterval(() => void loadKeys(), 10 * 60_000)
void loadKeys().then(sync)
