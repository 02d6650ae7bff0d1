import { execJsonRows } from '../runtime/json-rows'
import type { PlaceInLine } from '../../shared/rpc'

export type QueueRow = {
  arrival: number
  user_id: string
  status: 'WAITING' | 'ACTIVE'
  active_until: number | null
}

type Place = { arrival: number; user_id: string }
const places = (rows: Place[]): PlaceInLine[] => rows.map((r) => ({ arrival: r.arrival, userId: r.user_id }))

/**
 * The line's table `queue`: a row per live place, WAITING or ACTIVE. Its statements only;
 * what they mean for the line is line.ts's. Each runs inside the caller's transaction.
 */
export class QueueRows {
  constructor(private readonly sql: SqlStorage) {}

  all() {
    return this.sql
      .exec<Pick<QueueRow, 'arrival' | 'status' | 'active_until'>>(
        'SELECT arrival, status, active_until FROM queue ORDER BY arrival',
      )
      .toArray()
  }

  /** The places these users have, with the pre-queue entry each was drawn from, if any. */
  placesOf(userIds: string[]) {
    return this.sql.exec<{ arrival: number; user_id: string; entry_id: string | null }>(
      'SELECT q.arrival, q.user_id, p.entry_id FROM queue q LEFT JOIN pre_queue p ON p.user_id = q.user_id AND p.arrival = q.arrival WHERE q.user_id IN (SELECT value FROM json_each(?))',
      JSON.stringify(userIds),
    )
  }

  at(arrival: number): QueueRow | undefined {
    return this.sql.exec<QueueRow>('SELECT * FROM queue WHERE arrival = ?', arrival).toArray()[0]
  }

  join(newcomers: Array<{ userId: string; arrival: number }>, now: number) {
    execJsonRows(
      this.sql,
      "INSERT INTO queue (arrival, user_id, status, entered_at) SELECT value ->> '$.arrival', value ->> '$.userId', 'WAITING', ? FROM json_each(?)",
      newcomers,
      now,
    )
  }

  /** The draw's places from `first` to `last`, straight from the pre-queue's table. */
  joinDrawn(first: number, last: number, now: number) {
    this.sql.exec(
      "INSERT INTO queue (arrival, user_id, status, entered_at) SELECT arrival, user_id, 'WAITING', ? FROM pre_queue WHERE arrival BETWEEN ? AND ? ORDER BY arrival",
      now,
      first,
      last,
    )
  }

  /** The places the draw gave from `first` to `last` (rows it will not join: the sale sold out meanwhile). */
  drawnPlaces(first: number, last: number): PlaceInLine[] {
    return places(
      this.sql
        .exec<Place>('SELECT arrival, user_id FROM pre_queue WHERE arrival BETWEEN ? AND ?', first, last)
        .toArray(),
    )
  }

  /** The first `count` WAITING places up to `upTo` become ACTIVE until `activeUntil`. */
  admitFront(count: number, upTo: number, activeUntil: number): PlaceInLine[] {
    return places(
      this.sql
        .exec<Place>(
          `UPDATE queue SET status = 'ACTIVE', active_until = ?
            WHERE arrival IN (SELECT arrival FROM queue WHERE status = 'WAITING' AND arrival <= ? ORDER BY arrival LIMIT ?)
            RETURNING arrival, user_id`,
          activeUntil,
          upTo,
          count,
        )
        .toArray(),
    )
  }

  /** The user whose place it was, if it was still live. */
  remove(arrival: number): string | undefined {
    return this.sql
      .exec<{ user_id: string }>('DELETE FROM queue WHERE arrival = ? RETURNING user_id', arrival)
      .toArray()[0]?.user_id
  }

  removeAllWaiting(): PlaceInLine[] {
    return places(
      this.sql.exec<Place>("DELETE FROM queue WHERE status = 'WAITING' RETURNING arrival, user_id").toArray(),
    )
  }

  activeEndedBy(now: number): number[] {
    return Array.from(
      this.sql.exec<{ arrival: number }>(
        "SELECT arrival FROM queue WHERE status = 'ACTIVE' AND active_until <= ?",
        now,
      ),
      (r) => r.arrival,
    )
  }

  earliestActiveEnd(): number | null {
    return this.sql.exec<{ m: number | null }>("SELECT MIN(active_until) AS m FROM queue WHERE status = 'ACTIVE'").one()
      .m
  }
}
