-- Users and their prepaid balance. The CHECKs are the last line of defence for money:
-- a debit that would go negative or a charge past the cap aborts its whole batch.
CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0 AND balance <= 1000000000),
  created_at TEXT NOT NULL
);

-- Every charge, so that money is auditable: sum(charges) = sum(balances) + sum(payments).
CREATE TABLE charges (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  idempotency_key TEXT,
  balance_after INTEGER,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX charges_user_idempotency ON charges (user_id, idempotency_key);

-- Catalog: what operators created. Dates, prices and seat state live in each concert's
-- Durable Object, which answers for them.
CREATE TABLE concerts (
  id TEXT PRIMARY KEY NOT NULL,
  title TEXT NOT NULL,
  venue TEXT,
  seats_per_date INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

-- One payment per reservation: the UNIQUE makes a second debit of the same hold impossible.
CREATE TABLE payments (
  id TEXT PRIMARY KEY NOT NULL,
  reservation_id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id),
  concert_id TEXT NOT NULL,
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  idempotency_key TEXT,
  paid_at TEXT NOT NULL
);
CREATE INDEX payments_user ON payments (user_id);

-- The sale itself. UNIQUE (concert, date, seat): a seat can be sold once, whatever the
-- Durable Object believes.
CREATE TABLE bookings (
  payment_id TEXT PRIMARY KEY NOT NULL REFERENCES payments (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  concert_id TEXT NOT NULL,
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (concert_id, date, seat_number)
);
CREATE INDEX bookings_user ON bookings (user_id);
