-- Orders of several seats and refunds (#18).

-- A payment pays a whole order: its seats as a JSON array (NULL for a payment made before
-- orders, whose one seat is seat_number, the order's first seat).
ALTER TABLE payments ADD COLUMN seat_numbers TEXT;

-- One booking row per seat sold, so UNIQUE (concert, date, seat) still refuses a double sale
-- seat by seat. A refund deletes its order's rows: the seats may be sold again.
CREATE TABLE bookings_by_seat (
  payment_id TEXT NOT NULL REFERENCES payments (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  concert_id TEXT NOT NULL,
  date TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (payment_id, seat_number),
  UNIQUE (concert_id, date, seat_number)
);
INSERT INTO bookings_by_seat (payment_id, user_id, concert_id, date, seat_number, created_at)
  SELECT payment_id, user_id, concert_id, date, seat_number, created_at FROM bookings;
DROP TABLE bookings;
ALTER TABLE bookings_by_seat RENAME TO bookings;
CREATE INDEX bookings_user ON bookings (user_id);

-- One refund per paid order: the UNIQUEs make a second credit of the same order impossible.
-- amount is what was credited (the price paid less the fee), so money stays auditable:
-- sum(charges) + sum(refunds.amount) = sum(balances) + sum(payments.amount).
CREATE TABLE refunds (
  id TEXT PRIMARY KEY NOT NULL,
  reservation_id TEXT NOT NULL UNIQUE,
  payment_id TEXT NOT NULL UNIQUE REFERENCES payments (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  concert_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  fee INTEGER NOT NULL CHECK (fee >= 0),
  idempotency_key TEXT,
  refunded_at TEXT NOT NULL
);
CREATE INDEX refunds_user ON refunds (user_id);
