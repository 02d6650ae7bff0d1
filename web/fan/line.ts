// The queue: the place pushed over a WebSocket, polled when the socket is down.
import { api, ApiError, type QueueStatus, type WaitlistEntry } from '../common/api'
import { refreshCatalogSoon, refreshSeats } from './data'
import { forgetProof, prepareProof } from './entry/proof'
import { entryToken } from './entry/turnstile'
import { admitted, attempt, me, state, store, t } from './state'
import { waitlistPushed } from './waitlist/data'

let socket: WebSocket | null = null
let pollTimer: number | undefined

export async function joinQueue() {
  const entryProof = (await prepareProof(state.concertId!)) ?? undefined
  // Taken last, after the proof's wait: the token is fresh when sent.
  const turnstileToken = await entryToken()
  let status: QueueStatus
  try {
    const path = `/api/concerts/${state.concertId}/queue/tokens`
    status = await api<QueueStatus>('POST', path, undefined, { ...me(), entryProof, turnstileToken })
  } catch (err) {
    // A proof refused (expired, or the policy just changed): another is solved for the next try.
    if (err instanceof ApiError && err.code.startsWith('PROOF_')) {
      forgetProof()
      prepareProof(state.concertId!).catch(() => {})
    }
    throw err
  }
  if (entryProof) forgetProof()
  state.firstPosition = Math.max(status.position ?? 0, 1)
  onStatus(status)
  connect()
}

/** After a payment the place ends by design: stop listening. */
export function leaveLine() {
  socket?.close()
}

function connect() {
  const token = state.queue?.token
  if (!token) return
  const url = `${location.origin.replace(/^http/, 'ws')}/api/concerts/${state.concertId}/queue/ws?token=${encodeURIComponent(token)}`
  socket = new WebSocket(url)
  socket.onopen = () => {
    state.live = true
    clearTimeout(pollTimer)
    store.changed()
  }
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data as string) as { status?: string; waitlist?: WaitlistEntry }
    // A waitlist entry of the fan's that moved (docs/api.md, "Telling fans"): not a status.
    if (message.waitlist) void waitlistPushed([message.waitlist])
    else if (message.status === 'EXPIRED') onEnded('QUEUE_TOKEN_INVALID')
    else onStatus(message as QueueStatus)
  }
  socket.onclose = () => {
    socket = null
    state.live = false
    if (state.queue) schedulePoll(state.queue.pollAfterSeconds)
    store.changed()
  }
}

function schedulePoll(seconds: number) {
  clearTimeout(pollTimer)
  pollTimer = window.setTimeout(async () => {
    if (!state.queue || socket) return
    try {
      onStatus(await api<QueueStatus>('GET', `/api/concerts/${state.concertId}/queue/status`, undefined, admitted()))
      schedulePoll(state.queue?.pollAfterSeconds ?? 5)
      connect() // try to get back to pushes
    } catch (err) {
      if (err instanceof ApiError && err.code === 'QUEUE_TOKEN_INVALID') onEnded('QUEUE_TOKEN_INVALID')
      else schedulePoll(5)
    }
  }, seconds * 1000)
}

function onStatus(status: QueueStatus) {
  if (status.status === 'SOLD_OUT') return onEnded('SOLD_OUT')
  const wasActive = state.queue?.status === 'ACTIVE'
  state.queue = status
  if (status.entryId) state.entryId = status.entryId
  if (status.status === 'WAITING') state.firstPosition = Math.max(state.firstPosition, status.position ?? 0)
  if (status.status === 'ACTIVE' && !wasActive) void attempt(refreshSeats)
  store.changed()
}

/** The place ended: the turn ran out, or every seat was sold (after a payment the token ends by design). */
function onEnded(why: 'QUEUE_TOKEN_INVALID' | 'SOLD_OUT') {
  socket?.close()
  clearTimeout(pollTimer)
  state.queue = null
  state.hold = null
  if (!state.payment || why === 'SOLD_OUT') state.message = { kind: 'error', text: t(`err.${why}`) }
  if (why === 'SOLD_OUT' && state.sale) state.sale = { ...state.sale, state: 'SOLD_OUT' }
  refreshCatalogSoon()
  store.changed()
}
