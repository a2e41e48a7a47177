-- Counters the read paths used to recount on every request (issue 17): an
-- uncached GET of a vacancy, an interview, an invitation or a page of
-- interviews ran a correlated COUNT per row, and a page's X-Total-Count
-- walked every interview of its `from` range (30 000 index entries on the
-- bench's data set, 80% of the request).
--
-- Each counter is kept by the triggers below, so every write (the API's,
-- erasure, retention, the CLI, tools/gen-data's bulk load) changes it in the
-- same transaction as the rows it counts; nothing else writes these columns.
-- tests/store/read_counters_test.cc compares them with a recount after
-- every kind of write. The backfill at the end fills them for existing rows.
--
-- A future migration that rebuilds one of these tables must recreate its
-- triggers (DROP TABLE drops them).

-- Rows of the vacancy: questions, open invitations, interviews.
ALTER TABLE vacancies ADD COLUMN num_questions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vacancies ADD COLUMN num_open_invitations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vacancies ADD COLUMN num_interviews INTEGER NOT NULL DEFAULT 0;
-- Rows of the interview: recordings, reviewers (review invitations), reviews.
ALTER TABLE interviews ADD COLUMN num_recordings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interviews ADD COLUMN num_reviewers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interviews ADD COLUMN num_reviews INTEGER NOT NULL DEFAULT 0;

-- Interviews per account and UTC day of datetime_end_ts (day = floor(ts /
-- 86400)): n is exact; min_id is at most the smallest id among them (equal
-- until one of them is deleted: a delete leaves it, a lower bound, as it was).
-- A row whose n falls to 0 is deleted. store/interviews.cc sums n over the
-- whole days of a `from`/`to` range and starts its id-order walk at min_id.
CREATE TABLE interview_day_counts (
  account_id  INTEGER NOT NULL,
  day         INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  min_id      INTEGER NOT NULL,
  PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

CREATE TRIGGER questions_count_insert AFTER INSERT ON questions BEGIN
  UPDATE vacancies SET num_questions = num_questions + 1 WHERE id = NEW.vacancy_id;
END;
CREATE TRIGGER questions_count_delete AFTER DELETE ON questions BEGIN
  UPDATE vacancies SET num_questions = num_questions - 1 WHERE id = OLD.vacancy_id;
END;
CREATE TRIGGER questions_count_update AFTER UPDATE OF vacancy_id ON questions
  WHEN OLD.vacancy_id IS NOT NEW.vacancy_id BEGIN
  UPDATE vacancies SET num_questions = num_questions - 1 WHERE id = OLD.vacancy_id;
  UPDATE vacancies SET num_questions = num_questions + 1 WHERE id = NEW.vacancy_id;
END;

CREATE TRIGGER invitations_count_insert AFTER INSERT ON invitations
  WHEN NEW.status = 'open' BEGIN
  UPDATE vacancies SET num_open_invitations = num_open_invitations + 1 WHERE id = NEW.vacancy_id;
END;
CREATE TRIGGER invitations_count_delete AFTER DELETE ON invitations
  WHEN OLD.status = 'open' BEGIN
  UPDATE vacancies SET num_open_invitations = num_open_invitations - 1 WHERE id = OLD.vacancy_id;
END;
CREATE TRIGGER invitations_count_update AFTER UPDATE OF status, vacancy_id ON invitations
  WHEN (OLD.status = 'open') != (NEW.status = 'open') OR OLD.vacancy_id IS NOT NEW.vacancy_id BEGIN
  UPDATE vacancies SET num_open_invitations = num_open_invitations - 1
    WHERE id = OLD.vacancy_id AND OLD.status = 'open';
  UPDATE vacancies SET num_open_invitations = num_open_invitations + 1
    WHERE id = NEW.vacancy_id AND NEW.status = 'open';
END;

CREATE TRIGGER interviews_count_insert AFTER INSERT ON interviews BEGIN
  UPDATE vacancies SET num_interviews = num_interviews + 1 WHERE id = NEW.vacancy_id;
  INSERT INTO interview_day_counts (account_id, day, n, min_id)
    VALUES (NEW.account_id,
            (NEW.datetime_end_ts - ((NEW.datetime_end_ts % 86400) + 86400) % 86400) / 86400,
            1, NEW.id)
    ON CONFLICT (account_id, day) DO UPDATE SET n = n + 1, min_id = MIN(min_id, excluded.min_id);
END;
CREATE TRIGGER interviews_count_delete AFTER DELETE ON interviews BEGIN
  UPDATE vacancies SET num_interviews = num_interviews - 1 WHERE id = OLD.vacancy_id;
  UPDATE interview_day_counts SET n = n - 1
    WHERE account_id = OLD.account_id
      AND day = (OLD.datetime_end_ts - ((OLD.datetime_end_ts % 86400) + 86400) % 86400) / 86400;
  DELETE FROM interview_day_counts
    WHERE account_id = OLD.account_id
      AND day = (OLD.datetime_end_ts - ((OLD.datetime_end_ts % 86400) + 86400) % 86400) / 86400
      AND n <= 0;
END;
CREATE TRIGGER interviews_count_update
  AFTER UPDATE OF vacancy_id, account_id, datetime_end_ts ON interviews
  WHEN OLD.vacancy_id IS NOT NEW.vacancy_id OR OLD.account_id IS NOT NEW.account_id
    OR OLD.datetime_end_ts IS NOT NEW.datetime_end_ts BEGIN
  UPDATE vacancies SET num_interviews = num_interviews - 1 WHERE id = OLD.vacancy_id;
  UPDATE vacancies SET num_interviews = num_interviews + 1 WHERE id = NEW.vacancy_id;
  UPDATE interview_day_counts SET n = n - 1
    WHERE account_id = OLD.account_id
      AND day = (OLD.datetime_end_ts - ((OLD.datetime_end_ts % 86400) + 86400) % 86400) / 86400;
  DELETE FROM interview_day_counts
    WHERE account_id = OLD.account_id
      AND day = (OLD.datetime_end_ts - ((OLD.datetime_end_ts % 86400) + 86400) % 86400) / 86400
      AND n <= 0;
  INSERT INTO interview_day_counts (account_id, day, n, min_id)
    VALUES (NEW.account_id,
            (NEW.datetime_end_ts - ((NEW.datetime_end_ts % 86400) + 86400) % 86400) / 86400,
            1, NEW.id)
    ON CONFLICT (account_id, day) DO UPDATE SET n = n + 1, min_id = MIN(min_id, excluded.min_id);
END;

CREATE TRIGGER recordings_count_insert AFTER INSERT ON recordings BEGIN
  UPDATE interviews SET num_recordings = num_recordings + 1 WHERE id = NEW.interview_id;
END;
CREATE TRIGGER recordings_count_delete AFTER DELETE ON recordings BEGIN
  UPDATE interviews SET num_recordings = num_recordings - 1 WHERE id = OLD.interview_id;
END;
CREATE TRIGGER recordings_count_update AFTER UPDATE OF interview_id ON recordings
  WHEN OLD.interview_id IS NOT NEW.interview_id BEGIN
  UPDATE interviews SET num_recordings = num_recordings - 1 WHERE id = OLD.interview_id;
  UPDATE interviews SET num_recordings = num_recordings + 1 WHERE id = NEW.interview_id;
END;

CREATE TRIGGER reviewers_count_insert AFTER INSERT ON reviewers BEGIN
  UPDATE interviews SET num_reviewers = num_reviewers + 1 WHERE id = NEW.interview_id;
END;
CREATE TRIGGER reviewers_count_delete AFTER DELETE ON reviewers BEGIN
  UPDATE interviews SET num_reviewers = num_reviewers - 1 WHERE id = OLD.interview_id;
END;
CREATE TRIGGER reviewers_count_update AFTER UPDATE OF interview_id ON reviewers
  WHEN OLD.interview_id IS NOT NEW.interview_id BEGIN
  UPDATE interviews SET num_reviewers = num_reviewers - 1 WHERE id = OLD.interview_id;
  UPDATE interviews SET num_reviewers = num_reviewers + 1 WHERE id = NEW.interview_id;
END;

CREATE TRIGGER reviews_count_insert AFTER INSERT ON reviews BEGIN
  UPDATE interviews SET num_reviews = num_reviews + 1 WHERE id = NEW.interview_id;
END;
CREATE TRIGGER reviews_count_delete AFTER DELETE ON reviews BEGIN
  UPDATE interviews SET num_reviews = num_reviews - 1 WHERE id = OLD.interview_id;
END;
CREATE TRIGGER reviews_count_update AFTER UPDATE OF interview_id ON reviews
  WHEN OLD.interview_id IS NOT NEW.interview_id BEGIN
  UPDATE interviews SET num_reviews = num_reviews - 1 WHERE id = OLD.interview_id;
  UPDATE interviews SET num_reviews = num_reviews + 1 WHERE id = NEW.interview_id;
END;

-- The backfill: the counts of the rows already there.
UPDATE vacancies SET
  num_questions = (SELECT COUNT(*) FROM questions q WHERE q.vacancy_id = vacancies.id),
  num_open_invitations = (SELECT COUNT(*) FROM invitations i
                          WHERE i.vacancy_id = vacancies.id AND i.status = 'open'),
  num_interviews = (SELECT COUNT(*) FROM interviews w WHERE w.vacancy_id = vacancies.id);
UPDATE interviews SET
  num_recordings = (SELECT COUNT(*) FROM recordings r WHERE r.interview_id = interviews.id),
  num_reviewers = (SELECT COUNT(*) FROM reviewers r WHERE r.interview_id = interviews.id),
  num_reviews = (SELECT COUNT(*) FROM reviews r WHERE r.interview_id = interviews.id);
INSERT INTO interview_day_counts (account_id, day, n, min_id)
  SELECT account_id, (datetime_end_ts - ((datetime_end_ts % 86400) + 86400) % 86400) / 86400 AS d,
         COUNT(*), MIN(id)
  FROM interviews GROUP BY account_id, d;
