-- What an interview document shows of its candidate and invitation, copied
-- onto the interview row (issue 17): a page of GET /api/interviews joined
-- every row to candidates and invitations (two B-tree lookups per row, a
-- third of an uncached page's instructions) for five values.
--
-- Each copy equals what that join gave:
--   candidate_email    candidates.email
--   candidate_name     COALESCE(invitations.candidate_name, candidates.name)
--   candidate_phone    COALESCE(invitations.candidate_phone, candidates.phone)
--   candidate_gender   COALESCE(invitations.candidate_gender, candidates.gender)
--   datetime_scheduled invitations.datetime_scheduled
-- (candidates by interviews.candidate_id, the invitation by
-- interviews.invitation_id, none when that is NULL). The triggers below keep
-- them in the same transaction as every write to the rows they come from
-- (the API, erasure, retention, the CLI, tools/gen-data's bulk load);
-- nothing else writes these columns. tests/ops/interview_copies_test.cc
-- compares them with the join after every kind of write. A candidate or an
-- invitation that an interview references cannot be deleted (foreign_keys
-- is on), so only inserts and updates change what the join gives.
--
-- A future migration that rebuilds interviews, candidates or invitations
-- must recreate their triggers (DROP TABLE drops them).
ALTER TABLE interviews ADD COLUMN candidate_email TEXT;
ALTER TABLE interviews ADD COLUMN candidate_name TEXT;
ALTER TABLE interviews ADD COLUMN candidate_phone TEXT;
ALTER TABLE interviews ADD COLUMN candidate_gender TEXT;
ALTER TABLE interviews ADD COLUMN datetime_scheduled TEXT;

-- The triggers on candidates and invitations find their interviews here
-- (without these, every such trigger and every foreign-key check of a
-- deleted candidate or invitation would read all interviews).
CREATE INDEX interviews_candidate ON interviews(candidate_id);
CREATE INDEX interviews_invitation ON interviews(invitation_id);

-- The one place the copies are computed: whenever an interview's
-- candidate_id or invitation_id is set (to any value, the same included).
-- Every other trigger and the backfill set candidate_id to itself to run it.
CREATE TRIGGER interviews_copies AFTER UPDATE OF candidate_id, invitation_id ON interviews BEGIN
  UPDATE interviews SET (candidate_email, candidate_name, candidate_phone, candidate_gender,
                         datetime_scheduled) =
    (SELECT c.email, COALESCE(i.candidate_name, c.name), COALESCE(i.candidate_phone, c.phone),
            COALESCE(i.candidate_gender, c.gender), i.datetime_scheduled
     FROM candidates c LEFT JOIN invitations i ON i.id = NEW.invitation_id
     WHERE c.id = NEW.candidate_id)
  WHERE id = NEW.id;
END;
CREATE TRIGGER interviews_copies_insert AFTER INSERT ON interviews BEGIN
  UPDATE interviews SET candidate_id = candidate_id WHERE id = NEW.id;
END;
CREATE TRIGGER candidates_copies AFTER UPDATE OF email, name, phone, gender ON candidates
  WHEN OLD.email IS NOT NEW.email OR OLD.name IS NOT NEW.name OR OLD.phone IS NOT NEW.phone
    OR OLD.gender IS NOT NEW.gender BEGIN
  UPDATE interviews SET candidate_id = candidate_id WHERE candidate_id = NEW.id;
END;
CREATE TRIGGER invitations_copies
  AFTER UPDATE OF candidate_name, candidate_phone, candidate_gender, datetime_scheduled
  ON invitations
  WHEN OLD.candidate_name IS NOT NEW.candidate_name OR OLD.candidate_phone IS NOT NEW.candidate_phone
    OR OLD.candidate_gender IS NOT NEW.candidate_gender
    OR OLD.datetime_scheduled IS NOT NEW.datetime_scheduled BEGIN
  UPDATE interviews SET candidate_id = candidate_id WHERE invitation_id = NEW.id;
END;

-- The backfill: the copies of the interviews already there.
UPDATE interviews SET candidate_id = candidate_id;
