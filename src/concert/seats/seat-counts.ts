import type { SectionListView } from '../../schemas'
import type { Section } from '../../shared/venue'
import { sectionIndexOf } from '../../shared/venue'

export interface DayCounts {
  date: string
  startsAt: number
  startsAtIso: string
  price: number
  total: number
  /** AVAILABLE seats, by section (the venue's order). */
  available: number[]
  /** Their sum, kept with them: statuses tell it, and a venue may have a thousand sections. */
  availableTotal: number
  sold: number
}

/**
 * AVAILABLE and SOLD seats per date and section, counted from the taken seats once on wake and
 * then kept by every change of a seat's state: what every status, the dates and the sections
 * tell, with no per-seat work on a hot path at 50,000 seats a date.
 */
export class SeatCounts {
  private days: Map<string, DayCounts> | null = null

  constructor(
    private readonly sql: SqlStorage,
    private readonly venue: () => Section[],
  ) {}

  all(): Map<string, DayCounts> {
    if (this.days) return this.days
    const sections = this.venue()
    const days = new Map<string, DayCounts>()
    for (const d of this.sql.exec<{ date: string; starts_at: string; price: number; total_seats: number }>(
      'SELECT date, starts_at, price, total_seats FROM dates ORDER BY date',
    )) {
      const available = sections.map((s) => s.seats)
      days.set(d.date, {
        date: d.date,
        startsAt: Date.parse(d.starts_at),
        startsAtIso: d.starts_at,
        price: d.price,
        total: d.total_seats,
        available,
        availableTotal: d.total_seats,
        sold: 0,
      })
    }
    for (const s of this.sql.exec<{ date: string; seat_number: number; sold: number }>(
      'SELECT date, seat_number, sold FROM seats WHERE sold = 1 OR reservation_id IS NOT NULL',
    )) {
      const day = days.get(s.date)!
      day.available[sectionIndexOf(sections, s.seat_number)]!--
      day.availableTotal--
      day.sold += s.sold
    }
    return (this.days = days)
  }

  get(date: string): DayCounts | undefined {
    return this.all().get(date)
  }

  /** Seats of a date changed state: each AVAILABLE one counts `available` (+1 freed, -1 taken), each `sold` likewise. */
  changed(date: string, seatNumbers: readonly number[], available: -1 | 0 | 1, sold: -1 | 0 | 1) {
    const day = this.days?.get(date)
    if (!day) return
    const sections = this.venue()
    if (available !== 0) for (const seat of seatNumbers) day.available[sectionIndexOf(sections, seat)]! += available
    day.availableTotal += available * seatNumbers.length
    day.sold += sold * seatNumbers.length
  }

  /** A concert was just configured: counted on next use. */
  reset() {
    this.days = null
  }
}

/** A date's sections with their price, seats and seats AVAILABLE, from its counts: the sections list and the waitlist's options. */
export function sectionsOfDay(venue: readonly Section[], day: DayCounts): SectionListView['sections'] {
  return venue.map((s, i) => ({
    name: s.name,
    price: s.price ?? day.price,
    totalSeats: s.seats,
    availableSeats: day.available[i]!,
  }))
}
