import { canMove, isLive, LIVE, sqlStates, type EntryState } from './entry-states'
import type { QueueHead } from './offer-order'
import { WaitingOrder } from './waiting-order'

/** A waitlist entry (table `waitlist`); `seq` is its place in join order. */
export type EntryRow = {
  seq: number
  waitlist_id: string
  user_id: string
  date: string
  /** A section's name, or '' (ANY_SECTION). */
  section: string
  seats: number
  auto_pay: number
  /** The id the offer's order will have, given by the Worker at the join (the ledger finds the offer's concert by it). */
  reservation_id: string
  state: EntryState
  expires_at: number | null
  payment_id: string | null
  /** 1 while an autoPay offer waits for the object to pay it (auto-pay.ts). */
  auto_pay_due: number
  offered_at: number | null
  created_at: number
}

export interface NewEntry {
  waitlistId: string
  reservationId: string
  userId: string
  date: string
  section: string
  seats: number
  autoPay: boolean
}

/** What a move sets besides the state. */
export type EntryMoveDetail = { expiresAt: number; autoPayDue: boolean } | { paymentId: string } | Record<string, never>

/**
 * The waitlist's entries (table `waitlist`), and the only writer of it: every change of an
 * entry's state is a `move` that entry-states.ts allows. It keeps, in memory, the counts every
 * change's history sample and every freed seat ask for (live entries, offers made, WAITING
 * entries per date), so neither costs a query, and the WAITING entries' order per date and
 * section (waiting-order.ts), so a position costs no count.
 */
export class WaitlistBook {
  private live = 0
  private offers = 0
  private readonly waitingOn = new Map<string, number>()
  private readonly order = new WaitingOrder()

  constructor(private readonly sql: SqlStorage) {}

  load() {
    const totals = this.sql
      .exec<{ live: number | null; offers: number | null }>(
        `SELECT SUM(state IN (${sqlStates(LIVE)})) AS live, COUNT(offered_at) AS offers FROM waitlist`,
      )
      .one()
    this.live = totals.live ?? 0
    this.offers = totals.offers ?? 0
    this.waitingOn.clear()
    for (const { date, n } of this.sql.exec<{ date: string; n: number }>(
      "SELECT date, COUNT(*) AS n FROM waitlist WHERE state = 'WAITING' GROUP BY date",
    ))
      this.waitingOn.set(date, n)
    this.order.clear()
    for (const { seq, date, section } of this.sql.exec<{ seq: number; date: string; section: string }>(
      "SELECT seq, date, section FROM waitlist WHERE state = 'WAITING' ORDER BY seq",
    ))
      this.order.add(date, section, seq)
  }

  /** Entries WAITING or OFFERED, and offers made since the concert was created: what the history samples. */
  get totals(): { waitlisted: number; offered: number } {
    return { waitlisted: this.live, offered: this.offers }
  }

  hasWaiting(date: string): boolean {
    return (this.waitingOn.get(date) ?? 0) > 0
  }

  /** A new WAITING entry at the back of join order. Call inside the join's transaction. */
  add(entry: NewEntry, now: number): EntryRow {
    const row = this.sql
      .exec<EntryRow>(
        `INSERT INTO waitlist (waitlist_id, user_id, date, section, seats, auto_pay, reservation_id, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'WAITING', ?) RETURNING *`,
        entry.waitlistId,
        entry.userId,
        entry.date,
        entry.section,
        entry.seats,
        entry.autoPay ? 1 : 0,
        entry.reservationId,
        now,
      )
      .one()
    this.live++
    this.countWaiting(row.date, 1)
    this.order.add(row.date, row.section, row.seq)
    return row
  }

  /** Moves an entry to `to`; a move its life does not allow is a bug in the caller, and throws (rolling back its transaction). */
  move(e: EntryRow, to: EntryState, now: number, detail: EntryMoveDetail = {}) {
    if (!canMove(e.state, to)) throw new Error(`waitlist entry ${e.waitlist_id}: no move from ${e.state} to ${to}`)
    const offered = 'expiresAt' in detail
    this.sql.exec(
      `UPDATE waitlist SET state = ?, expires_at = COALESCE(?, expires_at), payment_id = COALESCE(?, payment_id),
         auto_pay_due = ?, offered_at = COALESCE(?, offered_at) WHERE seq = ?`,
      to,
      offered ? detail.expiresAt : null,
      'paymentId' in detail ? detail.paymentId : null,
      offered && detail.autoPayDue ? 1 : 0,
      offered ? now : null,
      e.seq,
    )
    if (e.state === 'WAITING') {
      this.countWaiting(e.date, -1)
      this.order.remove(e.date, e.section, e.seq)
    }
    this.live += Number(isLive(to)) - Number(isLive(e.state))
    if (offered) {
      this.offers++
      e.expires_at = detail.expiresAt
      e.offered_at = now
    }
    if ('paymentId' in detail) e.payment_id = detail.paymentId
    e.state = to
  }

