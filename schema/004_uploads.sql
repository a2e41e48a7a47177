-- Resumable uploads (tus 1.0 core + creation) from the candidate pages.
-- Bytes go to DATA/media/uploads/<id>.part; `received` only advances after
-- the bytes are on disk, so a resumed upload continues from what is durable.
CREATE TABLE uploads (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  invitation_id  INTEGER NOT NULL REFERENCES invitations(id),
  kind           TEXT NOT NULL CHECK (kind IN ('recording', 'thumbnail', 'cv')),
  question_index INTEGER,
  length         INTEGER NOT NULL,
  received       INTEGER NOT NULL DEFAULT 0,
  video_id       INTEGER REFERENCES videos(id),   -- set when complete and checked
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX uploads_invitation ON uploads(invitation_id, id);
