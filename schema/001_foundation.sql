-- Foundation: accounts (customers), users (recruiters), access tokens, and
-- vacancies with their questions. Times are Unix seconds (UTC). Datetimes a
-- client supplied are kept twice: the text to answer with (its own offset)
-- and *_ts, the instant, for filtering and ordering.

CREATE TABLE accounts (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at  INTEGER NOT NULL
);

-- Users log in to the API with their email as the username.
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  email       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name        TEXT NOT NULL,
  phone       TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX users_account ON users(account_id);

-- Only a SHA-256 of each token is stored (tokens carry >= 128 random bits,
-- so a fast hash is enough); `prefix` is the first characters, for listing.
CREATE TABLE access_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  token_hash   BLOB NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX access_tokens_user ON access_tokens(user_id);

CREATE TABLE vacancies (
  id                      INTEGER PRIMARY KEY,
  account_id              INTEGER NOT NULL REFERENCES accounts(id),
  recruiter_id            INTEGER NOT NULL REFERENCES users(id),
  title                   TEXT NOT NULL,
  kind                    TEXT NOT NULL CHECK (kind IN ('automated', 'live')),
  scope                   TEXT NOT NULL CHECK (scope IN ('private', 'public')),
  language                TEXT,
  reference_id            TEXT,
  datetime_start          TEXT NOT NULL,
  datetime_start_ts       INTEGER NOT NULL,
  datetime_end            TEXT NOT NULL,
  datetime_end_ts         INTEGER NOT NULL,
  answering_time          TEXT NOT NULL,
  cv_upload_required      TEXT NOT NULL CHECK (cv_upload_required IN ('yes', 'no')),
  external_info_url       TEXT,
  generic_invitation_text TEXT,
  num_of_retries          INTEGER,
  play_test_question      TEXT CHECK (play_test_question IN ('yes', 'no')),
  use_as_template         TEXT NOT NULL CHECK (use_as_template IN ('yes', 'no')),
  template_id             INTEGER,
  public_token            TEXT NOT NULL UNIQUE,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL
);
CREATE INDEX vacancies_account ON vacancies(account_id, id);
CREATE INDEX vacancies_account_updated ON vacancies(account_id, updated_at);

CREATE TABLE questions (
  id              INTEGER PRIMARY KEY,
  vacancy_id      INTEGER NOT NULL REFERENCES vacancies(id) ON DELETE CASCADE,
  idx             INTEGER NOT NULL,
  title           TEXT NOT NULL,
  text            TEXT,
  video_id        INTEGER,
  answering_time  TEXT,
  required        INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1))
);
CREATE INDEX questions_vacancy ON questions(vacancy_id, idx);