  /** The autoPay offer is being paid (or found unpayable): the object does not try it again. */
  autoPayTried(e: EntryRow) {
    this.sql.exec('UPDATE waitlist SET auto_pay_due = 0 WHERE seq = ?', e.seq)
  }

  get(seq: number): EntryRow | undefined {
    return this.sql.exec<EntryRow>('SELECT * FROM waitlist WHERE seq = ?', seq).toArray()[0]
  }

  /** These entries, in join order. */
  bySeqs(seqs: number[]): EntryRow[] {
    return this.sql
      .exec<EntryRow>(
        'SELECT * FROM waitlist WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq',
        JSON.stringify(seqs),
      )
      .toArray()
  }

  byId(waitlistId: string): EntryRow | undefined {
    return this.sql.exec<EntryRow>('SELECT * FROM waitlist WHERE waitlist_id = ?', waitlistId).toArray()[0]
  }

  /** The user's WAITING or OFFERED entry (one a concert at most). */
  liveOf(userId: string): EntryRow | undefined {
    return this.sql
      .exec<EntryRow>(`SELECT * FROM waitlist WHERE user_id = ? AND state IN (${sqlStates(LIVE)})`, userId)
      .toArray()[0]
  }

  /** Every entry of the user, in join order. */
  ofUser(userId: string): EntryRow[] {
    return this.sql.exec<EntryRow>('SELECT * FROM waitlist WHERE user_id = ? ORDER BY seq', userId).toArray()
  }

  /** Seats the user asks for in WAITING entries (an OFFERED entry's seats are held: the order book counts them). */
  seatsAsked(userId: string): number {
    return (
      this.sql
        .exec<{ n: number | null }>(
          "SELECT SUM(seats) AS n FROM waitlist WHERE user_id = ? AND state = 'WAITING'",
          userId,
        )
        .one().n ?? 0
    )
  }

  /** The first WAITING entry of one queue (offer-order.ts): one lookup in the index over join order. */
  head(date: string, section: string, seats: number): QueueHead | null {
    const row = this.sql
      .exec<{ seq: number }>(
        "SELECT seq FROM waitlist WHERE state = 'WAITING' AND date = ? AND section = ? AND seats = ? ORDER BY seq LIMIT 1",
        date,
        section,
        seats,
      )
      .toArray()[0]
    return row ? { seq: row.seq, section, seats } : null
  }

  /** 1 + the WAITING entries ahead of it for the same date and section: O(log n) (waiting-order.ts). */
  position(e: EntryRow): number {
    return this.order.position(e.date, e.section, e.seq)
  }

  /** Entries per date and section, for operators. */
  detail(): Array<{ date: string; section: string; waiting: number; offered: number; fulfilled: number }> {
    return this.sql
      .exec<{ date: string; section: string; waiting: number; offered: number; fulfilled: number }>(
        `SELECT date, section, SUM(state = 'WAITING') AS waiting, SUM(state = 'OFFERED') AS offered,
           SUM(state = 'FULFILLED') AS fulfilled FROM waitlist GROUP BY date, section ORDER BY date, section`,
      )
      .toArray()
  }

  /** OFFERED autoPay entries the object has yet to pay. */
  autoPayDue(): EntryRow[] {
    return this.sql
      .exec<EntryRow>("SELECT * FROM waitlist WHERE auto_pay_due = 1 AND state = 'OFFERED' ORDER BY seq")
      .toArray()
  }

  /** When the earliest of those was offered: the alarm pays it then. */
  nextAutoPay(): number | null {
    return this.sql
      .exec<{ m: number | null }>(
        "SELECT MIN(offered_at) AS m FROM waitlist WHERE auto_pay_due = 1 AND state = 'OFFERED'",
      )
      .one().m
  }

  private countWaiting(date: string, by: 1 | -1) {
    this.waitingOn.set(date, (this.waitingOn.get(date) ?? 0) + by)
  }
}
