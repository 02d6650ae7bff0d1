// The fan's waitlist entries and what the fan does with them: join, pay an offer (the Bearer
// token alone: an offer is paid with no place in line), leave. While the panel is on the page
// the entries are pushed (docs/api.md, "Telling fans"): a waitlist stream per concert where the
// fan has a live entry, and the queue's socket when the fan holds one; the list is polled only
// while a stream is down. The contract's refusals are worded for the waitlist
// (`waitlist.err.*`), else as everywhere on the page.
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
import { followedConcerts, mergeEntries, newlyFulfilled } from './panel'
import { openWaitlistStream } from './push'

/** While a stream is down, the list is fetched this often (and the stream tried again): the fallback, not the way. */
const FALLBACK_POLL_MS = 30_000
/** A stream that failed is first tried again this soon (a relay that restarted, a network blip). */
const FIRST_RETRY_MS = 3_000

export async function loadWaitlist() {
  const path = '/api/users/me/waitlist'
  const { entries } = await api<{ entries: WaitlistEntry[] }>('GET', path, undefined, { ...me(), fresh: true })
  await takeEntries(entries)
}

/** Entries fetched or pushed, taken in (never taking one back: mergeEntries). */
async function takeEntries(news: WaitlistEntry[]) {
  const before = state.waitlist
  state.waitlist = mergeEntries(before ?? [], news)
  syncStreams()
  // Paid meanwhile (autoPay, or on another device): the tickets and the balance changed too.
  const paid = before === null ? [] : newlyFulfilled(before, state.waitlist)
  if (paid.length === 0) return
  if (paid.some((e) => e.autoPay)) state.message = { kind: 'info', text: t('waitlist.autoPaid') }
  await refreshWallet()
  void refreshHeldTicketsQuietly()
}

/** An entry pushed on the queue's socket (web/fan/line.ts) or a waitlist stream. */
export const waitlistPushed = (entries: WaitlistEntry[]) =>
  takeEntries(entries).then(store.changed, () => {
    // The wallet's refresh failed: the entries are taken in all the same.
    store.changed()
  })

/** Open streams by concert, while the panel is on the page (`following`). */
const streams = new Map<string, () => void>()
let following = false
let fallback: number | undefined

/** A stream for each concert with a live entry of the fan's; none for the others. */
function syncStreams() {
  if (!following) return
  const wanted = new Set(followedConcerts(state.waitlist ?? []))
  for (const [concertId, close] of streams)
    if (!wanted.has(concertId)) {
      close()
      streams.delete(concertId)
    }
  const token = state.accessToken
  if (!token) return
  for (const concertId of wanted) {
    if (streams.has(concertId)) continue
    const close = openWaitlistStream(concertId, token, {
      entries: (entries) => void waitlistPushed(entries),
      moved: (entry) => void waitlistPushed([entry]),
      failed: () => {
        streams.delete(concertId)
        fallBack(FIRST_RETRY_MS)
      },
    })
    streams.set(concertId, close)
  }
}

/** A stream is down: fetch the list, and try the streams again, after `ms`, then every FALLBACK_POLL_MS until they are up. */
function fallBack(ms: number) {
  if (fallback !== undefined || !following) return
  fallback = window.setTimeout(() => {
    fallback = undefined
    if (!following) return
    const down = followedConcerts(state.waitlist ?? []).some((c) => !streams.has(c))
    if (!down) return
    // The list first (what was missed), which also opens the streams that are down again.
    void (document.hidden ? Promise.resolve(syncStreams()) : refreshWaitlistQuietly()).then(() =>
      fallBack(FALLBACK_POLL_MS),
    )
  }, ms)
}

/** At the start and on the way: a failure leaves the list as it was (the next poll tries again). */
export const refreshWaitlistQuietly = () =>
  loadWaitlist().then(store.changed, () => {
    // Kept as it was.
  })

/** Follows the entries until the returned stop() (the panel left the page): the list once, then pushes. */
export function followWaitlist(): () => void {
  following = true
  void refreshWaitlistQuietly().then(syncStreams)
  return () => {
    following = false
    clearTimeout(fallback)
    fallback = undefined
    for (const close of streams.values()) close()
    streams.clear()
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
