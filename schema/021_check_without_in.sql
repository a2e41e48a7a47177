-- CHECK constraints without IN lists (issue 17). SQLite compares a value
-- with an IN list of more than two constants through a temporary b-tree that
-- the writing statement fills when it runs (a micro-benchmark of single-row
-- inserts: 3.4 µs with such a CHECK, 1.2 µs with the OR chain), on the
-- thread that holds the write lock. `x = 'a' OR x = 'b' OR x = 'c'` is the
-- same constraint (the same column affinity; NULL passes both, as every
-- CHECK lets NULL through) and is compared inline.
--
-- Like 013, 014 and 019, the declared schema is edited in place: only the
-- text of each constraint changes, no stored row does, and every row already
-- satisfies the new text since it is the same rule. Each constraint's text
-- runs from "CHECK (<column> IN (" to its first "))" (the lists hold no
-- parentheses). The check below rolls the migration back unless each of the
-- eight constraints was rewritten exactly once.
--
-- A later migration that widens one of these lists edits the OR chain
-- (e.g. appends " OR kind = 'x'" before its closing parenthesis).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (status IN (') - 1)
            || 'CHECK (status = ''open'' OR status = ''completed'' OR status = ''revoked'')'
            || substr(sql, instr(sql, 'CHECK (status IN (') + instr(substr(sql, instr(sql, 'CHECK (status IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'invitations' AND instr(sql, 'CHECK (status IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (kind IN (') - 1)
            || 'CHECK (kind = ''recording'' OR kind = ''thumbnail'' OR kind = ''question'' OR kind = ''cv'')'
            || substr(sql, instr(sql, 'CHECK (kind IN (') + instr(substr(sql, instr(sql, 'CHECK (kind IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'videos' AND instr(sql, 'CHECK (kind IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (kind IN (') - 1)
            || 'CHECK (kind = ''recording'' OR kind = ''thumbnail'' OR kind = ''cv'' OR kind = ''question'')'
            || substr(sql, instr(sql, 'CHECK (kind IN (') + instr(substr(sql, instr(sql, 'CHECK (kind IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'uploads' AND instr(sql, 'CHECK (kind IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (method IN (') - 1)
            || 'CHECK (method = ''GET'' OR method = ''POST'' OR method = ''PUT'')'
            || substr(sql, instr(sql, 'CHECK (method IN (') + instr(substr(sql, instr(sql, 'CHECK (method IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'notification_settings' AND instr(sql, 'CHECK (method IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (status IN (') - 1)
            || 'CHECK (status = ''pending'' OR status = ''delivered'' OR status = ''failed'')'
            || substr(sql, instr(sql, 'CHECK (status IN (') + instr(substr(sql, instr(sql, 'CHECK (status IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'notifications' AND instr(sql, 'CHECK (status IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (security IN (') - 1)
            || 'CHECK (security = ''starttls'' OR security = ''tls'' OR security = ''none'')'
            || substr(sql, instr(sql, 'CHECK (security IN (') + instr(substr(sql, instr(sql, 'CHECK (security IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'mail_settings' AND instr(sql, 'CHECK (security IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (kind IN (') - 1)
            || 'CHECK (kind = ''candidate_invitation'' OR kind = ''guest_invitation'' OR kind = ''reviewer_invitation'' OR kind = ''interview_completed'' OR kind = ''interviewer_invitation'' OR kind = ''console_invitation'')'
            || substr(sql, instr(sql, 'CHECK (kind IN (') + instr(substr(sql, instr(sql, 'CHECK (kind IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'mail_outbox' AND instr(sql, 'CHECK (kind IN (') > 0;
UPDATE sqlite_schema
  SET sql = substr(sql, 1, instr(sql, 'CHECK (status IN (') - 1)
            || 'CHECK (status = ''pending'' OR status = ''sent'' OR status = ''failed'')'
            || substr(sql, instr(sql, 'CHECK (status IN (') + instr(substr(sql, instr(sql, 'CHECK (status IN (')), '))') + 1)
  WHERE type = 'table' AND name = 'mail_outbox' AND instr(sql, 'CHECK (status IN (') > 0;
CREATE TEMP TABLE m021_check (ok INTEGER NOT NULL CHECK (ok));
INSERT INTO m021_check (ok)
  SELECT (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'invitations'
      AND instr(sql, 'CHECK (status = ''open'' OR status = ''completed'' OR status = ''revoked'')') > 0 AND instr(sql, 'CHECK (status IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'videos'
      AND instr(sql, 'CHECK (kind = ''recording'' OR kind = ''thumbnail'' OR kind = ''question'' OR kind = ''cv'')') > 0 AND instr(sql, 'CHECK (kind IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'uploads'
      AND instr(sql, 'CHECK (kind = ''recording'' OR kind = ''thumbnail'' OR kind = ''cv'' OR kind = ''question'')') > 0 AND instr(sql, 'CHECK (kind IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'notification_settings'
      AND instr(sql, 'CHECK (method = ''GET'' OR method = ''POST'' OR method = ''PUT'')') > 0 AND instr(sql, 'CHECK (method IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'notifications'
      AND instr(sql, 'CHECK (status = ''pending'' OR status = ''delivered'' OR status = ''failed'')') > 0 AND instr(sql, 'CHECK (status IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'mail_settings'
      AND instr(sql, 'CHECK (security = ''starttls'' OR security = ''tls'' OR security = ''none'')') > 0 AND instr(sql, 'CHECK (security IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'mail_outbox'
      AND instr(sql, 'CHECK (kind = ''candidate_invitation'' OR kind = ''guest_invitation'' OR kind = ''reviewer_invitation'' OR kind = ''interview_completed'' OR kind = ''interviewer_invitation'' OR kind = ''console_invitation'')') > 0 AND instr(sql, 'CHECK (kind IN (') = 0) = 1
    AND (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'mail_outbox'
      AND instr(sql, 'CHECK (status = ''pending'' OR status = ''sent'' OR status = ''failed'')') > 0 AND instr(sql, 'CHECK (status IN (') = 0) = 1;
DROP TABLE m021_check;
PRAGMA writable_schema = RESET;
CREATE TABLE m021_bump (x);
DROP TABLE m021_bump;
