-- The open invitations of a vacancy in one place (issue 17). GET
-- /api/vacancies/:id embeds every open invitation of the vacancy, and GET
-- /api/vacancies/:id/invitations pages through them. Rows are numbered in
-- the order they were made, across all vacancies, so one vacancy's
-- invitations lie on as many table pages as it has invitations, and each
-- row's candidate email is one more page (candidates). A reader starts
-- every transaction after a commit with an empty page cache (SQLite drops a
-- connection's cache when the WAL has changed), so under a mixed load each
-- such answer read two pages per invitation from the operating system.
--
-- 1. invitations.candidate_email: the candidate's email (candidates.email of
--    invitations.candidate_id), copied onto the row. The triggers below keep
--    it equal to that in the same transaction as every write (the API,
--    erasure, retention, the CLI, tools/gen-data's bulk load); the store
--    sets it itself on insert, so the insert trigger's WHEN is false there.
--    Nothing changes a candidate's email today (the email is how a
--    candidate is found); the trigger on candidates is the guard for a
--    future writer, and scans invitations (no index on candidate_id) when it
--    fires. tests/store/open_invitation_rows_test.cc compares the copy with
--    the join after every kind of write.
-- 2. invitations_open_rows: every column an invitation document shows,
--    ordered by (vacancy, id), for open invitations only (the listed ones).
--    The vacancy's lists read it as a covering index: a few adjacent pages
--    per vacancy instead of two pages per invitation. Open rows are a small
--    share of all (an interview closes its invitation), so the index stays
--    small. invitations_vacancy stays: it serves every status (the
--    foreign-key check when a vacancy is deleted, the counts).
--
-- A future migration that rebuilds invitations or candidates must recreate
-- these triggers (DROP TABLE drops them), and one that adds a column an
-- invitation document shows must add it to the index.
ALTER TABLE invitations ADD COLUMN candidate_email TEXT;

UPDATE invitations
  SET candidate_email = (SELECT c.email FROM candidates c WHERE c.id = invitations.candidate_id);

CREATE TRIGGER invitations_email_insert AFTER INSERT ON invitations
  WHEN NEW.candidate_email IS NOT (SELECT c.email FROM candidates c WHERE c.id = NEW.candidate_id)
BEGIN
  UPDATE invitations
    SET candidate_email = (SELECT c.email FROM candidates c WHERE c.id = NEW.candidate_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER invitations_email_update AFTER UPDATE OF candidate_id, candidate_email ON invitations
  WHEN NEW.candidate_email IS NOT (SELECT c.email FROM candidates c WHERE c.id = NEW.candidate_id)
BEGIN
  UPDATE invitations
    SET candidate_email = (SELECT c.email FROM candidates c WHERE c.id = NEW.candidate_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER candidates_email_copies AFTER UPDATE OF email ON candidates
  WHEN OLD.email IS NOT NEW.email
BEGIN
  UPDATE invitations SET candidate_email = NEW.email WHERE candidate_id = NEW.id;
END;

CREATE INDEX invitations_open_rows ON invitations(
  vacancy_id, status, id, account_id, candidate_id, recruiter_id, datetime_scheduled,
  datetime_scheduled_ts, candidate_email, candidate_name, candidate_phone, candidate_gender,
  interviewer_name, interviewer_email, callback_params, redirect_url, token, created_at,
  updated_at) WHERE status = 'open';
