-- The mail sender asks, after every commit that queued mail, which mail is
-- due for accounts that have a relay. With only mail_outbox_due
-- (status, next_attempt_at, id) that walked every pending mail, also the
-- mail of accounts without a relay, which stays pending until one is set:
-- under a stream of invitations to such an account the sender re-read the
-- whole, growing backlog on every commit (tools/bench, POST /api/invitations).
-- This index holds pending mail only, per account in due order, so the
-- sender reads just the relay accounts' due mail (mail/outbox.cc).
CREATE INDEX mail_outbox_pending ON mail_outbox(account_id, next_attempt_at, id)
  WHERE status = 'pending';
