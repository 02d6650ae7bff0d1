// One section's seats, a page of SEATS_PER_PAGE at a time. Refreshed every 3 s while the fan
// chooses: keyed by seat number and memoized, so a refresh changes only the seats whose status
// changed, in place, and the seat that has the keyboard's focus keeps it.
import { memo } from 'hono/jsx/dom'
import { togglePick, turnSeatPage } from './actions'
import { money, SEATS_PER_PAGE, state, t } from './state'

export function SeatGrid() {
  const pages = Math.max(1, Math.ceil(state.seats.length / SEATS_PER_PAGE))
  const shown = state.seats.slice(state.seatPage * SEATS_PER_PAGE, (state.seatPage + 1) * SEATS_PER_PAGE)
  const held = new Set(state.hold?.date === state.date ? state.hold.seatNumbers : [])
  const picked = new Set(state.picked.map((s) => s.seatNumber))
  return (
    <>
      <div id="seat-grid" class="seats">
        {shown.map((s) => (
          <Seat
            key={s.seatNumber}
            seatNumber={s.seatNumber}
            status={s.status}
            mark={held.has(s.seatNumber) ? 'mine' : picked.has(s.seatNumber) ? 'picked' : ''}
            disabled={s.status !== 'AVAILABLE' || state.hold !== null}
            title={`${s.section} · ${money(s.price)}`}
          />
        ))}
      </div>
      <div id="seat-pager" class="pager" hidden={pages === 1}>
        <button
          type="button"
          id="seat-prev"
          aria-label="previous"
          disabled={state.seatPage === 0}
          onClick={() => turnSeatPage(-1)}
        >
          ‹
        </button>
        <span id="seat-page">
          {shown.length > 0
            ? t('seatRange', {
                from: shown[0]!.seatNumber,
                to: shown[shown.length - 1]!.seatNumber,
                page: state.seatPage + 1,
                pages,
              })
            : ''}
        </span>
        <button
          type="button"
          id="seat-next"
          aria-label="next"
          disabled={state.seatPage >= pages - 1}
          onClick={() => turnSeatPage(1)}
        >
          ›
        </button>
      </div>
    </>
  )
}

interface SeatProps {
  seatNumber: number
  status: string
  mark: '' | 'picked' | 'mine'
  disabled: boolean
  title: string
}

const Seat = memo(function Seat({ seatNumber, status, mark, disabled, title }: SeatProps) {
  return (
    <button
      type="button"
      class={`seat ${status.toLowerCase()} ${mark}`}
      data-seat={seatNumber}
      data-status={status}
      aria-pressed={mark === 'picked' ? 'true' : 'false'}
      disabled={disabled}
      title={title}
      onClick={() => togglePick(seatNumber)}
    >
      {seatNumber}
    </button>
  )
})
