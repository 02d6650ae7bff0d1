-- The waitlist for returned seats (#33). The concert object holds the entries and decides
-- everything about them (src/concert/waitlist/); D1 is the index the Worker finds them by: a
-- user's entries over all concerts (GET /api/users/me/waitlist, DELETE .../waitlist/{id}),
-- and the concert of an offer paid with the access token alone (POST /api/payments without a
-- queue token). reservation_id is the id the entry's offer will have: the Worker makes it with
-- the entry, so the object never needs to write here when it makes the offer.
--
-- Written by the join route once the object took the entry, and again from the object's
-- waitlist.joined event (src/events/delivery.ts) if the route died before: both are
-- INSERT OR IGNORE, so a row is written once whichever comes first.
CREATE TABLE waitlist_entries (
  waitlist_id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  concert_id TEXT NOT NULL,
  reservation_id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX waitlist_entries_by_user ON waitlist_entries (user_id, concert_id);
