-- No id is ever handed out twice (docs/decisions.md "Ids are never reused").
-- A plain INTEGER PRIMARY KEY takes max(id) + 1, so deleting the newest
-- vacancy, invitation, reviewer, review, upload, video... gave its id to the
-- next one: an ATS that kept the old id, a mailed link, a stored
-- Idempotency-Key answer or a copy's template_id then named a different row.
-- 010 fixed guests; this makes every other table with an id AUTOINCREMENT.
--
-- AUTOINCREMENT changes no stored byte of a table: it only makes SQLite take
-- new ids above the table's row in sqlite_sequence. Rebuilding the tables is
-- not possible here anyway: a migration runs inside one transaction with
-- foreign keys on, where dropping a parent table deletes (or cascades to) its
-- children and renaming it rewrites the children's references; and it would
-- copy millions of rows. So the declared schema is edited in place, the
-- procedure SQLite documents for changes that leave the stored content as it
-- is (lang_altertable, "other kinds of table schema changes"): only the text
-- " INTEGER PRIMARY KEY," of each table's first column changes. The check
-- below makes the migration fail (and roll back) unless each of the 19
-- tables (18 here, guests from 010) has exactly one such column afterwards.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
  SET sql = replace(sql, ' INTEGER PRIMARY KEY,', ' INTEGER PRIMARY KEY AUTOINCREMENT,')
  WHERE type = 'table' AND name IN (
    'accounts', 'users', 'access_tokens', 'vacancies', 'questions', 'candidates',
    'invitations', 'interviews', 'recordings', 'reviewers', 'reviews', 'videos',
    'forward_links', 'uploads', 'notifications', 'mail_outbox', 'forward_link_openings',
    'erasure_audit');
CREATE TEMP TABLE m013_check (ok INTEGER NOT NULL CHECK (ok));
INSERT INTO m013_check (ok)
  SELECT COUNT(*) = 19 FROM sqlite_schema
  WHERE type = 'table'
    AND instr(sql, ' INTEGER PRIMARY KEY AUTOINCREMENT,') > 0
    AND instr(substr(sql, instr(sql, ' INTEGER PRIMARY KEY AUTOINCREMENT,') + 1),
              ' INTEGER PRIMARY KEY') = 0;
-- The schema changed on disk: this connection reloads it now (RESET), and
-- the schema cookie moves forward (any CREATE/DROP does) so every other
-- connection, e.g. an admin CLI open meanwhile, reloads it too.
PRAGMA writable_schema = RESET;
CREATE TABLE m013_bump (x);
DROP TABLE m013_bump;

