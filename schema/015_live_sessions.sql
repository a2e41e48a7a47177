-- Live interviews (issue 16): what a room leaves behind that must survive a
-- restart. Presence itself lives in memory (src/live/).
--
-- live_sessions: one row per live invitation whose room somebody entered.
-- started_at: when candidate and interviewer were first both present;
-- ended_at: when the interviewer ended it or the room was left empty;
-- interview_id: the interview the end made (same write); completed_event_at:
-- when the completion event (notification, recruiter email) was raised,
-- once every recording arrived or live_upload_wait_s after the end.
CREATE TABLE live_sessions (
  invitation_id      INTEGER PRIMARY KEY REFERENCES invitations(id),
  account_id         INTEGER NOT NULL REFERENCES accounts(id),
  started_at         INTEGER,
  ended_at           INTEGER,
  interview_id       INTEGER,  -- no reference: erasing the interview clears this row
  completed_event_at INTEGER,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX live_sessions_pending ON live_sessions(completed_event_at, ended_at);

-- Who was present (participant ids: candidate, interviewer, guest-<id>) and
-- the name they had, for the recordings' titles.
CREATE TABLE live_presence (
  invitation_id  INTEGER NOT NULL REFERENCES invitations(id),
  participant    TEXT NOT NULL,
  name           TEXT NOT NULL,
  first_at       INTEGER NOT NULL,
  PRIMARY KEY (invitation_id, participant)
);

-- Guests deleted from an invitation: their link answers 410, not 404.
CREATE TABLE deleted_guests (
  id             INTEGER PRIMARY KEY,
  invitation_id  INTEGER NOT NULL REFERENCES invitations(id)
);

-- The participant whose recording an upload is (NULL: the candidate of an
-- automated interview), and the participant a recording row belongs to.
ALTER TABLE uploads ADD COLUMN participant TEXT;
ALTER TABLE recordings ADD COLUMN participant TEXT;
