// The tickets' tables, step 13 of the object's schema (runtime/schema.ts): each sold seat's
// ticket, under the id the ledger gave it (src/tickets/ticket-ids.ts), its holder and version
// (a transfer raises it), its state and check-in; the concert's scanners; check-ins in the history.
export const TICKET_TABLES = `
CREATE TABLE IF NOT EXISTS tickets (
  ticket_id TEXT PRIMARY KEY,
  reservation_id TEXT NOT NULL,
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  buyer_id TEXT NOT NULL,
  holder_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  state TEXT NOT NULL CHECK (state IN ('VALID', 'CHECKED_IN', 'VOID')),
  checked_in_at INTEGER,
  checked_in_by TEXT,
  transferred_at INTEGER,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tickets_by_order ON tickets (reservation_id);
CREATE INDEX IF NOT EXISTS tickets_by_holder ON tickets (holder_id);
CREATE TABLE IF NOT EXISTS scanners (
  scanner_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  date TEXT,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE history ADD COLUMN checked_in INTEGER NOT NULL DEFAULT 0;
`
