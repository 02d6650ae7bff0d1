import type { ConcertSetup } from '../../shared/rpc'
import { general, lastSeatOf, layOut, type Section } from '../../shared/venue'

/**
 * The venue as the concert was set up: its priced sections, its dates and their seats, made
 * once (tables `sections`, `dates`, `seats`), and the sections read back for every seat count.
 */
export class VenueRows {
  private sections: Section[] | null = null

  constructor(private readonly sql: SqlStorage) {}

  /** Call inside the configuring transaction. One statement a date makes its seats. */
  create(setup: ConcertSetup) {
    const { sql } = this
    const venue = setup.sections ? layOut(setup.sections) : general(setup.seatsPerDate)
    venue.forEach((s, position) => {
      if (s.price !== null)
        sql.exec(
          'INSERT INTO sections (position, name, price, first_seat, seats) VALUES (?, ?, ?, ?, ?)',
          position,
          s.name,
          s.price,
          s.firstSeat,
          s.seats,
        )
    })
    const seats = lastSeatOf(venue[venue.length - 1]!)
    for (const d of setup.dates) {
      sql.exec(
        'INSERT INTO dates (date, starts_at, price, total_seats) VALUES (?, ?, ?, ?)',
        d.date,
        d.startsAt,
        d.price ?? 0,
        seats,
      )
      sql.exec(
        'INSERT INTO seats (date, seat_number) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) SELECT ?, x FROM n',
        seats,
        d.date,
      )
    }
    this.sections = null
  }

  /** The sections every date has: those the operator gave, or one "General" of every seat. */
  venue(): Section[] {
    if (this.sections) return this.sections
    const rows = this.sql
      .exec<{ name: string; price: number; first_seat: number; seats: number }>(
        'SELECT name, price, first_seat, seats FROM sections ORDER BY position',
      )
      .toArray()
    if (rows.length > 0)
      return (this.sections = rows.map((r) => ({
        name: r.name,
        price: r.price,
        firstSeat: r.first_seat,
        seats: r.seats,
      })))
    const seats = this.sql.exec<{ n: number | null }>('SELECT MAX(total_seats) AS n FROM dates').one().n
    return seats === null ? [] : (this.sections = general(seats))
  }
}