-- Where each table's new ids start: above every id it holds, and above every
-- id of it that may have been handed out and named somewhere since its row
-- was deleted (SQLite kept no record of those): columns that refer to it
-- without a foreign key, the mail outbox's ref_id (mailed links), and the
-- stored answers of Idempotency-Key requests (replayed for 24 hours).
-- Foreign-key columns need no look: they can only name rows that exist.
--
-- A stored answer's ids are read from its members named id or *_id, except
-- reference_id and anything under callback_params (client text, which could
-- otherwise push a sequence to the end of the id range). Its floor applies
-- to every table, since "id" alone does not say whose id it is: ids may jump,
-- never repeat. JSON answers are walked with json_tree; XML answers are
-- scanned for <id>N and <x_id>N in 4000-character windows (overlapping by
-- more than an element with its number, so each is whole in one window; a
-- window keeps the scan linear in the body size), up to <callback_params>
-- (rendered after every id of an invitation), with <reference_id> renamed
-- first. Element names are the server's own: a client's text is escaped.
CREATE TEMP TABLE m013_floor (v INTEGER NOT NULL);
INSERT INTO m013_floor (v)
  SELECT j.value
  FROM (SELECT CAST(body AS TEXT) AS b FROM idempotency_keys
        WHERE content_type LIKE '%json%' AND json_valid(CAST(body AS TEXT))) AS k,
       json_tree(k.b) AS j
  WHERE j.type = 'integer'
    AND (j.key = 'id' OR (j.key LIKE '%\_id' ESCAPE '\' AND j.key <> 'reference_id'))
    AND instr(j.fullkey, 'callback_params') = 0;
WITH RECURSIVE
  xml(t) AS (
    SELECT replace(CASE WHEN instr(b, '<callback_params') > 0
                        THEN substr(b, 1, instr(b, '<callback_params') - 1) ELSE b END,
                   '<reference_id>', '<reference>')
    FROM (SELECT CAST(body AS TEXT) AS b FROM idempotency_keys WHERE content_type LIKE '%xml%')),
  win(t, start, w) AS (
    SELECT t, 1, substr(t, 1, 4040) FROM xml
    UNION ALL
    SELECT t, start + 4000, substr(t, start + 4000, 4040) FROM win WHERE start + 4000 <= length(t)),
  scan(rest, value) AS (
    SELECT w, NULL FROM win
    UNION ALL
    SELECT substr(rest, instr(rest, 'id>') + 3),
           CASE WHEN instr(rest, 'id>') > 1 AND substr(rest, instr(rest, 'id>') - 1, 1) IN ('<', '_')
                THEN CAST(substr(rest, instr(rest, 'id>') + 3, 20) AS INTEGER) END
    FROM scan WHERE instr(rest, 'id>') > 0)
INSERT INTO m013_floor (v) SELECT value FROM scan WHERE value IS NOT NULL;
INSERT INTO m013_floor (v) VALUES (0);

CREATE TEMP VIEW m013_start (name, seq) AS
  SELECT 'accounts', (SELECT MAX(id) FROM accounts)
  UNION ALL SELECT 'users', (SELECT MAX(id) FROM users)
  UNION ALL SELECT 'access_tokens', (SELECT MAX(id) FROM access_tokens)
  UNION ALL SELECT 'vacancies', MAX(COALESCE((SELECT MAX(id) FROM vacancies), 0),
                                    COALESCE((SELECT MAX(template_id) FROM vacancies), 0))
  UNION ALL SELECT 'questions', (SELECT MAX(id) FROM questions)
  UNION ALL SELECT 'candidates', (SELECT MAX(id) FROM candidates)
  UNION ALL SELECT 'invitations', MAX(COALESCE((SELECT MAX(id) FROM invitations), 0),
                                      COALESCE((SELECT MAX(ref_id) FROM mail_outbox
                                                WHERE kind = 'candidate_invitation'), 0))
  UNION ALL SELECT 'guests', MAX(COALESCE((SELECT MAX(id) FROM guests), 0),
                                 COALESCE((SELECT MAX(ref_id) FROM mail_outbox
                                           WHERE kind = 'guest_invitation'), 0))
  UNION ALL SELECT 'interviews', MAX(COALESCE((SELECT MAX(id) FROM interviews), 0),
                                     COALESCE((SELECT MAX(ref_id) FROM mail_outbox
                                               WHERE kind = 'interview_completed'), 0))
  UNION ALL SELECT 'recordings', (SELECT MAX(id) FROM recordings)
  UNION ALL SELECT 'reviewers', MAX(COALESCE((SELECT MAX(id) FROM reviewers), 0),
                                    COALESCE((SELECT MAX(ref_id) FROM mail_outbox
                                              WHERE kind = 'reviewer_invitation'), 0))
  UNION ALL SELECT 'reviews', (SELECT MAX(id) FROM reviews)
  UNION ALL SELECT 'videos', MAX(COALESCE((SELECT MAX(id) FROM videos), 0),
                                 COALESCE((SELECT MAX(video_id) FROM questions), 0),
                                 COALESCE((SELECT MAX(thumbnail_video_id) FROM interviews), 0),
                                 COALESCE((SELECT MAX(video_id) FROM recordings), 0),
                                 COALESCE((SELECT MAX(thumbnail_id) FROM recordings), 0))
  UNION ALL SELECT 'forward_links', (SELECT MAX(id) FROM forward_links)
  UNION ALL SELECT 'uploads', (SELECT MAX(id) FROM uploads)
  UNION ALL SELECT 'notifications', (SELECT MAX(id) FROM notifications)
  UNION ALL SELECT 'mail_outbox', (SELECT MAX(id) FROM mail_outbox)
  UNION ALL SELECT 'forward_link_openings', (SELECT MAX(id) FROM forward_link_openings)
  UNION ALL SELECT 'erasure_audit', (SELECT MAX(id) FROM erasure_audit);

INSERT INTO sqlite_sequence (name, seq)
  SELECT name, 0 FROM m013_start
  WHERE name NOT IN (SELECT name FROM sqlite_sequence);
UPDATE sqlite_sequence
  SET seq = MAX(seq,
                COALESCE((SELECT s.seq FROM m013_start AS s WHERE s.name = sqlite_sequence.name), 0),
                (SELECT MAX(v) FROM m013_floor))
  WHERE name IN (SELECT name FROM m013_start);

DROP VIEW m013_start;
DROP TABLE m013_floor;
DROP TABLE m013_check;
