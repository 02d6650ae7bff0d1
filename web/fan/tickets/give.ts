// Giving a ticket to a friend: the friend's user id typed, the gift confirmed, then sent; the
// contract's refusals worded for the one giving (`give.err.*`), else as everywhere on the page.
import { api, ApiError } from '../../common/api'
import { isTextKey } from '../../common/i18n'
import type { Transfer } from '../../common/tickets-api'
import { attempt, me, state, store, t } from '../state'
import { hideCode, loadHeldTickets } from './data'

export function startGiving(ticketId: string) {
  state.giving = { ticketId, friend: null }
  state.message = null
  store.changed()
}

export function reviewGift(friend: string) {
  if (!state.giving) return
  state.giving = { ...state.giving, friend: friend.trim() }
  store.changed()
}

export function cancelGiving() {
  state.giving = null
  store.changed()
}

export const giveTicket = () =>
  void attempt(async () => {
    const gift = state.giving
    const ticket = state.heldTickets.find((h) => h.ticketId === gift?.ticketId)
    if (!gift?.friend || !ticket) return
    try {
      const path = `/api/users/me/tickets/${ticket.ticketId}/transfer`
      await api<Transfer>('POST', path, { toUserId: gift.friend }, me())
    } catch (err) {
      // Back to the friend's id, which is most often what was wrong; the refusal said above it.
      state.giving = { ticketId: gift.ticketId, friend: null }
      const key = err instanceof ApiError ? `give.err.${err.code}` : ''
      if (!isTextKey(key)) throw err
      state.message = { kind: 'error', text: t(key) }
      return
    }
    if (state.shownCode?.ticketId === ticket.ticketId) hideCode()
    state.giving = null
    state.message = {
      kind: 'info',
      text: t('given', { seat: t('seat', { n: ticket.seatNumber }), date: ticket.date, friend: gift.friend }),
    }
    await loadHeldTickets()
  })

export async function copyUserId() {
  try {
    await navigator.clipboard.writeText(state.userId)
    state.message = { kind: 'info', text: t('copied') }
  } catch {
    // No clipboard (an insecure origin, a refused permission): the id stays on screen to select by hand.
  }
  store.changed()
}
