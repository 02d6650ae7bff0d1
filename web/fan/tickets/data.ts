// The tickets the fan holds, and the one code on screen kept fresh: fetched again a few seconds
// before it expires (codes live about 30 s, at most 60), never while the page is hidden, and no
// more once it is closed. A ticket that stops being VALID (checked in, given away) loses its code.
import { api, ApiError } from '../../common/api'
import type { HeldTicket, TicketCode } from '../../common/tickets-api'
import { me, show, state, store } from '../state'

/** How long before a code expires the next one is asked for: a slow phone network has time. */
const RENEW_BEFORE_MS = 8_000
/** Bounds on the wait between two codes, on the page's own clock: a phone whose clock is off by
 * minutes neither asks every instant (a code that looks expired) nor shows an expired one long. */
const RENEW_AT_LEAST_MS = 5_000
const RENEW_AT_MOST_MS = 25_000
/** After a failed renewal (no network for a moment), the next try. */
const RETRY_MS = 5_000

export async function loadHeldTickets() {
  const path = '/api/users/me/tickets'
  state.heldTickets = (await api<{ tickets: HeldTicket[] }>('GET', path, undefined, { ...me(), fresh: true })).tickets
  const shown = state.heldTickets.find((t) => t.ticketId === state.shownCode?.ticketId)
  if (state.shownCode && shown?.status !== 'VALID') hideCode()
  if (state.giving && !state.heldTickets.some((t) => t.ticketId === state.giving?.ticketId)) state.giving = null
}

/** With the wallet: the list is the contract's newest, so a failure here must not fail a payment's confirmation. */
export const refreshHeldTicketsQuietly = () =>
  loadHeldTickets().then(store.changed, () => {
    // Kept as it was; the Refresh button says why, if it fails again.
  })

let renewal: number | undefined

export function showCode(ticketId: string) {
  state.shownCode = { ticketId, code: null, renewAt: Date.now() }
  store.changed()
  void renew(ticketId)
}

export function hideCode() {
  clearTimeout(renewal)
  state.shownCode = null
  store.changed()
}

async function renew(ticketId: string) {
  clearTimeout(renewal)
  if (state.shownCode?.ticketId !== ticketId || document.hidden) return
  let wait = RETRY_MS
  try {
    const path = `/api/users/me/tickets/${ticketId}/code`
    const code = await api<TicketCode>('GET', path, undefined, { ...me(), fresh: true })
    if (state.shownCode?.ticketId !== ticketId) return
    wait = Math.min(
      RENEW_AT_MOST_MS,
      Math.max(RENEW_AT_LEAST_MS, Date.parse(code.expiresAt) - Date.now() - RENEW_BEFORE_MS),
    )
    state.shownCode = { ticketId, code, renewAt: Date.now() + wait }
    // Checked in at the gate meanwhile? The list says so, and the code goes.
    void refreshHeldTicketsQuietly()
  } catch (err) {
    // The ticket is no longer this user's to show (given away, refunded, checked in): the list is redrawn without its code.
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
      hideCode()
      show(err)
      void refreshHeldTicketsQuietly()
      return
    }
    if (state.shownCode?.ticketId === ticketId) state.shownCode.renewAt = Date.now() + wait
  }
  store.changed()
  renewal = window.setTimeout(() => void renew(ticketId), wait)
}

// A hidden page asks for no code; back in front, the code shown is renewed at once (it may have expired meanwhile).
document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(renewal)
  else if (state.shownCode) void renew(state.shownCode.ticketId)
})
