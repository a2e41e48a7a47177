-- A guest's link (mail::GuestToken) is an HMAC of its invitation's token and
-- the guest's id, so an id must never be given to a second guest: SQLite's
-- plain rowid reuses the highest id after a delete, and a recruiter who
-- deletes a guest (a wrong address) and adds another would make the old link,
-- already mailed, open the new guest's page. AUTOINCREMENT never reuses ids.
CREATE TABLE guests_new (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  invitation_id  INTEGER NOT NULL REFERENCES invitations(id),
  name           TEXT NOT NULL,
  email          TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
INSERT INTO guests_new (id, account_id, invitation_id, name, email, created_at)
  SELECT id, account_id, invitation_id, name, email, created_at FROM guests;
-- Ids of guests deleted before this migration may have been mailed too: start
-- above every id a guest invitation email was ever queued for.
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'guests_new', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'guests_new');
UPDATE sqlite_sequence
  SET seq = MAX(seq, COALESCE((SELECT MAX(ref_id) FROM mail_outbox WHERE kind = 'guest_invitation'), 0))
  WHERE name = 'guests_new';
DROP TABLE guests;
ALTER TABLE guests_new RENAME TO guests;
CREATE INDEX guests_invitation ON guests(invitation_id, id);
