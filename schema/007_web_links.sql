-- The web pages (src/web). Each opening of a forward link (one of its 3 uses)
-- grants the page that opening made a short-lived access token for the
-- interview's video bytes; only its SHA-256 is stored. A review handed in
-- through a reviewer's personal link keeps that link's token, so the link
-- answers "already submitted" afterwards instead of "unknown".
CREATE TABLE forward_link_openings (
  id           INTEGER PRIMARY KEY,
  link_id      INTEGER NOT NULL REFERENCES forward_links(id),
  access_hash  BLOB NOT NULL UNIQUE,
  opened_at    INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX forward_link_openings_link ON forward_link_openings(link_id);

ALTER TABLE reviews ADD COLUMN reviewer_token TEXT;
CREATE UNIQUE INDEX reviews_reviewer_token ON reviews(reviewer_token)
  WHERE reviewer_token IS NOT NULL;
