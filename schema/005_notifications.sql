-- Completion notifications towards the ATS (the seed's "Notifications"):
-- per-account settings, and the durable outbox of deliveries. An outbox row
-- is written in the same transaction as the interview's completion, with the
-- request already rendered (method, url, headers, body), so every attempt
-- sends the same bytes and nothing is lost across a crash or restart.

CREATE TABLE notification_settings (
  account_id       INTEGER PRIMARY KEY REFERENCES accounts(id),
  host             TEXT,                -- NULL or '': notifications are off
  endpoint         TEXT,
  method           TEXT NOT NULL DEFAULT 'POST' CHECK (method IN ('GET', 'POST', 'PUT')),
  query_params     INTEGER NOT NULL DEFAULT 0 CHECK (query_params IN (0, 1)),
  body_msg         TEXT,
  content_type     TEXT NOT NULL DEFAULT 'application/json',
  username         TEXT,
  password         TEXT,                -- sent as HTTP Basic; never answered
  ssl              INTEGER NOT NULL DEFAULT 1 CHECK (ssl IN (0, 1)),
  disable_email    INTEGER NOT NULL DEFAULT 0 CHECK (disable_email IN (0, 1)),
  signing_secret   TEXT,                -- "whsec_" + base64; never answered
  ca_pem           TEXT,
  verify_tls       INTEGER NOT NULL DEFAULT 1 CHECK (verify_tls IN (0, 1)),
  timeout_seconds  INTEGER NOT NULL DEFAULT 10 CHECK (timeout_seconds BETWEEN 1 AND 60),
  soap_action      TEXT,
  updated_at       INTEGER NOT NULL
);

-- One delivery per completed interview. `webhook_id` is sent on every
-- attempt (Standard Webhooks' webhook-id) so the ATS can drop duplicates.
-- `attempts` counts every attempt ever made; `round_attempts` those since the
-- last (re)start of the schedule, which drives the backoff.
CREATE TABLE notifications (
  id                INTEGER PRIMARY KEY,
  account_id        INTEGER NOT NULL REFERENCES accounts(id),
  interview_id      INTEGER NOT NULL UNIQUE REFERENCES interviews(id),
  webhook_id        TEXT NOT NULL UNIQUE,
  status            TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
  method            TEXT NOT NULL,
  url               TEXT NOT NULL,
  headers           TEXT NOT NULL,      -- JSON object of the rendered headers
  body              BLOB NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  round_attempts    INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   INTEGER,            -- NULL unless pending
  last_attempt_at   INTEGER,
  last_status_code  INTEGER,
  last_response     TEXT,               -- the first 500 bytes of the last answer
  last_error        TEXT,
  created_at        INTEGER NOT NULL,
  delivered_at      INTEGER,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX notifications_account ON notifications(account_id, id);
-- The sender's scan: pending rows by due time, per account.
CREATE INDEX notifications_due ON notifications(next_attempt_at, account_id)
  WHERE status = 'pending';
CREATE INDEX notifications_account_due ON notifications(account_id, next_attempt_at, id)
  WHERE status = 'pending';
