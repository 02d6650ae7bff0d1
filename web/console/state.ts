// The console's state and what the operator does: sign in with the admin token (kept in
// sessionStorage, for this tab only) against the operators' list of concerts, watch one
// concert live, steer its policy, create a concert. Nothing is fetched before sign-in.
import {
  api,
  ApiError,
  type AdminConcert,
  type QueueHistory,
  type QueueStats,
  type SaleState,
  type UndeliveredEvents,
} from '../common/api'
import { errorKey, translate, type Lang, type TextKey } from '../common/i18n'
import { createStore, initialLang } from '../common/store'
import type { Scanner } from '../common/tickets-api'
import type { Message } from '../common/ui'

export interface State {
  lang: Lang
  token: string | null
  concerts: AdminConcert[]
  selected: string | null
  /** The selected concert live: its figures, its last hour and its sale (seed, commitment). */
  live: {
    concertId: string
    stats: QueueStats
    history: QueueHistory
    sale: SaleState
    /** The concert's gate scanners (web/console/Scanners.tsx); empty where the service has none to list. */
    scanners: Scanner[]
  } | null
  /** Sale events the data platform never took (web/console/Undelivered.tsx): how many, the oldest first. */
  undelivered: UndeliveredEvents | null
  /** A scanner just created: its token, shown this once. */
  newScanner: { scannerId: string; token: string; concertId: string; date: string | null } | null
  message: Message | null
}

export const store = createStore<State>({
  lang: initialLang(),
  token: sessionStorage.getItem('adminToken'),
  concerts: [],
  selected: null,
  live: null,
  undelivered: null,
  newScanner: null,
  message: null,
})
export const state = store.state

export const t = (key: TextKey, vars?: Record<string, string | number>) => translate(state.lang, key, vars)
export const when = (iso: string) =>
  new Date(iso).toLocaleString(state.lang === 'ko' ? 'ko-KR' : 'en-US', { dateStyle: 'short', timeStyle: 'medium' })
const admin = () => ({ accessToken: state.token ?? undefined, fresh: true })

export async function attempt(action: () => Promise<void>) {
  try {
    await action()
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return signOut(t('admin.badToken'))
    state.message = {
      kind: 'error',
      text: err instanceof ApiError ? t(errorKey(err.code), { detail: err.message }) : t('err.NETWORK'),
    }
  }
  store.changed()
}

export function switchLang() {
  state.lang = state.lang === 'ko' ? 'en' : 'ko'
  localStorage.setItem('lang', state.lang)
  store.changed()
}

/** The token is good if the operators' list of concerts answers to it (a wrong one: 401); nothing is shown before. */
export async function signIn(token: string) {
  state.message = null
  try {
    state.concerts = await concertsFor(token)
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return signOut(t('admin.badToken'))
    return attempt(() => Promise.reject(err instanceof Error ? err : new Error(String(err))))
  }
  state.token = token
  sessionStorage.setItem('adminToken', token)
  store.changed()
  await attempt(async () => {
    await Promise.all([loadLive(), loadUndelivered()])
  })
}

export function signOut(reason?: string) {
  state.token = null
  sessionStorage.removeItem('adminToken')
  Object.assign(state, { concerts: [], selected: null, live: null, undelivered: null })
  state.message = reason ? { kind: 'error', text: reason } : null
  store.changed()
}

const concertsFor = async (token: string) =>
  (
    await api<{ concerts: AdminConcert[] }>('GET', '/api/admin/concerts', undefined, {
      accessToken: token,
      fresh: true,
    })
  ).concerts

export async function loadConcerts() {
  if (!state.token) return
  state.concerts = await concertsFor(state.token)
  await Promise.all([loadLive(), loadUndelivered()])
}

export async function loadUndelivered() {
  if (!state.token) return
  state.undelivered = await api<UndeliveredEvents>('GET', '/api/admin/events/undelivered', undefined, admin())
}

/** Every undelivered event back to the events queue; the operator is told how many went. */
export const redriveEvents = () =>
  attempt(async () => {
    const { requeued } = await api<{ requeued: number }>('POST', '/api/admin/events/redrive', undefined, admin())
    state.message = { kind: 'info', text: t('admin.requeued', { count: requeued.toLocaleString() }) }
    await loadUndelivered()
  })

export async function loadLive() {
  if (!state.selected || !state.token) return
  const id = state.selected
  const [stats, history, sale, scanners] = await Promise.all([
    api<QueueStats>('GET', `/api/admin/concerts/${id}/queue`, undefined, admin()),
    api<QueueHistory>('GET', `/api/admin/concerts/${id}/queue/history?minutes=60`, undefined, admin()),
    api<SaleState>('GET', `/api/concerts/${id}/sale`, undefined, { fresh: true }),
    loadScanners(id),
  ])
  if (state.selected === id) state.live = { concertId: id, stats, history, sale, scanners }
  // The list is fetched every 15 s; the watched concert's state, every 3 s.
  const row = state.concerts.find((c) => c.concertId === id)
  if (row) row.state = sale.state
}

const loadScanners = async (concertId: string) =>
  (await api<{ scanners: Scanner[] }>('GET', `/api/admin/concerts/${concertId}/scanners`, undefined, admin())).scanners

export const createScanner = (name: string, date: string | null) =>
  attempt(async () => {
    const concertId = state.selected!
    const body = date ? { name, date } : { name }
    const created = await api<{ scannerId: string; token: string }>(
      'POST',
      `/api/admin/concerts/${concertId}/scanners`,
      body,
      admin(),
    )
    state.newScanner = { ...created, concertId, date }
    await loadLive()
  })

export function dismissScanner() {
  state.newScanner = null
  store.changed()
}

export function pick(concertId: string) {
  state.newScanner = null
  state.selected = concertId
  state.message = null
  void attempt(loadLive)
}

export const updatePolicy = (patch: Record<string, unknown>) =>
  attempt(async () => {
    await api('PUT', `/api/admin/concerts/${state.selected}/queue-policy`, patch, admin())
    state.message = { kind: 'info', text: t('admin.applied') }
    await loadLive()
  })

export const createConcert = (body: Record<string, unknown>) =>
  attempt(async () => {
    const created = await api<{ concertId: string }>('POST', '/api/admin/concerts', body, admin())
    state.selected = created.concertId
    state.message = { kind: 'info', text: t('admin.created') }
    await loadConcerts()
  })
