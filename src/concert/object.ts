import { DurableObject } from 'cloudflare:workers'
import { fail, ok, type Result } from '../errors'
import { findPayment } from '../ledger/payments'
import {
  admissionsAvailable,
  DEFAULT_POLICY,
  holdExpiresAt,
  isBookable,
  firstIndexAfter,
  measuredAdmissionRate,
  nextDeadline,
  PAYMENT_GRACE_MS,
  placeStatus,
  rateAllowance,
  type QueuePolicy,
} from './policy'
import { Presence } from './presence'
import { saleEvent, type SaleEvent, type SaleEventFields, type SaleEventType, type TokenEndReason } from '../events/sale-event'
import { CONCERT_SCHEMA } from './storage'
import { WaitingIndex } from './waiting-index'

export interface ConcertSetup {
  concertId: string
  seatsPerDate: number
  dates: Array<{ date: string; startsAt: string; price: number }>
  policy: QueuePolicy
}

/** A place in line as the queue entry route needs it: the Worker signs `arrival` into the token. */
export interface QueueEntryView {
  created: boolean
  arrival: number
  status: QueueStatusView
}

/** The status object of the contract, but for the token, which the Worker adds. */
export interface QueueStatusView {
  userId: string
  concertId: string
  status: 'WAITING' | 'ACTIVE'
  position: number
  estimatedWaitSeconds: number
  activeUntil: string | null
  pollAfterSeconds: number
}

export interface HoldView {
  reservationId: string
  concertId: string
  date: string
  seatNumber: number
  price: number
  status: 'HELD'
  expiresAt: string
}

export interface QueueStats {
  concertId: string
  waiting: number
  active: number
  admittedLastMinute: number
  abandoned: number
  holds: number
  sold: number
  policy: QueuePolicy
}

export type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD'

export interface SeatMapView {
  concertId: string
  date: string
  seats: Array<{ seatNumber: number; status: SeatStatus; price: number }>
}

export interface DateAvailabilityView {
  date: string
  startsAt: string
  availableSeats: number
  totalSeats: number
}

/** What a Worker needs to answer status polls without a round trip (src/concert/status-cache.ts). */
export interface QueueSnapshot {
  concertId: string
  /** live[a] === 1 when arrival a is WAITING. */
  live: Uint8Array
  lastArrival: number
  active: Array<{ arrival: number; until: number }>
  admissionRate: number
  policy: QueuePolicy
}

type DateRow = { starts_at: string; price: number; total_seats: number }

type PaymentStart = { concertId: string; date: string; seatNumber: number; price: number }

type QueueRow = {
  arrival: number
  user_id: string
  status: 'WAITING' | 'ACTIVE'
  active_until: number | null
}

type ReservationRow = {
  id: string
  date: string
  seat_number: number
  user_id: string
  arrival: number
  price: number
  state: 'HELD' | 'PAYING' | 'PAID' | 'RELEASED' | 'EXPIRED'
  expires_at: number
  paying_since: number | null
}

/** Who a hibernating socket belongs to; survives hibernation as its attachment. */
type SocketOwner = { token: string; arrival: number; userId: string }

/** At most one pushed message per socket per interval, and only when its status changed. */
export const PUSH_INTERVAL_MS = 1_000
/** Recent admission times kept in memory: the rate cap's minute and the estimate's window. */
const ADMISSION_MEMORY_MS = 5 * 60_000
/** Events wait this long in the outbox, so that one send carries the changes of a busy moment. */
const RELAY_DELAY_MS = 500
/** When the events queue refused a send, try again after this. */
const RELAY_RETRY_MS = 5_000
/** Queues' sendBatch takes at most 100 messages; one alarm sends at most this many batches. */
const RELAY_BATCH = 100
const RELAY_BATCHES_PER_ALARM = 50

const iso = (ms: number) => new Date(ms).toISOString()
/** Sockets are tagged by arrival (tokens are longer than a tag may be). */
const socketTag = (arrival: number) => `a${arrival}`

/**
 * One concert: its waiting queue and its seats. Every change runs to completion without
 * awaiting I/O, so the object's single thread is the lock: two holds of one seat, two
 * admissions of one place, cannot interleave. Money is not here; see src/ledger.
 */
