-- Tickets at the gate (#32): one row per paid seat, written in the payment's own D1 batch
-- (src/ledger/payments.ts, settle), so a payment never exists without its tickets nor a ticket
-- without its payment. A refund deletes its order's rows in the refund's batch.
--
-- ticket_id is derived from the order and the seat (src/tickets/ticket-ids.ts): the concert
-- object, which decides check-ins and transfers, makes the same id when it marks the order
-- PAID, so the two stores agree on it without another call.
--
-- holder_id, version, checked_in_at and transferred_at follow the concert object's decisions:
-- written by the route right after the object said yes, conditioned on the version so a late
-- write never moves a ticket back, and repaired from the object's outbox events
-- (ticket.transferred, ticket.checked_in) if the service died in between (docs/tickets.md).
-- starts_at and section are copied from the concert object at payment: a show's time and a
-- seat's section never change, and the holder's list then needs no call to the object.
CREATE TABLE tickets (
  ticket_id TEXT PRIMARY KEY NOT NULL,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  concert_id TEXT NOT NULL,
  date TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  seat_number INTEGER NOT NULL,
  section TEXT NOT NULL,
  buyer_id TEXT NOT NULL REFERENCES users (id),
  holder_id TEXT NOT NULL REFERENCES users (id),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  checked_in_at TEXT,
  transferred_at TEXT,
  created_at TEXT NOT NULL,
  -- One ticket per seat sold, as bookings has one booking per seat.
  UNIQUE (concert_id, date, seat_number)
);
CREATE INDEX tickets_holder ON tickets (holder_id);
CREATE INDEX tickets_payment ON tickets (payment_id);
