// Giving one ticket: the friend's user id, then a confirmation that says what the gift does.
import type { HeldTicket } from '../../common/tickets-api'
import { state, t } from '../state'
import { cancelGiving, giveTicket, reviewGift } from './give'

export function GiveForm({ ticket }: { ticket: HeldTicket }) {
  const friend = state.giving?.friend ?? null
  const onSubmit = (event: Event) => {
    event.preventDefault()
    const value = new FormData(event.target as HTMLFormElement).get('friend')
    reviewGift(typeof value === 'string' ? value : '')
  }
  if (friend) {
    return (
      <div id="give-confirm" class="quote">
        <p>{t('giveConfirm', { seat: t('seat', { n: ticket.seatNumber }), date: ticket.date, friend })}</p>
        <div class="actions">
          <button type="button" id="give-confirm-button" class="danger" onClick={giveTicket}>
            {t('giveButton')}
          </button>
          <button type="button" onClick={cancelGiving}>
            {t('cancel')}
          </button>
        </div>
      </div>
    )
  }
  return (
    <form id="give-form" class="give-form" onSubmit={onSubmit}>
      <label>
        <span>{t('friendId')}</span>
        <input id="friend-id" name="friend" autocomplete="off" spellcheck={false} required />
      </label>
      <div class="actions">
        <button type="submit" id="give-next" class="primary">
          {t('giveNext')}
        </button>
        <button type="button" onClick={cancelGiving}>
          {t('cancel')}
        </button>
      </div>
    </form>
  )
}
