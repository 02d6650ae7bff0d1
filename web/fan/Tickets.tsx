// My tickets: one line per order, each with a refund button; its fee shown before the refund is confirmed.
import { keepTicket, quoteRefund, refund } from './actions'
import { money, seatList, state, t } from './state'

export function Tickets() {
  return (
    <section class="card">
      <h2>{t('tickets')}</h2>
      <ul id="ticket-list" class="tickets">
        {state.tickets.length === 0 && <li>{t('noTickets')}</li>}
        {state.tickets.map((r) => {
          const quote = state.quote?.reservationId === r.reservationId ? state.quote : null
          return (
            <li key={r.reservationId} data-ticket={r.reservationId}>
              <span>{`${r.date} · ${seatList(r.seatNumbers)} · ${money(r.price)}`}</span>
              {quote ? (
                <div class="quote">
                  <p>
                    {t('refundTerms', {
                      fee: money(quote.fee),
                      percent: quote.feePercent,
                      amount: money(quote.amount),
                    })}
                  </p>
                  <div class="actions">
                    <button
                      type="button"
                      class="danger"
                      data-confirm-refund={r.reservationId}
                      onClick={() => refund(r.reservationId)}
                    >
                      {t('confirmRefund')}
                    </button>
                    <button type="button" data-keep={r.reservationId} onClick={keepTicket}>
                      {t('keepTicket')}
                    </button>
                  </div>
                </div>
              ) : (
                <button type="button" data-refund={r.reservationId} onClick={() => quoteRefund(r.reservationId)}>
                  {t('refund')}
                </button>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
