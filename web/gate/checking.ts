// What the gate does with a code: the service decides when it can be reached (the one
// authority: a refund, a check-in at another door); when it cannot (no network, or the
// service failing), the device decides itself from the signature (offline-verdict.ts), lets
// the ticket in and queues the check-in, sent when the service answers again.
import { api, ApiError } from '../common/api'
import { isTextKey } from '../common/i18n'
import type { CheckIn, TicketKey } from '../common/tickets-api'
import { syncQueue, type SendAnswer } from './check-in-queue'
import { judgeOffline } from './offline-verdict'
import type { QueuedCheckIn } from './device-store'
import { beep } from './sound'
import { device, recount, state, store, t, type Verdict } from './state'

/** A failure of the network or of the service itself (5xx): the device judges instead. */
const unreachable = (err: unknown) => !(err instanceof ApiError) || err.status >= 500

const reasonText = (code: string, detail = '') => {
  const key = `gate.reason.${code}`
  return isTextKey(key) ? t(key, { detail }) : t('gate.reason.other', { detail: detail || code })
}

function announce(verdict: Omit<Verdict, 'at'>) {
  state.verdict = { ...verdict, at: Date.now() }
  beep(verdict.kind !== 'refuse')
  recount()
  store.changed()
}

/** `scannedAt`: when a check-in accepted offline was scanned, so that the service judges its code's expiry then. */
async function postCheckIn(code: string, scannedAt?: string): Promise<CheckIn> {
  const { concertId, token } = state.setup!
  const body = scannedAt ? { code, scannedAt } : { code }
  return api<CheckIn>('POST', `/api/concerts/${concertId}/check-ins`, body, { accessToken: token })
}

export async function check(code: string) {
  const setup = state.setup
  if (!setup || !code.trim() || state.checking) return
  state.checking = true
  store.changed()
  try {
    if (!navigator.onLine) return await checkOffline(code.trim())
    try {
      const checkIn = await postCheckIn(code.trim())
      state.online = true
      rememberFromCode(code, checkIn.ticketId)
      announce({ kind: 'admit', ticket: checkIn })
    } catch (err) {
      if (unreachable(err)) return await checkOffline(code.trim())
      state.online = true
      const { status, code: reason, message } = err as ApiError
      const refused = status === 401 || status === 403 ? 'TOKEN_REFUSED' : reason
      announce({ kind: 'refuse', reason: refused, reasonText: reasonText(refused, message) })
    }
  } finally {
    state.checking = false
    store.changed()
  }
}

async function checkOffline(code: string) {
  state.online = false
  const verdict = await judgeOffline(code, {
    concertId: state.setup!.concertId,
    date: state.setup!.date,
    keys: device.keys,
    nowSeconds: Math.floor(Date.now() / 1000),
    admitted: device.admitted,
  })
  const ticket = verdict.ticket && { date: verdict.ticket.date, seatNumber: verdict.ticket.seat }
  if (!verdict.admitted)
    return announce({ kind: 'refuse', reason: verdict.reason, reasonText: reasonText(verdict.reason), ticket })
  device.rememberAdmitted(verdict.ticket.tid, verdict.ticket.v)
  device.enqueue({
    code,
    ticketId: verdict.ticket.tid,
    seatNumber: verdict.ticket.seat,
    date: verdict.ticket.date,
    scannedAt: new Date().toISOString(),
  })
  announce({ kind: 'admit-offline', ticket })
}

/** A ticket let in online is remembered too, so that offline it is not let in twice here. */
function rememberFromCode(code: string, ticketId: string) {
  try {
    const payload = JSON.parse(atob(code.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { v?: number }
    device.rememberAdmitted(ticketId, payload.v ?? 0)
  } catch {
    device.rememberAdmitted(ticketId, 0)
  }
}

async function send({ code, scannedAt }: QueuedCheckIn): Promise<SendAnswer> {
  try {
    await postCheckIn(code, scannedAt)
    return { kind: 'checked-in' }
  } catch (err) {
    if (unreachable(err)) return { kind: 'unreachable' }
    const { status, code: reason, message } = err as ApiError
    if (status === 401 || status === 403) return { kind: 'token-refused' }
    return { kind: 'refused', code: reason, message }
  }
}

let syncing = false

/** The queue sent, if there is one and the service may be reachable; the service's answers listed. */
export async function sync() {
  if (syncing || !state.setup || device.queue.length === 0 || !navigator.onLine) return
  syncing = true
  try {
    const { results, stopped } = await syncQueue(device, send)
    state.online = stopped !== 'unreachable'
    state.syncResults = [...results.reverse(), ...state.syncResults].slice(0, 20)
    if (stopped === 'token-refused') state.message = { kind: 'error', text: reasonText('TOKEN_REFUSED') }
  } finally {
    syncing = false
    recount()
    store.changed()
  }
}

export const syncAnswerText = (answer: Extract<SendAnswer, { kind: 'refused' }>) =>
  reasonText(answer.code, answer.message)

/** The service's public keys, kept for offline checks; the ones kept stay when it cannot be asked. */
export async function loadKeys() {
  try {
    const { keys } = await api<{ keys: TicketKey[] }>('GET', '/api/tickets/keys', undefined, { fresh: true })
    device.saveKeys(keys)
    recount()
    store.changed()
  } catch {
    // Offline, or keys not served: the device keeps what it had.
  }
}
