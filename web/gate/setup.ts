// The device set up for one concert's gate, or signed out of it.
import { loadKeys, sync } from './checking'
import { device, recount, state, store, type State } from './state'

export function saveSetup(setup: NonNullable<State['setup']>) {
  device.saveSetup(setup)
  state.setup = setup
  state.verdict = null
  state.message = null
  recount()
  store.changed()
  void loadKeys().then(sync)
}

export function forget() {
  device.forget()
  state.setup = null
  state.verdict = null
  store.changed()
}
