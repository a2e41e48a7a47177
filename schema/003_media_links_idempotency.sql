-- Media files (recordings, thumbnails, question videos, CVs) live in
-- DATA/media/; this table is their index. Forward links (GET
-- .../forward_url) and idempotency keys for retried POSTs.

CREATE TABLE videos (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  kind          TEXT NOT NULL CHECK (kind IN ('recording', 'thumbnail', 'question', 'cv')),
  path          TEXT NOT NULL,          -- relative to DATA/media, chosen by the server
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX videos_account ON videos(account_id, id);

CREATE TABLE forward_links (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  interview_id  INTEGER NOT NULL REFERENCES interviews(id),
  token         TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  opens_left    INTEGER NOT NULL
);

-- A retried POST with the same Idempotency-Key replays the first answer.
CREATE TABLE idempotency_keys (
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  key           TEXT NOT NULL,
  request_hash  BLOB NOT NULL,
  status        INTEGER NOT NULL,
  content_type  TEXT NOT NULL,
  body          BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_created ON idempotency_keys(created_at);
