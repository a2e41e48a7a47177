-- One counter that every committed change to the database moves forward.
-- Store::CommitGroup (store/store.cc) adds one in the same transaction as any
-- group of writes that changed rows, in every process that writes through a
-- Store (the server and the admin CLI alike). A reader that sees the same
-- value twice, each time inside a read transaction, knows nothing was
-- committed in between: the response cache (api/response_cache.h) keys its
-- entries on it.
CREATE TABLE change_generation (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  value  INTEGER NOT NULL
);
INSERT INTO change_generation (id, value) VALUES (1, 1);
