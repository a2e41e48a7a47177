-- Live interviews (issue 16), the fields of track "participants & mail":
--
-- vacancies.live_recording: whether each participant's browser records a
-- live interview (docs/decisions.md "Live recording"); on by default, also
-- for the live vacancies that exist already. Automated vacancies keep the
-- value without meaning (it takes effect if one becomes live).
ALTER TABLE vacancies ADD COLUMN live_recording INTEGER NOT NULL DEFAULT 1
  CHECK (live_recording IN (0, 1));

-- mail_outbox.calendar: the iCalendar invitation (text/calendar;
-- method=REQUEST) a live interview's email carries as a second part; NULL
-- for every other email, which is sent exactly as before.
ALTER TABLE mail_outbox ADD COLUMN calendar TEXT;

-- The interviewer's email ('interviewer_invitation', ref_id = the
-- invitation) is a new kind. The kind's CHECK lives in the table's declared
-- schema; widening it changes no stored row, so the declaration is edited in
-- place like 013 does (SQLite's lang_altertable procedure), and the check
-- below rolls the migration back unless the edit took exactly once.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
  SET sql = replace(sql, '''reviewer_invitation'', ''interview_completed''))',
                    '''reviewer_invitation'', ''interview_completed'', ''interviewer_invitation''))')
  WHERE type = 'table' AND name = 'mail_outbox';
CREATE TEMP TABLE m014_check (ok INTEGER NOT NULL CHECK (ok));
INSERT INTO m014_check (ok)
  SELECT COUNT(*) = 1 FROM sqlite_schema
  WHERE type = 'table' AND name = 'mail_outbox'
    AND instr(sql, '''interview_completed'', ''interviewer_invitation''))') > 0;
DROP TABLE m014_check;
PRAGMA writable_schema = RESET;
CREATE TABLE m014_bump (x);
DROP TABLE m014_bump;