export class ConcertObject extends DurableObject<Env> {
  private readonly sql: SqlStorage
  private concertId: string | null = null
  private policy: QueuePolicy = DEFAULT_POLICY
  private lastArrival = 0
  /** lastArrival as stored: the group that moves it stores it once, with its entries. */
  private storedLastArrival = 0
  private abandoned = 0
  /** Live WAITING arrivals: positions in O(log n). */
  private waiting = new WaitingIndex()
  /** ACTIVE arrivals and when their admission ends. */
  private active = new Map<number, number>()
  private presence = new Presence()
  private recentAdmissions: number[] = []
  /** Earliest due expiry (admission, hold, idle) or rate-capped admission: requests sweep once it passes. */
  private sweepDue: number | null = null
  private alarmAt: number | null = null
  /** When the outbox is next due to be relayed to the events queue; null when it is empty. */
  private relayDue: number | null = null
  /** Open sockets, so that a change with nobody listening costs nothing (recounted on every push). */
  private sockets = 0
  private lastPush = 0
  private pushTimer: ReturnType<typeof setTimeout> | null = null
  private readonly lastSent = new WeakMap<WebSocket, string>()
  private readonly owners = new WeakMap<WebSocket, SocketOwner>()
  /** Changes waiting for the next group commit (see inGroup), in the order they reached the object. */
  private group: Array<{ change: () => unknown; resolve: (value: any) => void; reject: (err: unknown) => void }> = []
  private grouping = false
  private rescheduleAfterGroup = false

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(CONCERT_SCHEMA)
      this.load()
      this.alarmAt = await ctx.storage.getAlarm()
      this.sockets = ctx.getWebSockets().length
      this.reschedule()
    })
  }

  // --- operators ---

  configure(setup: ConcertSetup): Result<QueuePolicy> {
    if (this.concertId) return fail(409, 'CONCERT_EXISTS', 'This concert is already configured')
    this.ctx.storage.transactionSync(() => {
      for (const d of setup.dates) {
        this.sql.exec('INSERT INTO dates (date, starts_at, price, total_seats) VALUES (?, ?, ?, ?)', d.date, d.startsAt, d.price, setup.seatsPerDate)
        for (let seat = 1; seat <= setup.seatsPerDate; seat++) {
          this.sql.exec('INSERT INTO seats (date, seat_number) VALUES (?, ?)', d.date, seat)
        }
      }
      this.saveMeta('concertId', setup.concertId)
      this.saveMeta('policy', JSON.stringify(setup.policy))
    })
    this.concertId = setup.concertId
    this.policy = setup.policy
    return ok(this.policy)
  }

  /** Live: the waiting order is kept; a larger cap admits at once. */
  updatePolicy(patch: Partial<QueuePolicy>): Result<QueuePolicy> {
    if (!this.concertId) return notFound()
    const now = Date.now()
    this.ctx.storage.transactionSync(() => {
      this.policy = { ...this.policy, ...patch }
      this.saveMeta('policy', JSON.stringify(this.policy))
      this.admit(now)
    })
    this.afterChange()
    return ok(this.policy)
  }

  stats(): Result<QueueStats> {
    if (!this.concertId) return notFound()
    const now = Date.now()
    this.sweep(now)
    const count = (query: string) => this.sql.exec<{ n: number }>(query).one().n
    return ok({
      concertId: this.concertId,
      waiting: this.waiting.size,
      active: this.active.size,
      admittedLastMinute: this.recentAdmissions.length - firstIndexAfter(this.recentAdmissions, now - 60_000),
      abandoned: this.abandoned,
      holds: count("SELECT COUNT(*) AS n FROM reservations WHERE state IN ('HELD', 'PAYING')"),
      sold: count('SELECT COUNT(*) AS n FROM seats WHERE sold = 1'),
      policy: this.policy,
    })
  }

  // --- catalog ---

  availableDates(): Result<DateAvailabilityView[]> {
    if (!this.concertId) return notFound()
    const now = Date.now()
    this.sweep(now)
    const rows = this.sql
      .exec<{ date: string; starts_at: string; total_seats: number; available: number }>(
        `SELECT d.date, d.starts_at, d.total_seats,
                SUM(s.sold = 0 AND s.reservation_id IS NULL) AS available
           FROM dates d JOIN seats s ON s.date = d.date
          GROUP BY d.date ORDER BY d.date`,
      )
      .toArray()
    return ok(
      rows
        .filter((r) => r.available > 0 && isBookable(r.starts_at, now))
        .map((r) => ({ date: r.date, startsAt: r.starts_at, availableSeats: r.available, totalSeats: r.total_seats })),
    )
  }

  // --- waiting queue ---

  /**
   * Gives each user a place in line, or the place they already have, in this order. The Worker
   * signs the arrival number into the queue token, so asking again yields the same token. A
   * Worker sends the entries that reached it together (queue-entry.ts); their rows and their
   * events are written by one statement each.
   */
  enterAll(userIds: string[]): Promise<Array<Result<QueueEntryView>>> {
    return this.inGroup(() => this.placeInLine(userIds))
  }

  private placeInLine(userIds: string[]): Array<Result<QueueEntryView>> {
    if (!this.concertId) return userIds.map(() => notFound())
    const now = Date.now()
    this.sweep(now)
    const places = new Map<string, number>()
    for (const row of this.sql.exec<{ arrival: number; user_id: string }>('SELECT arrival, user_id FROM queue WHERE user_id IN (SELECT value FROM json_each(?))', JSON.stringify(userIds))) {
      places.set(row.user_id, row.arrival)
      this.seen(row.arrival, now)
    }
    const newcomers: Array<{ userId: string; arrival: number }> = []
    for (const userId of userIds) {
      if (places.has(userId)) continue
      const arrival = this.lastArrival + newcomers.length + 1
      places.set(userId, arrival)
      newcomers.push({ userId, arrival })
    }
    if (newcomers.length > 0) this.joinTheBack(newcomers, now)
    // Only the first of a user's entries in the batch made the place; a repeat finds it made.
    const unanswered = new Set(newcomers.map((n) => n.userId))
    return userIds.map((userId) => {
      const arrival = places.get(userId)!
      return ok({ created: unanswered.delete(userId), arrival, status: this.describe(userId, arrival, now) })
    })
  }

  private joinTheBack(newcomers: Array<{ userId: string; arrival: number }>, now: number) {
    // Joining the back of a line moves nobody's place and no deadline, unless it is admitted
    // at once or starts the idle clock, or its event finds the relay not yet armed: only then
    // re-arm the alarm and push.
    const firstWaiting = this.waiting.size === 0
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO queue (arrival, user_id, status, entered_at) SELECT value ->> '$.arrival', value ->> '$.userId', 'WAITING', ? FROM json_each(?)",
        now,
        JSON.stringify(newcomers),
      )
      this.recordAll('token.issued', now, newcomers)
      for (const { arrival } of newcomers) {
        this.waiting.add(arrival)
        this.presence.touch(arrival, now)
      }
      this.lastArrival = newcomers[newcomers.length - 1]!.arrival
      this.admit(now)
    })
    const admittedAtOnce = newcomers.some(({ arrival }) => this.active.has(arrival))
    if (firstWaiting || admittedAtOnce || this.alarmAt === null || this.alarmAt > this.relayDue!) this.afterChange()
  }

  status(arrival: number, userId: string): Result<QueueStatusView> {
    if (!this.concertId) return notFound()
    const now = Date.now()
    this.sweep(now)
    const entry = this.entryFor(arrival, userId)
    if (!entry) return tokenInvalid()
    this.seen(arrival, now)
    return ok(this.describe(userId, arrival, now))
  }

  /**
   * The queue as plain data, for Workers to answer status polls from for a moment. `seen` are
   * the arrivals that polled a Worker since its last snapshot: they count as present.
   */
  snapshot(seen: number[]): Result<QueueSnapshot> {
    if (!this.concertId) return notFound()
    const now = Date.now()
    for (const arrival of seen) this.seen(arrival, now)
    this.sweep(now)
    return ok({
      concertId: this.concertId,
      live: this.waiting.liveUpTo(this.lastArrival),
      lastArrival: this.lastArrival,
      active: [...this.active].map(([arrival, until]) => ({ arrival, until })),
      admissionRate: measuredAdmissionRate(now, this.recentAdmissions),
      policy: this.policy,
    })
  }

  /** WebSocket upgrades (the Worker has checked the token's signature and concert). */
  override async fetch(request: Request): Promise<Response> {
    // The Worker verified the token and passes its claims; the token itself goes back in pushes.
    const token = new URL(request.url).searchParams.get('token') ?? ''
    const arrival = Number(request.headers.get('x-queue-arrival'))
    const userId = request.headers.get('x-queue-user') ?? ''
    const pair = new WebSocketPair()
    const [client, server] = [pair[0], pair[1]]
    const now = Date.now()
    this.sweep(now)
    const entry = this.concertId ? this.entryFor(arrival, userId) : undefined
    if (!entry) {
      // Finished or unknown: say so on the socket, as the contract asks, then close.
      server.accept()
      server.send(JSON.stringify({ status: 'EXPIRED' }))
      server.close(1000, 'token expired')
      return new Response(null, { status: 101, webSocket: client })
    }
    this.ctx.acceptWebSocket(server, [socketTag(arrival)])
    this.sockets++
    const owner: SocketOwner = { token, arrival, userId }
    server.serializeAttachment(owner)
    this.owners.set(server, owner)
    this.seen(arrival, now)
    this.push(server, now)
    return new Response(null, { status: 101, webSocket: client })
  }

  /** Any message from the client (a ping) answers with the current status and counts as presence. */
  override webSocketMessage(ws: WebSocket): void {
    const owner = this.ownerOf(ws)
    if (!owner) return
    const now = Date.now()
    this.sweep(now)
    this.seen(owner.arrival, now)
    this.lastSent.delete(ws)
    this.push(ws, now)
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.sockets = Math.max(0, this.sockets - 1)
    try {
      ws.close(code === 1005 ? 1000 : code, 'closing')
    } catch {
      // Already closed.
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.webSocketClose(ws, 1011)
  }

  // --- seats and holds ---

  seatMap(arrival: number, userId: string, date: string): Result<SeatMapView> {
    const admitted = this.requireActive(arrival, userId, Date.now())
    if (!admitted.ok) return admitted
    return this.seats(date)
  }

  /** All seats of a date, for whoever is allowed to see them (the caller checks admission). */
  seats(date: string): Result<SeatMapView> {
    if (!this.concertId) return notFound()
    this.sweep(Date.now())
    const day = this.dateRow(date)
    if (!day) return fail(404, 'DATE_NOT_FOUND', `This concert has no show on ${date}`)
    const seats = this.sql
      .exec<{ seat_number: number; sold: number; reservation_id: string | null }>(
        'SELECT seat_number, sold, reservation_id FROM seats WHERE date = ? ORDER BY seat_number',
        date,
      )
      .toArray()
      .map((s) => ({
        seatNumber: s.seat_number,
        status: (s.sold ? 'SOLD' : s.reservation_id ? 'HELD' : 'AVAILABLE') as SeatStatus,
        price: day.price,
      }))
    return ok({ concertId: this.concertId, date, seats })
  }

  hold(arrival: number, userId: string, date: string, seatNumber: number): Result<HoldView> | Promise<Result<HoldView>> {
    // A refusal changes nothing, so it needs no commit: it is answered at once. A hold waits
    // for its group and is checked again there.
    const refused = this.holdable(arrival, userId, date, seatNumber, Date.now())
    if (!refused.ok) return refused
    return this.inGroup(() => this.holdSeat(arrival, userId, date, seatNumber))
  }

  /** Whether this user may hold this seat now: the entry and date the hold needs, or why not. */
  private holdable(arrival: number, userId: string, date: string, seatNumber: number, now: number): Result<{ entry: QueueRow; day: DateRow }> {
    const admitted = this.requireActive(arrival, userId, now)
    if (!admitted.ok) return admitted
    const entry = admitted.value
    const day = this.dateRow(date)
    if (!day) return fail(404, 'DATE_NOT_FOUND', `This concert has no show on ${date}`)
    if (!isBookable(day.starts_at, now)) return fail(409, 'SEAT_UNAVAILABLE', `The show on ${date} has already started`)
    if (seatNumber > day.total_seats) return fail(404, 'SEAT_NOT_FOUND', `The show on ${date} has seats 1 to ${day.total_seats}`)
    const seat = this.sql
      .exec<{ sold: number; reservation_id: string | null }>('SELECT sold, reservation_id FROM seats WHERE date = ? AND seat_number = ?', date, seatNumber)
      .one()
    if (seat.sold || seat.reservation_id) return fail(409, 'SEAT_UNAVAILABLE', `Seat ${seatNumber} on ${date} is already taken`)
    const held = this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM reservations WHERE user_id = ? AND state IN ('HELD', 'PAYING')", entry.user_id)
      .one().n
    if (held >= this.policy.maxHoldsPerUser) {
      return fail(409, 'HOLD_LIMIT_REACHED', `You may hold at most ${this.policy.maxHoldsPerUser} seat(s) at once`)
    }
    return ok({ entry, day })
  }

  private holdSeat(arrival: number, userId: string, date: string, seatNumber: number): Result<HoldView> {
    const now = Date.now()
    const holdable = this.holdable(arrival, userId, date, seatNumber, now)
    if (!holdable.ok) return holdable
    const { entry, day } = holdable.value
    const reservationId = crypto.randomUUID()
    const expiresAt = holdExpiresAt(now, this.policy, entry.active_until!)
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO reservations (id, date, seat_number, user_id, arrival, price, state, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'HELD', ?, ?)`,
        reservationId,
        date,
        seatNumber,
        entry.user_id,
        arrival,
        day.price,
        expiresAt,
        now,
      )
      this.sql.exec('UPDATE seats SET reservation_id = ? WHERE date = ? AND seat_number = ?', reservationId, date, seatNumber)
      this.record('seat.held', now, { userId: entry.user_id, arrival, reservationId, date, seatNumber, price: day.price, expiresAt: iso(expiresAt) })
    })
    this.reschedule()
    return ok({
      reservationId,
      concertId: this.concertId!,
      date,
      seatNumber,
      price: day.price,
      status: 'HELD',
      expiresAt: iso(expiresAt),
    })
  }

  release(arrival: number, userId: string, reservationId: string): Promise<Result<{ date: string }>> {
    return this.inGroup(() => this.releaseHold(arrival, userId, reservationId))
  }

  private releaseHold(arrival: number, userId: string, reservationId: string): Result<{ date: string }> {
    const now = Date.now()
    const owned = this.ownedReservation(arrival, userId, reservationId, now)
    if (!owned.ok) return owned
    const reservation = owned.value
    if (reservation.state === 'PAYING') return fail(409, 'PAYMENT_IN_PROGRESS', 'This reservation is being paid for')
    if (reservation.state !== 'HELD') return gone(reservation)
    this.ctx.storage.transactionSync(() => this.freeSeat(reservation, 'RELEASED', now))
    this.reschedule()
    return ok({ date: reservation.date })
  }

  // --- payment: the object's half. The ledger's half is one D1 batch between begin and complete. ---

  /**
   * Marks the hold as being paid for, so that its expiry waits for the ledger's answer
   * instead of giving the seat away while money may be moving.
   */
  beginPayment(arrival: number, userId: string, reservationId: string): Promise<Result<PaymentStart>> {
    return this.inGroup(() => this.markPaying(arrival, userId, reservationId))
  }

  private markPaying(arrival: number, userId: string, reservationId: string): Result<PaymentStart> {
    const now = Date.now()
    const owned = this.ownedReservation(arrival, userId, reservationId, now)
    if (!owned.ok) return owned
    const reservation = owned.value
    if (reservation.state !== 'HELD' && reservation.state !== 'PAYING') return gone(reservation)
    if (reservation.state === 'HELD') {
      this.sql.exec("UPDATE reservations SET state = 'PAYING', paying_since = ? WHERE id = ?", now, reservationId)
      this.reschedule()
    }
    return ok({ concertId: this.concertId!, date: reservation.date, seatNumber: reservation.seat_number, price: reservation.price })
  }

  /** The ledger refused (e.g. insufficient balance): the seat stays held until its expiry. */
  abortPayment(reservationId: string): Promise<void> {
    return this.inGroup(() => this.settlePaying(reservationId, null, Date.now()))
  }

  /** The ledger recorded the sale: the seat is SOLD, the payer's token ends, the next user is admitted. */
  completePayment(reservationId: string, paymentId: string): Promise<void> {
    return this.inGroup(() => this.settlePaying(reservationId, paymentId, Date.now()))
  }

  // --- time ---

  /** Alarms are at-least-once: everything here is safe to run again. */
  override async alarm(): Promise<void> {
    this.alarmAt = null
    this.sweepDue = Date.now()
    this.sweep(Date.now())
    // A payment whose Worker died between the ledger and us: ask the ledger what happened.
    const stuck = this.sql
      .exec<{ id: string }>("SELECT id FROM reservations WHERE state = 'PAYING' AND paying_since <= ?", Date.now() - PAYMENT_GRACE_MS)
      .toArray()
    for (const { id } of stuck) {
      const payment = await findPayment(this.env.DB, id)
      this.settlePaying(id, payment?.id ?? null, Date.now())
    }
    if (this.relayDue !== null && this.relayDue <= Date.now()) await this.relay()
    this.reschedule()
  }

  /**
   * Publishes the outbox to the events queue in order, in batches, deleting what the queue
   * has taken. A crash between a send and its delete sends those events again: delivery is
   * at least once, and consumers dedupe by eventId.
   */
  private async relay() {
    // Events recorded while a send is awaited schedule the next relay themselves.
    this.relayDue = null
    try {
      for (let sent = 0; sent < RELAY_BATCHES_PER_ALARM; sent++) {
        const rows = this.sql.exec<{ seq: number; event: string }>('SELECT seq, event FROM outbox ORDER BY seq LIMIT ?', RELAY_BATCH).toArray()
        if (rows.length === 0) break
        await this.env.SALE_EVENTS.sendBatch(rows.map((r) => ({ body: JSON.parse(r.event) as SaleEvent, contentType: 'json' as const })))
        this.sql.exec('DELETE FROM outbox WHERE seq <= ?', rows[rows.length - 1]!.seq)
      }
      if (this.hasUnsentEvents()) this.relayDue ??= Date.now() + RELAY_DELAY_MS
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'outbox relay failed', concertId: this.concertId, error: String(err) }))
      this.relayDue = Date.now() + RELAY_RETRY_MS
    }
  }

  // --- internals ---

  /**
   * Group commit. A change waits until the object has taken in the requests already delivered
   * to it, then runs with the changes that arrived meanwhile, in arrival order, inside one
   * transaction: one commit and one disk sync for the group instead of one each. A change
   * writes in a nested transaction of its own (or in one statement), so one that throws is
   * rolled back alone. Answers go out once the group is committed.
   */
  private inGroup<T>(change: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.group.push({ change, resolve, reject })
      if (this.group.length === 1) setTimeout(() => this.commitGroup(), 0)
    })
  }

  private commitGroup() {
    const group = this.group
    this.group = []
    const answers: Array<() => void> = []
    try {
      this.ctx.storage.transactionSync(() => {
        this.grouping = true
        try {
          for (const { change, resolve, reject } of group) {
            try {
              const value = change()
              answers.push(() => resolve(value))
            } catch (err) {
              answers.push(() => reject(err))
            }
          }
        } finally {
          this.grouping = false
        }
        if (this.lastArrival !== this.storedLastArrival) this.saveMeta('lastArrival', String(this.lastArrival))
        if (this.rescheduleAfterGroup) this.reschedule()
      })
    } catch (err) {
      // Nothing of the group was stored, but memory moved with it: start again from storage.
      for (const { reject } of group) reject(err)
      this.ctx.abort('a group of changes could not be committed')
      return
    }
    this.storedLastArrival = this.lastArrival
    for (const answer of answers) answer()
  }

  private load() {
    const meta = new Map(this.sql.exec<{ key: string; value: string }>('SELECT key, value FROM meta').toArray().map((r) => [r.key, r.value]))
    this.concertId = meta.get('concertId') ?? null
    this.policy = meta.has('policy') ? { ...DEFAULT_POLICY, ...JSON.parse(meta.get('policy')!) } : DEFAULT_POLICY
    this.lastArrival = this.storedLastArrival = Number(meta.get('lastArrival') ?? 0)
    this.abandoned = Number(meta.get('abandoned') ?? 0)
    const now = Date.now()
    const rows = this.sql.exec<{ arrival: number; status: string; active_until: number | null }>('SELECT arrival, status, active_until FROM queue ORDER BY arrival').toArray()
    const waiting: number[] = []
    for (const r of rows) {
      if (r.status === 'ACTIVE') this.active.set(r.arrival, r.active_until!)
      else {
        waiting.push(r.arrival)
        this.presence.touch(r.arrival, now)
      }
    }
    this.waiting = new WaitingIndex(waiting)
    if (this.hasUnsentEvents()) this.relayDue = now
    this.recentAdmissions = this.sql
      .exec<{ at: number }>('SELECT at FROM admissions WHERE at > ? ORDER BY at', now - ADMISSION_MEMORY_MS)
      .toArray()
      .map((r) => r.at)
  }

  private saveMeta(key: string, value: string) {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value)
  }

  /** The live entry at this arrival, if it is this user's (arrivals are never reused). */
  private entryFor(arrival: number, userId: string): QueueRow | undefined {
    const row = this.sql.exec<QueueRow>('SELECT * FROM queue WHERE arrival = ?', arrival).toArray()[0]
    return row?.user_id === userId ? row : undefined
  }

  private dateRow(date: string): DateRow | undefined {
    return this.sql.exec<DateRow>('SELECT starts_at, price, total_seats FROM dates WHERE date = ?', date).toArray()[0]
  }

  private seen(arrival: number, now: number) {
    if (this.waiting.has(arrival)) this.presence.touch(arrival, now)
  }

  private requireActive(arrival: number, userId: string, now: number): Result<QueueRow> {
    if (!this.concertId) return notFound()
    this.sweep(now)
    const entry = this.entryFor(arrival, userId)
    if (!entry) return tokenInvalid()
    if (entry.status !== 'ACTIVE') {
      this.seen(entry.arrival, now)
      return fail(403, 'QUEUE_NOT_ACTIVE', `You are still waiting in line (position ${this.waiting.position(entry.arrival)})`)
    }
    return ok(entry)
  }

  private ownedReservation(arrival: number, userId: string, reservationId: string, now: number): Result<ReservationRow> {
    const admitted = this.requireActive(arrival, userId, now)
    if (!admitted.ok) return admitted
    const reservation = this.sql.exec<ReservationRow>('SELECT * FROM reservations WHERE id = ?', reservationId).toArray()[0]
    if (!reservation) return fail(404, 'RESERVATION_NOT_FOUND', 'No such reservation for this concert')
    if (reservation.user_id !== admitted.value.user_id) return fail(403, 'NOT_YOUR_RESERVATION', 'This reservation belongs to someone else')
    return ok(reservation)
  }

  /** A live entry's status, from memory alone (no storage read): cheap enough to push to thousands. */
  private describe(userId: string, arrival: number, now: number, admissionRate = measuredAdmissionRate(now, this.recentAdmissions)): QueueStatusView {
    const activeUntil = this.active.get(arrival)
    const place = activeUntil !== undefined ? { activeUntil } : { position: this.waiting.position(arrival) }
    return { userId, concertId: this.concertId!, ...placeStatus(place, now, admissionRate, this.policy) }
  }

  /** Fills free ACTIVE places with the longest-waiting users, within the rate cap. Call inside a transaction. */
  private admit(now: number) {
    // Drop what is past the window now and then, not on every call: lookups binary-search it.
    const expired = firstIndexAfter(this.recentAdmissions, now - ADMISSION_MEMORY_MS)
    if (expired >= 1024 || expired * 2 >= this.recentAdmissions.length) this.recentAdmissions.splice(0, expired)
    const count = Math.min(
      admissionsAvailable(this.active.size, this.waiting.size, this.policy),
      rateAllowance(now, this.recentAdmissions, this.policy.admitPerMinute).allowed,
    )
    if (count === 0) return
    const activeUntil = now + this.policy.activeTtlSeconds * 1000
    const admitted = this.sql
      .exec<{ arrival: number; user_id: string }>(
        `UPDATE queue SET status = 'ACTIVE', active_until = ?
          WHERE arrival IN (SELECT arrival FROM queue WHERE status = 'WAITING' ORDER BY arrival LIMIT ?)
          RETURNING arrival, user_id`,
        activeUntil,
        count,
      )
      .toArray()
    for (const { arrival, user_id } of admitted) {
      this.record('token.admitted', now, { userId: user_id, arrival })
      this.waiting.remove(arrival)
      this.presence.forget(arrival)
      this.active.set(arrival, activeUntil)
      this.recentAdmissions.push(now)
      this.sql.exec('INSERT INTO admissions (at) VALUES (?)', now)
    }
    this.sql.exec('DELETE FROM admissions WHERE at <= ?', now - ADMISSION_MEMORY_MS)
  }

  /** Ends a live entry: its row, its place in memory, and its sockets (told EXPIRED). */
  private endEntry(arrival: number, reason: TokenEndReason, now: number) {
    const ended = this.sql.exec<{ user_id: string }>('DELETE FROM queue WHERE arrival = ? RETURNING user_id', arrival).toArray()[0]
    if (ended) this.record('token.expired', now, { userId: ended.user_id, arrival, reason })
    this.waiting.remove(arrival)
    this.active.delete(arrival)
    this.presence.forget(arrival)
    for (const ws of this.ctx.getWebSockets(socketTag(arrival))) {
      try {
        ws.send(JSON.stringify({ status: 'EXPIRED' }))
        ws.close(1000, 'token expired')
      } catch {
        // The client is already gone.
      }
    }
  }

  /** Expires admissions, holds and idle waiters whose time has passed, then refills. Cheap when nothing is due. */
  private sweep(now: number) {
    if (this.sweepDue === null || now < this.sweepDue) return
    this.ctx.storage.transactionSync(() => {
      for (const r of this.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE state = 'HELD' AND expires_at <= ?", now).toArray()) {
        this.freeSeat(r, 'EXPIRED', now)
      }
      for (const r of this.sql.exec<{ arrival: number }>("SELECT arrival FROM queue WHERE status = 'ACTIVE' AND active_until <= ?", now).toArray()) {
        this.endEntry(r.arrival, 'ACTIVE_TIMEOUT', now)
      }
      this.dropIdle(now)
      this.admit(now)
    })
    this.afterChange()
  }

  /** WAITING users unseen for idleTimeoutSeconds leave, unless a socket shows they are still there. */
  private dropIdle(now: number) {
    const idle = this.presence.idleSince(now - this.policy.idleTimeoutSeconds * 1000)
    if (idle.length === 0) return
    let dropped = 0
    for (const arrival of idle) {
      if (!this.waiting.has(arrival)) {
        this.presence.forget(arrival)
      } else if (this.ctx.getWebSockets(socketTag(arrival)).length > 0) {
        this.presence.touch(arrival, now)
      } else {
        this.endEntry(arrival, 'IDLE', now)
        dropped++
      }
    }
    if (dropped > 0) {
      this.abandoned += dropped
      this.saveMeta('abandoned', String(this.abandoned))
    }
  }

  private freeSeat(r: ReservationRow, state: 'RELEASED' | 'EXPIRED', now: number) {
    this.sql.exec('UPDATE reservations SET state = ?, paying_since = NULL WHERE id = ?', state, r.id)
    this.sql.exec('UPDATE seats SET reservation_id = NULL WHERE date = ? AND seat_number = ? AND reservation_id = ?', r.date, r.seat_number, r.id)
    this.record(state === 'RELEASED' ? 'seat.released' : 'seat.expired', now, {
      userId: r.user_id,
      arrival: r.arrival,
      reservationId: r.id,
      date: r.date,
      seatNumber: r.seat_number,
    })
  }

  private hasUnsentEvents(): boolean {
    return this.sql.exec('SELECT 1 FROM outbox LIMIT 1').toArray().length > 0
  }

  /** Writes a sale event in the caller's transaction (the outbox) and logs it. */
  private record(type: SaleEventType, now: number, fields: SaleEventFields) {
    this.recordAll(type, now, [fields])
  }

  /** Events of one type, written by one statement. */
  private recordAll(type: SaleEventType, now: number, fieldsOfEach: SaleEventFields[]) {
    const events = fieldsOfEach.map((fields) => saleEvent(type, this.concertId!, now, fields))
    this.sql.exec('INSERT INTO outbox (event) SELECT value FROM json_each(?)', JSON.stringify(events))
    this.relayDue ??= now + RELAY_DELAY_MS
    for (const event of events) console.log(JSON.stringify({ level: 'info', msg: 'sale event', ...event }))
  }

  /**
   * Ends a payment in flight with the ledger's answer: with a payment the seat is SOLD (the
   * ledger is the truth about money, so this wins even over a later hold of the same seat);
   * without one the hold goes back to HELD, or is released if its time has passed.
   */
  private settlePaying(reservationId: string, paymentId: string | null, now: number) {
    const r = this.sql.exec<ReservationRow>('SELECT * FROM reservations WHERE id = ?', reservationId).toArray()[0]
    if (!r || r.state === 'PAID') return
    this.ctx.storage.transactionSync(() => {
      if (paymentId) {
        const holder = this.sql
          .exec<ReservationRow>('SELECT r.* FROM seats s JOIN reservations r ON r.id = s.reservation_id WHERE s.date = ? AND s.seat_number = ? AND r.id != ?', r.date, r.seat_number, r.id)
          .toArray()[0]
        if (holder) this.freeSeat(holder, 'RELEASED', now)
        this.sql.exec('UPDATE seats SET sold = 1, reservation_id = ? WHERE date = ? AND seat_number = ?', r.id, r.date, r.seat_number)
        this.sql.exec("UPDATE reservations SET state = 'PAID', payment_id = ?, paying_since = NULL WHERE id = ?", paymentId, r.id)
        this.record('seat.paid', now, { userId: r.user_id, arrival: r.arrival, reservationId: r.id, date: r.date, seatNumber: r.seat_number, price: r.price, paymentId })
        // The token that bought the seat is finished; any other hold it had goes back on sale.
        for (const other of this.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE arrival = ? AND state = 'HELD'", r.arrival).toArray()) {
          this.freeSeat(other, 'RELEASED', now)
        }
        if (this.waiting.has(r.arrival) || this.active.has(r.arrival)) this.endEntry(r.arrival, 'PAID', now)
        this.admit(now)
      } else if (r.state === 'PAYING') {
        if (r.expires_at > now) this.sql.exec("UPDATE reservations SET state = 'HELD', paying_since = NULL WHERE id = ?", r.id)
        else this.freeSeat(r, 'EXPIRED', now)
      } else if (r.state === 'HELD' && r.expires_at <= now) {
        this.freeSeat(r, 'EXPIRED', now)
      }
    })
    this.afterChange()
  }

  /** After anything that may move positions or deadlines: re-arm the alarm and push positions. */
  private afterChange() {
    this.reschedule()
    this.schedulePush()
  }

  /** One alarm, at the earliest deadline; re-armed after every change and every run. */
  private reschedule() {
    // Inside a group, once at its end: the deadlines its changes add all lie in the future,
    // so none falls due before then.
    this.rescheduleAfterGroup = this.grouping
    if (this.grouping) return
    const min = (query: string) => this.sql.exec<{ m: number | null }>(query).one().m
    const now = Date.now()
    const idleSince = this.presence.oldest()
    // Free places and someone waiting: admission is due now, or when the rate cap allows.
    let admissionDue: number | null = null
    if (this.waiting.size > 0 && this.active.size < this.policy.maxActiveUsers) {
      const allowance = rateAllowance(now, this.recentAdmissions, this.policy.admitPerMinute)
      admissionDue = allowance.allowed > 0 ? now : allowance.nextAt
    }
    this.sweepDue = nextDeadline([
      min("SELECT MIN(active_until) AS m FROM queue WHERE status = 'ACTIVE'"),
      min("SELECT MIN(expires_at) AS m FROM reservations WHERE state = 'HELD'"),
      idleSince === null ? null : idleSince + this.policy.idleTimeoutSeconds * 1000,
      admissionDue,
    ])
    const payingSince = min("SELECT MIN(paying_since) AS m FROM reservations WHERE state = 'PAYING'")
    const due = nextDeadline([this.sweepDue, payingSince === null ? null : payingSince + PAYMENT_GRACE_MS, this.relayDue])
    if (due === this.alarmAt) return
    this.alarmAt = due
    if (due === null) void this.ctx.storage.deleteAlarm()
    else void this.ctx.storage.setAlarm(due)
  }

  /**
   * Coalesced push: the first change after a quiet interval goes out at once; changes within
   * the interval are gathered into one push at its end. Each socket is sent only what changed.
   */
  private schedulePush() {
    if (this.pushTimer !== null || this.sockets === 0) return
    const wait = Math.max(0, this.lastPush + PUSH_INTERVAL_MS - Date.now())
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null
      this.pushAll()
    }, wait)
  }

  private pushAll() {
    const now = Date.now()
    this.lastPush = now
    this.sweep(now)
    const rate = measuredAdmissionRate(now, this.recentAdmissions)
    const sockets = this.ctx.getWebSockets()
    this.sockets = sockets.length
    for (const ws of sockets) this.push(ws, now, rate)
  }

  private push(ws: WebSocket, now: number, admissionRate?: number) {
    const owner = this.ownerOf(ws)
    if (!owner || (!this.waiting.has(owner.arrival) && !this.active.has(owner.arrival))) return
    const status = this.describe(owner.userId, owner.arrival, now, admissionRate)
    // Compare without the estimate's drift, so an unchanged place is not re-sent.
    const key = `${status.status}|${status.position}|${status.activeUntil}`
    if (this.lastSent.get(ws) === key) return
    try {
      ws.send(JSON.stringify({ token: owner.token, ...status }))
      this.lastSent.set(ws, key)
    } catch {
      // The client is gone; its close event will follow.
    }
  }

  /** The socket's owner, from memory or, after hibernation, from its attachment. */
  private ownerOf(ws: WebSocket): SocketOwner | null {
    let owner = this.owners.get(ws)
    if (!owner) {
      owner = ws.deserializeAttachment() as SocketOwner | undefined
      if (owner) this.owners.set(ws, owner)
    }
    return owner ?? null
  }
}

const notFound = () => fail(404, 'CONCERT_NOT_FOUND', 'No such concert')
const tokenInvalid = () => fail(401, 'QUEUE_TOKEN_INVALID', 'The queue token is invalid, expired or finished')
const gone = (r: ReservationRow) =>
  r.state === 'PAID'
    ? fail(409, 'ALREADY_PAID', 'This reservation is already paid')
    : fail(410, 'RESERVATION_EXPIRED', r.state === 'RELEASED' ? 'This reservation was released' : 'This hold has expired; the seat is on sale again')
