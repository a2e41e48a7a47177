-- The recruiter console (issue 18, docs/console.md): users sign in with a
-- password and hold a browser session.
--
-- Roles: 'admin' manages the account's users and access tokens in the
-- console; 'recruiter' works with vacancies and interviews only. Every
-- existing user becomes 'admin': until now each user managed their own
-- account (the CLI and the API know no roles), so nobody loses a power.
-- A disabled user can neither sign in nor use a token; their sessions end.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'
  CHECK (role IN ('admin', 'recruiter'));
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
-- util/password.h's text (pbkdf2-sha256$<iterations>$<salt>$<hash>); NULL:
-- no password, the user cannot sign in.
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- A name for each access token, so the console can list them meaningfully.
ALTER TABLE access_tokens ADD COLUMN name TEXT;

-- Console sessions. Only a SHA-256 of the 256-bit random session id (the
-- cookie's value) is stored. A session is valid while revoked_at is NULL and
-- now < idle_expires_at (moved forward as the session is used) and
-- now < expires_at (fixed at sign-in). csrf_token is handed to the page and
-- must come back with every unsafe request the cookie authenticates.
CREATE TABLE console_sessions (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id          INTEGER NOT NULL REFERENCES users(id),
  session_hash     BLOB NOT NULL UNIQUE,
  csrf_token       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  last_seen_at     INTEGER NOT NULL,
  idle_expires_at  INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  revoked_at       INTEGER,
  user_agent       TEXT,
  client_address   TEXT
);
CREATE INDEX console_sessions_user ON console_sessions(user_id);

-- One-time set-password links (invitations and resets): only a SHA-256 of
-- the token is stored; a link is open while used_at is NULL and now <
-- expires_at. Issuing a new link for a user closes the older ones.
CREATE TABLE password_links (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  token_hash  BLOB NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
);
CREATE INDEX password_links_user ON password_links(user_id);

-- The console's invitation email ('console_invitation', ref_id = the user)
-- is a new kind of mail_outbox row: its CHECK is widened in place as 014
-- did, and the check below rolls the migration back unless the edit took
-- exactly once.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
  SET sql = replace(sql, '''interview_completed'', ''interviewer_invitation''))',
                    '''interview_completed'', ''interviewer_invitation'', ''console_invitation''))')
  WHERE type = 'table' AND name = 'mail_outbox';
CREATE TEMP TABLE m019_check (ok INTEGER NOT NULL CHECK (ok));
INSERT INTO m019_check (ok)
  SELECT COUNT(*) = 1 FROM sqlite_schema
  WHERE type = 'table' AND name = 'mail_outbox'
    AND instr(sql, '''interviewer_invitation'', ''console_invitation''))') > 0;
DROP TABLE m019_check;
PRAGMA writable_schema = RESET;
CREATE TABLE m019_bump (x);
DROP TABLE m019_bump;
