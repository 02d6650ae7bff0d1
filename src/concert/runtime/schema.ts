import { TICKET_TABLES } from '../tickets/ticket-tables'
import { WAITLIST_TABLES } from '../waitlist/waitlist-tables'

/**
 * The concert object's own SQLite schema, as ordered migrations. The version an object's data
 * is at is kept in `meta` (schemaVersion); on every wake the steps after it run, each in its
 * own transaction with the version it reaches, so an object deployed with data is upgraded in
 * place and a step that fails leaves the object at the version before it.
 */
export interface Migration {
  version: number
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    // The schema as first deployed, before versions were kept: IF NOT EXISTS makes it a no-op
    // on such an object, which is then stamped at version 1.
    version: 1,
    sql: `
CREATE TABLE IF NOT EXISTS dates (
  date TEXT PRIMARY KEY,
  starts_at TEXT NOT NULL,
  price INTEGER NOT NULL,
  total_seats INTEGER NOT NULL
);
-- A seat is SOLD when sold = 1, HELD while a reservation points at it, AVAILABLE otherwise.
CREATE TABLE IF NOT EXISTS seats (
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  reservation_id TEXT,
  sold INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (date, seat_number)
);
-- arrival is assigned consecutively by the object and never reused; the queue token is its
-- signature. Rows leave when the place expires, is abandoned or pays.
CREATE TABLE IF NOT EXISTS queue (
  arrival INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('WAITING', 'ACTIVE')),
  entered_at INTEGER NOT NULL,
  active_until INTEGER
);
CREATE INDEX IF NOT EXISTS queue_by_status ON queue (status, active_until);
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  arrival INTEGER NOT NULL,
  price INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('HELD', 'PAYING', 'PAID', 'RELEASED', 'EXPIRED')),
  expires_at INTEGER NOT NULL,
  paying_since INTEGER,
  payment_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reservations_by_state ON reservations (state, expires_at);
CREATE INDEX IF NOT EXISTS reservations_by_user ON reservations (user_id, state);
CREATE INDEX IF NOT EXISTS reservations_by_arrival ON reservations (arrival, state);
-- Admission times of the last minutes: the rate cap's window and the measured admission rate.
CREATE TABLE IF NOT EXISTS admissions (
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS admissions_by_time ON admissions (at);
-- Sale events written with the change they describe and not yet handed to the events queue
-- (a transactional outbox): the alarm publishes them and deletes them once the queue has them.
-- seq orders them; a number is reused only once its row is gone, so no AUTOINCREMENT (which
-- costs a write to sqlite_sequence per event).
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY,
  event TEXT NOT NULL
);
    `,
  },
  {
    // Places ended because every seat was sold: their tokens answer SOLD_OUT from then on.
    version: 2,
    sql: 'CREATE TABLE IF NOT EXISTS sold_out_places (arrival INTEGER PRIMARY KEY, user_id TEXT NOT NULL);',
  },
  {
    // A scheduled sale's pre-queue: entries named by a public id, with no order until the
    // draw gives each its arrival.
    version: 3,
    sql: `
CREATE TABLE IF NOT EXISTS pre_queue (
  entry_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL UNIQUE,
  entered_at INTEGER NOT NULL,
  arrival INTEGER UNIQUE
);
    `,
  },
  {
    // Each entry's draw key, made as it enters: the draw is then one statement in key order.
    version: 4,
    sql: `
ALTER TABLE pre_queue ADD COLUMN draw_key TEXT;
CREATE INDEX IF NOT EXISTS pre_queue_by_draw_key ON pre_queue (draw_key);
    `,
  },
  {
    // The queue minute by minute, for operators (src/concert/line/history.ts): running totals at
    // each minute's last change; and policy changes, for the timeline.
    version: 5,
    sql: `
CREATE TABLE IF NOT EXISTS history (
  minute INTEGER PRIMARY KEY,
  waiting INTEGER NOT NULL,
  active INTEGER NOT NULL,
  admitted INTEGER NOT NULL,
  abandoned INTEGER NOT NULL,
  sold INTEGER NOT NULL,
  entered INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS policy_log (at INTEGER NOT NULL, patch TEXT NOT NULL);
    `,
  },
  {
    // Priced sections (none: one section of every seat at the date's price); orders of several
    // seats (seat_numbers, JSON; seat_number is the first) and their refund. States gain
    // REFUNDING (money on its way back, the seats still SOLD) and REFUNDED, which a CHECK
    // cannot be altered to allow: the table is rebuilt. paying_since is when money started
    // moving, for a payment or a refund in flight.
    version: 6,
    sql: `
CREATE TABLE IF NOT EXISTS sections (
  position INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  price INTEGER NOT NULL,
  first_seat INTEGER NOT NULL,
  seats INTEGER NOT NULL
);
CREATE TABLE reservations_v6 (
  id TEXT PRIMARY KEY,
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  seat_numbers TEXT NOT NULL,
  user_id TEXT NOT NULL,
  arrival INTEGER NOT NULL,
  price INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('HELD', 'PAYING', 'PAID', 'RELEASED', 'EXPIRED', 'REFUNDING', 'REFUNDED')),
  expires_at INTEGER NOT NULL,
  paying_since INTEGER,
  payment_id TEXT,
  refund_id TEXT,
  created_at INTEGER NOT NULL
);
INSERT INTO reservations_v6 (id, date, seat_number, seat_numbers, user_id, arrival, price, state, expires_at, paying_since, payment_id, created_at)
  SELECT id, date, seat_number, json_array(seat_number), user_id, arrival, price, state, expires_at, paying_since, payment_id, created_at FROM reservations;
DROP TABLE reservations;
ALTER TABLE reservations_v6 RENAME TO reservations;
CREATE INDEX reservations_by_state ON reservations (state, expires_at);
CREATE INDEX reservations_by_user ON reservations (user_id, state);
CREATE INDEX reservations_by_arrival ON reservations (arrival, state);
    `,
  },
  {
    // Relays holding this concert's sockets and streams (src/relay/), told of each change.
    version: 7,
    sql: `
CREATE TABLE relays (name TEXT PRIMARY KEY);
    `,
  },
  {
    // An entry into the pre-queue appends a row and writes one index, its user's: entries are
    // found by user (a token's entry id is checked against the row), the draw-key index is
    // made as the draw begins (pre-queue.ts, beginDraw; one sort instead of a random insert
    // per entry), and an arrival is indexed only once the draw gives it. Each of the other
    // three indexes an entry wrote before was a random B-tree insert (docs/scale.md).
    version: 8,
    sql: `
CREATE TABLE pre_queue_v8 (
  entry_id TEXT NOT NULL,
  user_id TEXT NOT NULL UNIQUE,
  entered_at INTEGER NOT NULL,
  draw_key TEXT,
  arrival INTEGER
);
INSERT INTO pre_queue_v8 (entry_id, user_id, entered_at, draw_key, arrival)
  SELECT entry_id, user_id, entered_at, draw_key, arrival FROM pre_queue ORDER BY rowid;
DROP TABLE pre_queue;
ALTER TABLE pre_queue_v8 RENAME TO pre_queue;
CREATE UNIQUE INDEX pre_queue_by_arrival ON pre_queue (arrival) WHERE arrival IS NOT NULL;
    `,
  },
  {
    // The draw's order, indexed as entries are made by the keys' first 8 hex digits (ties, about
    // 57 pairs in 700,000, sorted by whole key when read: pre-queue.ts, KEY_ORDER). Made at the
    // opening instead, an index of whole keys held the object about 1 µs an entry there (0.7 s
    // at 700,000; bench:costs, "the opening"); of whole keys as entries are made, it took an
    // entry from 14.6 to 21 µs.
    version: 9,
    sql: `
DROP INDEX IF EXISTS pre_queue_by_draw_key;
CREATE INDEX pre_queue_by_draw_prefix ON pre_queue (substr(draw_key, 1, 8));
    `,
  },
  {
    // A refund in flight has its own clock (refunding_since); paying_since is a payment's
    // alone. Refunds in flight when this step runs keep the time they started.
    version: 10,
    sql: `
ALTER TABLE reservations ADD COLUMN refunding_since INTEGER;
UPDATE reservations SET refunding_since = paying_since, paying_since = NULL WHERE state = 'REFUNDING';
    `,
  },
  {
    // Proofs of work an entry used (line/used-proofs.ts), by challenge, kept until they expire:
    // a used one is refused again, even after the object restarts.
    version: 11,
    sql: `
CREATE TABLE IF NOT EXISTS used_proofs (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS used_proofs_by_expiry ON used_proofs (expires_at);
    `,
  },
  {
    // Queue entries refused, by reason (line/refused-entries.ts): the totals, and in the
    // history the totals as each minute left them, so a minute's counts are a difference. The
    // history is rebuilt rather than altered: a step that runs again over the columns still works.
    version: 12,
    sql: `
CREATE TABLE IF NOT EXISTS refused_entries (
  reason TEXT PRIMARY KEY CHECK (reason IN ('unverified', 'proof', 'turnstile', 'rate')),
  count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE history_v12 (
  minute INTEGER PRIMARY KEY,
  waiting INTEGER NOT NULL,
  active INTEGER NOT NULL,
  admitted INTEGER NOT NULL,
  abandoned INTEGER NOT NULL,
  sold INTEGER NOT NULL,
  entered INTEGER NOT NULL,
  refused_unverified INTEGER NOT NULL DEFAULT 0,
  refused_proof INTEGER NOT NULL DEFAULT 0,
  refused_turnstile INTEGER NOT NULL DEFAULT 0,
  refused_rate INTEGER NOT NULL DEFAULT 0
);
INSERT INTO history_v12 (minute, waiting, active, admitted, abandoned, sold, entered)
  SELECT minute, waiting, active, admitted, abandoned, sold, entered FROM history;
DROP TABLE history;
ALTER TABLE history_v12 RENAME TO history;
    `,
  },
  {
    // Tickets at the gate, their tables (tickets/ticket-tables.ts).
    version: 13,
    sql: TICKET_TABLES,
  },
  {
    // The waitlist for returned seats, its tables and indexes (waitlist/waitlist-tables.ts).
    version: 14,
    sql: WAITLIST_TABLES,
  },
]

const META_TABLE = 'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)'

/** Brings the object's tables to the last version of `migrations`; returns that version. */
export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[] = MIGRATIONS): number {
  storage.sql.exec(META_TABLE)
  const row = storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schemaVersion'").toArray()[0]
  let version = row ? Number(row.value) : 0
  for (const step of migrations) {
    if (step.version <= version) continue
    storage.transactionSync(() => {
      storage.sql.exec(step.sql)
      storage.sql.exec(
        "INSERT INTO meta (key, value) VALUES ('schemaVersion', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        String(step.version),
      )
    })
    version = step.version
  }
  return version
}
