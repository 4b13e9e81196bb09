-- Updates the engine gave up on after a few tries, so one bad update never
-- holds up the ones behind it, and an operator can see what was skipped
-- (`hearth failures`, `/status` in private). The update's key is recorded in
-- processed_updates in the same transaction, so a restart repeats nothing.
CREATE TABLE failed_updates (
    key        TEXT PRIMARY KEY,
    chat_id    TEXT,                  -- where it came from, when it says
    what       TEXT NOT NULL,         -- the kind of update, or the command typed
    cause      TEXT NOT NULL,         -- the error's cause chain
    failed_at  BIGINT NOT NULL
);

CREATE INDEX failed_updates_by_time ON failed_updates (failed_at);
