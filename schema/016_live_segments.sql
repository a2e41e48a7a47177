-- Live interviews (issue 16): a participant's recording can be several
-- segments (a reload, a crashed browser or a second tab starts a new one;
-- docs/decisions.md "Live interviews"). Each segment is one upload and, once
-- the interview exists, one recording row.
--
-- uploads.recorded_at: when the segment began recording (epoch seconds, the
-- browser's report kept within the participant's presence and the upload's
-- creation); NULL for every other upload.
ALTER TABLE uploads ADD COLUMN recorded_at INTEGER;
-- recordings.upload_id: the segment (upload) a live recording row is of;
-- NULL for the automated flow's rows and for a participant's row while none
-- of its segments is known. No reference: erasing removes both.
-- recordings.recorded_at: the segment's uploads.recorded_at.
ALTER TABLE recordings ADD COLUMN upload_id INTEGER;
ALTER TABLE recordings ADD COLUMN recorded_at INTEGER;
-- uploads.visit: the participant's visit (join) of the room during which the
-- segment was recorded, as its page says (1 = the first; 0: not said);
-- NULL for every other upload.
-- live_presence.visits: how many times the participant joined the room. The
-- completion event waits for a segment of each participant's last visit
-- (api/live_recordings.h).
ALTER TABLE uploads ADD COLUMN visit INTEGER;
ALTER TABLE live_presence ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;
