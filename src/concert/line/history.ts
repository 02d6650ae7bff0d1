import type { QueueHistoryView } from '../../schemas'
import { noRefusals, REFUSAL_REASONS, type RefusedCounts } from '../../shared/refused-entries'

const MINUTE_MS = 60_000
/** A day of minutes (and the minute before them, which the first one's counts are taken from); older rows are deleted as new minutes begin. */
export const HISTORY_MINUTES = 1440

/** The queue now, as the history samples it: gauges, and running totals since the concert was created. */
export interface QueueTotals {
  waiting: number
  active: number
  admitted: number
  abandoned: number
  sold: number
  entered: number
  /** Tickets checked in at the gate (tickets/ticket-book.ts). */
  checkedIn: number
  /** Queue entries refused, by reason (refused-entries.ts). */
  refused: RefusedCounts
  /** Waitlist entries WAITING or OFFERED now, and offers made since the concert was created (waitlist/waitlist-book.ts). */
  waitlisted: number
  offered: number
}

type Point = QueueHistoryView['points'][number]
type Row = {
  minute: number
  waiting: number
  active: number
  admitted: number
  abandoned: number
  sold: number
  entered: number
  checked_in: number
  refused_unverified: number
  refused_proof: number
  refused_turnstile: number
  refused_rate: number
  waitlisted: number
  offered: number
}

const totalsOf = ({ checked_in, ...r }: Row): QueueTotals => ({
  ...r,
  checkedIn: checked_in,
  refused: {
    unverified: r.refused_unverified,
    proof: r.refused_proof,
    turnstile: r.refused_turnstile,
    rate: r.refused_rate,
  },
})

const minuteOf = (now: number) => Math.floor(now / MINUTE_MS)
const COUNTED = ['admitted', 'abandoned', 'sold', 'entered', 'checkedIn', 'offered'] as const
const NOTHING: QueueTotals = {
  waiting: 0,
  active: 0,
  admitted: 0,
  abandoned: 0,
  sold: 0,
  entered: 0,
  checkedIn: 0,
  refused: noRefusals(),
  waitlisted: 0,
  offered: 0,
}

/**
 * The queue minute by minute (table `history`, a row a minute at most, a day kept): the totals
 * as the minute's last change left them, so that a point's counts are the difference from the
 * minute before and its waiting and active are those at the minute's end. The current minute's
 * row is written after every change (`sample`), so a restart loses nothing; a minute without a
 * change has no row and reads as the one before it with nothing counted. Policy changes are kept
 * beside it (table `policy_log`) for the timeline.
 */
export class History {
  private lastWritten = ''
  /** The minute last written: a new one trims what is over a day old. */
  private lastMinute: number | null = null

  constructor(
    private readonly sql: SqlStorage,
    private readonly totals: () => QueueTotals,
  ) {}

  /** After a change. One small write when the totals moved; nothing otherwise. */
  sample(now: number) {
    const minute = minuteOf(now)
    const t = this.totals()
    const r = t.refused
    const key = `${minute}|${t.waiting}|${t.active}|${t.admitted}|${t.abandoned}|${t.sold}|${t.entered}|${t.checkedIn}|${r.unverified}|${r.proof}|${r.turnstile}|${r.rate}|${t.waitlisted}|${t.offered}`
    if (key === this.lastWritten) return
    if (minute !== this.lastMinute) {
      this.sql.exec('DELETE FROM history WHERE minute < ?', minute - HISTORY_MINUTES)
      this.sql.exec('DELETE FROM policy_log WHERE at < ?', (minute - HISTORY_MINUTES + 1) * MINUTE_MS)
      this.lastMinute = minute
    }
    this.sql.exec(
      `INSERT INTO history (minute, waiting, active, admitted, abandoned, sold, entered, checked_in,
         refused_unverified, refused_proof, refused_turnstile, refused_rate, waitlisted, offered)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (minute) DO UPDATE SET waiting = excluded.waiting, active = excluded.active, admitted = excluded.admitted,
         abandoned = excluded.abandoned, sold = excluded.sold, entered = excluded.entered, checked_in = excluded.checked_in,
         refused_unverified = excluded.refused_unverified, refused_proof = excluded.refused_proof,
         refused_turnstile = excluded.refused_turnstile, refused_rate = excluded.refused_rate,
         waitlisted = excluded.waitlisted, offered = excluded.offered`,
      minute,
      t.waiting,
      t.active,
      t.admitted,
      t.abandoned,
      t.sold,
      t.entered,
      t.checkedIn,
      r.unverified,
      r.proof,
      r.turnstile,
      r.rate,
      t.waitlisted,
      t.offered,
    )
    this.lastWritten = key
  }

  /** A policy change, for the timeline. Call inside its transaction. */
  policyChanged(patch: object, now: number) {
    this.sql.exec('INSERT INTO policy_log (at, patch) VALUES (?, ?)', now, JSON.stringify(patch))
  }

  /** The last `minutes` minutes, oldest first, the current one last as it stands; and the policy changes within them. */
  read(minutes: number, now: number): QueueHistoryView {
    const last = minuteOf(now)
    const first = last - minutes + 1
    const rows = new Map(
      this.sql
        .exec<Row>('SELECT * FROM history WHERE minute >= ? ORDER BY minute', first)
        .toArray()
        .map((r) => [r.minute, totalsOf(r)]),
    )
    // Before the first row there was nothing: the concert's first minute counts from zero.
    const before = this.sql
      .exec<Row>('SELECT * FROM history WHERE minute < ? ORDER BY minute DESC LIMIT 1', first)
      .toArray()[0]
    let previous: QueueTotals = before ? totalsOf(before) : NOTHING
    const points: Point[] = []
    for (let m = first; m <= last; m++) {
      const at = m === last ? this.totals() : (rows.get(m) ?? previous)
      const counted = Object.fromEntries(COUNTED.map((k) => [k, at[k] - previous[k]])) as Pick<
        Point,
        (typeof COUNTED)[number]
      >
      const refusedEntries = Object.fromEntries(
        REFUSAL_REASONS.map((k) => [k, at.refused[k] - previous.refused[k]]),
      ) as RefusedCounts
      points.push({
        at: new Date(m * MINUTE_MS).toISOString(),
        waiting: at.waiting,
        active: at.active,
        waitlisted: at.waitlisted,
        ...counted,
        refusedEntries,
      })
      previous = at
    }
    const changes = this.sql
      .exec<{ at: number; patch: string }>(
        'SELECT at, patch FROM policy_log WHERE at >= ? ORDER BY at',
        first * MINUTE_MS,
      )
      .toArray()
    return {
      points,
      policyChanges: changes.map((c) => ({
        at: new Date(c.at).toISOString(),
        change: JSON.parse(c.patch) as Record<string, unknown>,
      })),
    }
  }
}
