// The waitlist's tables, step 14 of the object's schema (runtime/schema.ts): entries in join order (seq),
// section '' for any section. The partial index is the offer order's queues: per date,
// section and seats asked, the WAITING entries in join order, so the first that fits a
// freed seat is a few lookups, not a scan (offer-order.ts). The AVAILABLE seats get an
// index too, so an offer finds its seats among 50,000 taken ones without reading them.
// The history gains the waitlisted entries at each minute's end and the offers made.
export const WAITLIST_TABLES = `
CREATE TABLE IF NOT EXISTS waitlist (
  seq INTEGER PRIMARY KEY,
  waitlist_id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  date TEXT NOT NULL,
  section TEXT NOT NULL,
  seats INTEGER NOT NULL CHECK (seats >= 1),
  auto_pay INTEGER NOT NULL,
  reservation_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('WAITING', 'OFFERED', 'FULFILLED', 'EXPIRED', 'CANCELLED')),
  expires_at INTEGER,
  payment_id TEXT,
  auto_pay_due INTEGER NOT NULL DEFAULT 0,
  offered_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS waitlist_queues ON waitlist (date, section, seats, seq) WHERE state = 'WAITING';
CREATE INDEX IF NOT EXISTS waitlist_by_user ON waitlist (user_id, state);
CREATE INDEX IF NOT EXISTS waitlist_auto_pay ON waitlist (offered_at) WHERE auto_pay_due = 1;
CREATE INDEX IF NOT EXISTS seats_available ON seats (date, seat_number) WHERE sold = 0 AND reservation_id IS NULL;
ALTER TABLE history ADD COLUMN waitlisted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE history ADD COLUMN offered INTEGER NOT NULL DEFAULT 0;
    `
