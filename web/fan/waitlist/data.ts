// The fan's waitlist entries and what the fan does with them: join, pay an offer (the Bearer
// token alone: an offer is paid with no place in line), leave. The entries are polled while the
// panel is on the page (nothing is pushed: docs/api.md, "Telling fans"); the contract's refusals
// are worded for the waitlist (`waitlist.err.*`), else as everywhere on the page.
import {
  api,
  ApiError,
  type Payment,
  type WaitlistEntry,
  type WaitlistJoin,
  type WaitlistOptions,
} from '../../common/api'
import { isTextKey } from '../../common/i18n'
import { loadDates, refreshWallet } from '../data'
import { attempt, me, state, store, t } from '../state'
import { refreshHeldTicketsQuietly } from '../tickets/data'
import { newlyFulfilled } from './panel'

/** Often enough that an offer (10 minutes by default) is seen within seconds, rare enough for a phone's battery. */
const POLL_MS = 3_000

export async function loadWaitlist() {
  const path = '/api/users/me/waitlist'
  const { entries } = await api<{ entries: WaitlistEntry[] }>('GET', path, undefined, { ...me(), fresh: true })
  const before = state.waitlist
  state.waitlist = entries
  // Paid meanwhile (autoPay, or on another device): the tickets and the balance changed too.
  const paid = before === null ? [] : newlyFulfilled(before, entries)
  if (paid.length === 0) return
  if (paid.some((e) => e.autoPay)) state.message = { kind: 'info', text: t('waitlist.autoPaid') }
  await refreshWallet()
  void refreshHeldTicketsQuietly()
}

/** At the start and on the way: a failure leaves the list as it was (the next poll tries again). */
export const refreshWaitlistQuietly = () =>
  loadWaitlist().then(store.changed, () => {
    // Kept as it was.
  })

/** Polls the entries until the returned stop() (the panel left the page); a hidden page asks nothing. */
export function pollWaitlist(): () => void {
  let timer: number | undefined
  let stopped = false
  const tick = async () => {
    if (!document.hidden) await refreshWaitlistQuietly()
    if (!stopped) timer = window.setTimeout(() => void tick(), POLL_MS)
  }
  void tick()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}

/** What the waitlist may be joined for (every date not started, sold out or not): the join form's choices. */
export async function loadWaitlistOptions() {
  const concertId = state.concertId
  if (!concertId) return
  const options = await api<WaitlistOptions>('GET', `/api/concerts/${concertId}/waitlist/options`)
  if (concertId === state.concertId) state.waitlistOptions = options
}

/** When the form comes on the page (or its concert changes); a failure leaves the form waiting for the next try. */
export const refreshWaitlistOptionsQuietly = () =>
  loadWaitlistOptions().then(store.changed, () => {
    // Kept as it was.
  })

/** A refusal the waitlist words itself, said on the message line; true when it was one. */
function saidAsWaitlist(err: unknown): boolean {
  const key = err instanceof ApiError ? `waitlist.err.${err.code}` : ''
  if (!isTextKey(key)) return false
  state.message = { kind: 'error', text: t(key, { detail: (err as ApiError).message }) }
  return true
}

export const joinWaitlist = (asked: WaitlistJoin) =>
  void attempt(async () => {
    let entry: WaitlistEntry
    try {
      entry = await api<WaitlistEntry>('POST', `/api/concerts/${state.concertId}/waitlist`, asked, me())
    } catch (err) {
      if (!saidAsWaitlist(err)) throw err
      // Seats on sale after all: the catalog shows them, with the queue's join button.
      if (err instanceof ApiError && err.code === 'SEATS_AVAILABLE')
        await Promise.all([loadDates(), loadWaitlistOptions()])
      return
    }
    state.message = { kind: 'info', text: t('waitlist.joined', { n: entry.position ?? 1 }) }
    await loadWaitlist()
  })

export const payOffer = (entry: WaitlistEntry) =>
  void attempt(async () => {
    if (!entry.reservationId) return
    try {
      // The reservation id as Idempotency-Key: a double tap pays once.
      await api<Payment>(
        'POST',
        '/api/payments',
        { reservationId: entry.reservationId },
        { ...me(), idempotencyKey: entry.reservationId },
      )
    } catch (err) {
      if (!saidAsWaitlist(err)) throw err
      await loadWaitlist()
      return
    }
    state.message = { kind: 'info', text: t('waitlist.paid') }
    await Promise.all([loadWaitlist(), refreshWallet()])
    void refreshHeldTicketsQuietly()
  })

export const leaveWaitlist = (entry: WaitlistEntry) =>
  void attempt(async () => {
    try {
      await api('DELETE', `/api/users/me/waitlist/${entry.waitlistId}`, undefined, me())
    } catch (err) {
      if (!saidAsWaitlist(err)) throw err
      await loadWaitlist()
      return
    }
    state.message = { kind: 'info', text: t('waitlist.left') }
    await loadWaitlist()
  })
