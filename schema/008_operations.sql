-- Operations (docs/operations.md): each account's data retention period, and
-- the audit trail of deletions made for data protection (retention runs and
-- candidate erasures). Independent of every migration after 006.

-- No row: the account's interviews are kept until deleted through the API
-- or erased. With a row, the server deletes each completed interview (with
-- its invitation, recordings, reviews, media files and outgoing messages)
-- `interview_days` days after it was completed.
CREATE TABLE retention_settings (
  account_id      INTEGER PRIMARY KEY REFERENCES accounts(id),
  interview_days  INTEGER NOT NULL CHECK (interview_days BETWEEN 1 AND 36500),
  updated_at      INTEGER NOT NULL
);

-- What was deleted, and when -- never whom: no names, emails, ids of the
-- deleted rows or free text. `reference` is a random id shown to the
-- operator, so an erasure request can be matched to its record.
CREATE TABLE erasure_audit (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts(id),
  action       TEXT NOT NULL CHECK (action IN ('candidate_erase', 'retention')),
  reference    TEXT NOT NULL UNIQUE,
  candidates   INTEGER NOT NULL DEFAULT 0,
  invitations  INTEGER NOT NULL DEFAULT 0,
  interviews   INTEGER NOT NULL DEFAULT 0,
  media_files  INTEGER NOT NULL DEFAULT 0,
  media_bytes  INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL
);
CREATE INDEX erasure_audit_account ON erasure_audit(account_id, id);
