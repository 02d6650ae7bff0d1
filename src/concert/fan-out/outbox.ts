import { saleEvent, type SaleEvent, type SaleEventFields, type SaleEventType } from '../../events/sale-event'
import { execJsonRows } from '../runtime/json-rows'
import type { ConcertMeta } from '../runtime/meta'

/** Events wait this long in the outbox, so that one send carries the changes of a busy moment. */
const RELAY_DELAY_MS = 500
/** When the events queue refused a send, try again after this. */
const RELAY_RETRY_MS = 5_000
/** Queues' sendBatch takes at most 100 messages; one relay sends at most this many batches. */
const RELAY_BATCH = 100
const RELAY_BATCHES_PER_RUN = 50
/**
 * The events of a change are logged together, this many a line (about 30 KB): a line per event
 * was 9 of the 22 µs of the object's CPU per entry into the line (`npm run bench:costs`), and a
 * rush's rate of lines alone once broke wrangler's local proxy (#17).
 */
const EVENTS_PER_LOG_LINE = 100

/**
 * Sale events written in the transaction of the change they describe (a transactional
 * outbox, table `outbox`), then relayed to the events queue by the object's alarm.
 */
export class Outbox {
  /** When the outbox is next due to be relayed; null when it is empty. */
  due: number | null = null
  /** Events written since the concert was created (meta `eventsWritten`, saved with them). */
  private written = 0

  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: ConcertMeta,
  ) {}

  load(now: number) {
    this.written = this.meta.number('eventsWritten')
    if (this.hasUnsent()) this.due = now
  }

  /** For operators, and the bench's count of events written against those delivered. */
  counts() {
    return { written: this.written, unsent: this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox').one().n }
  }

  /** Writes a sale event in the caller's transaction and logs it. */
  record(type: SaleEventType, now: number, fields: SaleEventFields) {
    this.recordAll(type, now, [fields])
  }

  /** Events of one type, written by one statement. */
  recordAll(type: SaleEventType, now: number, fieldsOfEach: SaleEventFields[]) {
    const events = fieldsOfEach.map((fields) => saleEvent(type, this.meta.id!, now, fields))
    execJsonRows(this.sql, 'INSERT INTO outbox (event) SELECT value FROM json_each(?)', events)
    this.written += events.length
    this.meta.save('eventsWritten', String(this.written))
    this.due ??= now + RELAY_DELAY_MS
    for (let i = 0; i < events.length; i += EVENTS_PER_LOG_LINE) {
      console.log(
        JSON.stringify({
          level: 'info',
          msg: 'sale events',
          type,
          concertId: this.meta.id,
          events: events.slice(i, i + EVENTS_PER_LOG_LINE),
        }),
      )
    }
  }

  /**
   * Publishes the outbox in order, in batches, deleting what the queue has taken. A crash
   * between a send and its delete sends those events again: delivery is at least once, and
   * consumers dedupe by eventId. This and the object's alarm are the only awaits: events
   * recorded while a send is awaited make the next relay due themselves.
   */
  async relay(send: (events: SaleEvent[]) => Promise<void>) {
    this.due = null
    try {
      for (let sent = 0; sent < RELAY_BATCHES_PER_RUN; sent++) {
        const rows = this.sql
          .exec<{ seq: number; event: string }>('SELECT seq, event FROM outbox ORDER BY seq LIMIT ?', RELAY_BATCH)
          .toArray()
        if (rows.length === 0) break
        await send(rows.map((r) => JSON.parse(r.event) as SaleEvent))
        this.sql.exec('DELETE FROM outbox WHERE seq <= ?', rows[rows.length - 1]!.seq)
      }
      if (this.hasUnsent()) this.due ??= Date.now() + RELAY_DELAY_MS
    } catch (err) {
      console.error(
        JSON.stringify({ level: 'error', msg: 'outbox relay failed', concertId: this.meta.id, error: String(err) }),
      )
      this.due = Date.now() + RELAY_RETRY_MS
    }
  }

  private hasUnsent(): boolean {
    return this.sql.exec('SELECT 1 FROM outbox LIMIT 1').toArray().length > 0
  }
}
