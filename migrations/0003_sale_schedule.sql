-- A scheduled sale's opening and pre-queue, listed in the catalog (the concert object keeps
-- the schedule and its seed; these are copies for GET /api/concerts). Null: open at once.
ALTER TABLE concerts ADD COLUMN opens_at TEXT;
ALTER TABLE concerts ADD COLUMN pre_queue_opens_at TEXT;
