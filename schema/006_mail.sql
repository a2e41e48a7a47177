-- Outgoing email: each account's SMTP relay, and a durable outbox of the
-- emails that events (invitations, guests, reviewers, completed interviews)
-- caused. An email is inserted in the same transaction as its event, so it
-- exists exactly when the event does; the sender thread (src/mail/sender.h)
-- delivers it later, retrying transient failures with backoff.

-- One SMTP relay per account. No row: mail stays pending ("no relay
-- configured") until one is configured. The password must be usable to log
-- in to the relay, so it is stored as given (the data directory is 0700) and
-- never printed.
CREATE TABLE mail_settings (
  account_id    INTEGER PRIMARY KEY REFERENCES accounts(id),
  host          TEXT NOT NULL,
  port          INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  security      TEXT NOT NULL CHECK (security IN ('starttls', 'tls', 'none')),
  username      TEXT,                   -- AUTH when set
  password      TEXT,
  from_address  TEXT NOT NULL,          -- envelope sender and From:
  from_name     TEXT,
  ca_pem        TEXT,                   -- trusted CA certificates; NULL: the system store
  verify_tls    INTEGER NOT NULL DEFAULT 1 CHECK (verify_tls IN (0, 1)),
  helo_name     TEXT,                   -- EHLO argument; NULL: this machine's host name
  updated_at    INTEGER NOT NULL
);

-- status: 'pending' (waiting for its next attempt, or for a relay),
-- 'sent' (the relay accepted it), 'failed' (refused permanently, or transient
-- failures for longer than the retry window). The content is kept as text and
-- HTML; the MIME message (with From: of the relay settings at that time) is
-- composed at each attempt. message_id stays the same across attempts.
CREATE TABLE mail_outbox (
  id               INTEGER PRIMARY KEY,
  account_id       INTEGER NOT NULL REFERENCES accounts(id),
  kind             TEXT NOT NULL CHECK (kind IN ('candidate_invitation', 'guest_invitation',
                                                 'reviewer_invitation', 'interview_completed')),
  ref_id           INTEGER NOT NULL,    -- the invitation / guest / reviewer / interview
  to_address       TEXT NOT NULL,
  to_name          TEXT,
  reply_to         TEXT,
  subject          TEXT NOT NULL,
  body_text        TEXT NOT NULL,
  body_html        TEXT NOT NULL,
  message_id       TEXT NOT NULL UNIQUE,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER,             -- the retry window starts here
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT,                -- why it is not sent (yet)
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  sent_at          INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at, id);
CREATE INDEX mail_outbox_account ON mail_outbox(account_id, id);
