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

  /** Up to `limit` AVAILABLE seats of a date between two seat numbers, lowest first (the index of AVAILABLE seats, schema v14: no scan of the taken ones). */
  freeSeats(date: string, from: number, to: number, limit: number): number[] {
    return this.sql
      .exec<{ seat_number: number }>(
        'SELECT seat_number FROM seats WHERE date = ? AND sold = 0 AND reservation_id IS NULL AND seat_number BETWEEN ? AND ? ORDER BY seat_number LIMIT ?',
        date,
        from,
        to,
        limit,
      )
      .toArray()
      .map((s) => s.seat_number)
  }

  /** Each seat's state between two seat numbers, a letter a seat: S(old), H(eld) or A(vailable). */
  states(date: string, from: number, to: number): string {
    const rows = this.sql.exec<{ state: string }>(
      "SELECT CASE WHEN sold THEN 'S' WHEN reservation_id IS NOT NULL THEN 'H' ELSE 'A' END AS state FROM seats WHERE date = ? AND seat_number BETWEEN ? AND ? ORDER BY seat_number",
      date,
      from,
      to,
    )
    return Array.from(rows, (row) => row.state).join('')
  }
}
