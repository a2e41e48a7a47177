-- Videos of vacancies and questions (issue 18): a recruiter (or an ATS)
-- uploads a video through the API's tus endpoint (POST /api/uploads) and
-- attaches it to a question (questions.video_id, there since 001) or, as
-- the vacancy's intro, to the vacancy (vacancies.intro_video_id, below).
--
-- uploads: a recruiter's upload belongs to the account, not to an
-- invitation: invitation_id becomes nullable (NULL: the account's own
-- upload) and kind gains 'question' (the videos row it becomes has kind
-- 'question', allowed there since 003). Both are declaration changes that
-- leave every stored row as it is, so the declared schema is edited in place
-- like 013 and 014 do (SQLite's lang_altertable, "other kinds of table schema
-- changes": removing a NOT NULL and widening a CHECK are among the safe
-- ones); the check below rolls the migration back unless each edit took
-- exactly once.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
  SET sql = replace(replace(sql,
      'invitation_id  INTEGER NOT NULL REFERENCES invitations(id),',
      'invitation_id  INTEGER REFERENCES invitations(id),'),
      '''thumbnail'', ''cv''))', '''thumbnail'', ''cv'', ''question''))')
  WHERE type = 'table' AND name = 'uploads';
CREATE TEMP TABLE m018_check (ok INTEGER NOT NULL CHECK (ok));
INSERT INTO m018_check (ok)
  SELECT COUNT(*) = 1 FROM sqlite_schema
  WHERE type = 'table' AND name = 'uploads'
    AND instr(sql, 'invitation_id  INTEGER REFERENCES invitations(id),') > 0
    AND instr(sql, 'invitation_id  INTEGER NOT NULL') = 0
    AND instr(sql, '''thumbnail'', ''cv'', ''question''))') > 0;
DROP TABLE m018_check;
PRAGMA writable_schema = RESET;
CREATE TABLE m018_bump (x);
DROP TABLE m018_bump;

-- vacancies.intro_video_id: the video a candidate sees before the first
-- question (NULL: none). Like questions.video_id it names a `videos` row of
-- the vacancy's account of kind 'question' without a foreign key: the
-- writers check it (api/vacancy_videos.cc), erasure never deletes a
-- referenced video (store/erase.cc) and `cammio check` reports a reference
-- whose video is gone (ops/check.cc).
ALTER TABLE vacancies ADD COLUMN intro_video_id INTEGER;

-- Erasure asks, for every media file it would delete, whether a question or
-- a vacancy still shows it (store/erase.cc): these keep that a lookup.
CREATE INDEX questions_video ON questions(video_id) WHERE video_id IS NOT NULL;
CREATE INDEX vacancies_intro_video ON vacancies(intro_video_id) WHERE intro_video_id IS NOT NULL;
