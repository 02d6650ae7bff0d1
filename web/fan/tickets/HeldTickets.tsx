// My tickets: each seat the fan holds, with its code for the gate as a QR code on demand
// (renewed before it expires, with the seconds to the next one), "checked in at" once used,
// and giving it to a friend; the fan's own user id, for a friend to give them one.
import { useClock } from '../../common/store'
import type { HeldTicket } from '../../common/tickets-api'
import { attempt, dateTime, state, t } from '../state'
import { hideCode, loadHeldTickets, showCode } from './data'
import { copyUserId, startGiving } from './give'
import { GiveForm } from './GiveForm'
import { QrCode } from './QrCode'

export function HeldTickets() {
  return (
    <section id="my-tickets" class="card">
      <div class="card-title">
        <h2>{t('myTickets')}</h2>
        <button type="button" id="refresh-tickets" class="link" onClick={() => void attempt(loadHeldTickets)}>
          {t('refreshTickets')}
        </button>
      </div>
      <ul id="held-tickets" class="held-tickets">
        {state.heldTickets.length === 0 && <li class="muted">{t('noHeldTickets')}</li>}
        {state.heldTickets.map((ticket) => (
          <HeldTicketRow key={ticket.ticketId} ticket={ticket} />
        ))}
      </ul>
      <p class="muted">{t('myUserId')}</p>
      <p class="user-id">
        <code id="my-user-id">{state.userId}</code>{' '}
        <button type="button" id="copy-user-id" class="link" onClick={() => void copyUserId()}>
          {t('copy')}
        </button>
      </p>
    </section>
  )
}

function HeldTicketRow({ ticket }: { ticket: HeldTicket }) {
  const shown = state.shownCode?.ticketId === ticket.ticketId
  const giving = state.giving?.ticketId === ticket.ticketId
  return (
    <li data-held-ticket={ticket.ticketId} data-seat={String(ticket.seatNumber)} data-status={ticket.status}>
      <div class="held-ticket-line">
        <strong>{ticket.title}</strong>
        <span>{`${ticket.date} · ${t('ticketSeat', { section: ticket.section, seat: ticket.seatNumber })}`}</span>
      </div>
      {ticket.status === 'CHECKED_IN' ? (
        <p class="checked-in">{t('checkedInAt', { time: dateTime(ticket.checkedInAt ?? ticket.startsAt) })}</p>
      ) : (
        <>
          {shown && <TicketCodeView />}
          {giving && <GiveForm ticket={ticket} />}
          <div class="actions">
            {shown ? (
              <button type="button" data-hide-code={ticket.ticketId} onClick={hideCode}>
                {t('hideCode')}
              </button>
            ) : (
              <button
                type="button"
                class="primary"
                data-show-code={ticket.ticketId}
                onClick={() => showCode(ticket.ticketId)}
              >
                {t('showCode')}
              </button>
            )}
            {!giving && (
              <button type="button" data-give={ticket.ticketId} onClick={() => startGiving(ticket.ticketId)}>
                {t('give')}
              </button>
            )}
          </div>
        </>
      )}
    </li>
  )
}

/** The code as a QR code, big enough for a gate's camera at arm's length, and the seconds until it renews. */
function TicketCodeView() {
  const now = useClock()
  const shown = state.shownCode!
  if (!shown.code) return <p class="muted">{t('codeLoading')}</p>
  const seconds = Math.max(0, Math.ceil((shown.renewAt - now) / 1000))
  return (
    <div class="ticket-code">
      <QrCode id="ticket-qr" text={shown.code.code} label={t('showCode')} />
      <p class="muted" id="code-countdown">
        {t('codeRenews', { s: seconds })}
      </p>
      <p class="muted">{t('codeNote')}</p>
    </div>
  )
}
