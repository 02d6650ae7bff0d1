-- Verified identity (#30): one person, one place. A phone is never stored in clear: phone_hash
-- is HMAC-SHA-256 of the E.164 number under the secret PHONE_HASH_KEY (docs/api.md).

-- A code sent to a phone, to be confirmed by the account that asked for it.
CREATE TABLE phone_verifications (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  phone_hash TEXT NOT NULL,
  -- HMAC of the verification's id and its 6 digits: a copy of the table does not give the codes.
  code_hash TEXT NOT NULL,
  -- Codes tried, raised by one atomic UPDATE per confirm that only matches while it is below 5:
  -- concurrent wrong codes can never be tried more than 5 times. The CHECK is the last line.
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0 AND attempts <= 5),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL CHECK (expires_at > created_at),
  confirmed_at TEXT
);
-- The per-phone limit (3 codes in 10 minutes) counts by phone and time in one INSERT ... SELECT.
CREATE INDEX phone_verifications_phone ON phone_verifications (phone_hash, created_at);

-- An account's verified phone. PRIMARY KEY user_id: an account has one phone (a new one
-- replaces it). UNIQUE phone_hash: a phone verifies one account, whatever races: of two
-- accounts confirming the same phone at once, the second's batch fails here and rolls back.
CREATE TABLE identities (
  user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
  phone_hash TEXT NOT NULL UNIQUE,
  verified_at TEXT NOT NULL
);
