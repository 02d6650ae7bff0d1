-- Sale events the data platform did not take after every retry (the dead-letter queue's
-- consumer keeps them here), for an operator to look at and replay. One row per event.
CREATE TABLE undelivered_events (
  event_id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  concert_id TEXT NOT NULL,
  event TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  failed_at TEXT NOT NULL
);
