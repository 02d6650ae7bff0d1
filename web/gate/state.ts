// The gate page's state: the device's setup and what it keeps (device-store.ts over
// localStorage), whether the service answers, the last verdict shown big, and the answers the
// service gave to check-ins sent after a time offline.
import { translate, type Lang, type TextKey } from '../common/i18n'
import { createStore, initialLang } from '../common/store'
import type { Message } from '../common/ui'
import type { SyncResult } from './check-in-queue'
import { GateDevice, type GateSetup } from './device-store'

export interface Verdict {
  kind: 'admit' | 'admit-offline' | 'refuse'
  /** The contract's error code or the device's own (offline-verdict.ts), for a refusal. */
  reason?: string
  /** The refusal in plain words. */
  reasonText?: string
  ticket?: { date: string; seatNumber: number; section?: string }
  /** When it was given (local clock): two scans in a row of one ticket show as two verdicts. */
  at: number
}

export interface State {
  lang: Lang
  setup: GateSetup | null
  online: boolean
  verdict: Verdict | null
  queued: number
  keys: number
  syncResults: SyncResult[]
  camera: 'off' | 'on' | 'unsupported'
  checking: boolean
  message: Message | null
}

export const device = new GateDevice(localStorage)

export const store = createStore<State>({
  lang: initialLang(),
  setup: device.setup,
  online: navigator.onLine,
  verdict: null,
  queued: device.queue.length,
  keys: device.keys.length,
  syncResults: [],
  camera: 'BarcodeDetector' in window ? 'off' : 'unsupported',
  checking: false,
  message: null,
})
export const state = store.state

export const t = (key: TextKey, vars?: Record<string, string | number>) => translate(state.lang, key, vars)

export function switchLang() {
  state.lang = state.lang === 'ko' ? 'en' : 'ko'
  localStorage.setItem('lang', state.lang)
  store.changed()
}

/** The counters shown from what the device keeps. */
export function recount() {
  state.queued = device.queue.length
  state.keys = device.keys.length
}
