-- Candidates, invitations and what grows out of them: interviews with their
-- recordings, guests (live vacancies), reviewer invitations and reviews.
-- Every row carries account_id so each query can be scoped to the caller's
-- account with an index, without joining back to the vacancy.

-- A candidate is identified by email within an account.
CREATE TABLE candidates (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  email       TEXT NOT NULL COLLATE NOCASE,
  name        TEXT NOT NULL,
  phone       TEXT,
  gender      TEXT,
  created_at  INTEGER NOT NULL,
  UNIQUE (account_id, email)
);

-- status: 'open' (listed, link works), 'completed' (an interview exists),
-- 'revoked' (deleted through the API; kept so the link answers clearly).
CREATE TABLE invitations (
  id                    INTEGER PRIMARY KEY,
  account_id            INTEGER NOT NULL REFERENCES accounts(id),
  vacancy_id            INTEGER NOT NULL REFERENCES vacancies(id),
  candidate_id          INTEGER NOT NULL REFERENCES candidates(id),
  recruiter_id          INTEGER NOT NULL REFERENCES users(id),
  status                TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'revoked')),
  datetime_scheduled    TEXT,
  datetime_scheduled_ts INTEGER,
  candidate_name        TEXT NOT NULL,
  candidate_phone       TEXT,
  candidate_gender      TEXT,
  interviewer_name      TEXT,
  interviewer_email     TEXT,
  callback_params       TEXT,           -- JSON object text, or NULL
  redirect_url          TEXT,
  token                 TEXT NOT NULL UNIQUE,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);
CREATE INDEX invitations_account_open ON invitations(account_id, status, id);
CREATE INDEX invitations_vacancy ON invitations(vacancy_id, status, id);

CREATE TABLE guests (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  invitation_id  INTEGER NOT NULL REFERENCES invitations(id),
  name           TEXT NOT NULL,
  email          TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX guests_invitation ON guests(invitation_id, id);

CREATE TABLE interviews (
  id                     INTEGER PRIMARY KEY,
  account_id             INTEGER NOT NULL REFERENCES accounts(id),
  vacancy_id             INTEGER NOT NULL REFERENCES vacancies(id),
  invitation_id          INTEGER REFERENCES invitations(id),
  candidate_id           INTEGER NOT NULL REFERENCES candidates(id),
  datetime_start_ts      INTEGER NOT NULL,
  datetime_end_ts        INTEGER NOT NULL,
  datetime_synchronized_ts INTEGER,
  thumbnail_video_id     INTEGER,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL
);
CREATE INDEX interviews_account_end ON interviews(account_id, datetime_end_ts, id);
CREATE INDEX interviews_account_id ON interviews(account_id, id);
CREATE INDEX interviews_vacancy ON interviews(vacancy_id, id);

CREATE TABLE recordings (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  interview_id   INTEGER NOT NULL REFERENCES interviews(id),
  idx            INTEGER NOT NULL,
  title          TEXT NOT NULL,
  required       INTEGER NOT NULL DEFAULT 1,
  video_id       INTEGER,
  thumbnail_id   INTEGER
);
CREATE INDEX recordings_interview ON recordings(interview_id, idx);

CREATE TABLE reviewers (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  interview_id  INTEGER NOT NULL REFERENCES interviews(id),
  name          TEXT NOT NULL,
  email         TEXT NOT NULL,
  phone         TEXT,
  token         TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL
);
CREATE INDEX reviewers_interview ON reviewers(interview_id, id);

CREATE TABLE reviews (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  interview_id   INTEGER NOT NULL REFERENCES interviews(id),
  reviewer_name  TEXT NOT NULL,
  user_id        INTEGER REFERENCES users(id),
  rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  remarks        TEXT,
  created_at     INTEGER NOT NULL
);
CREATE INDEX reviews_interview ON reviews(interview_id, id);
