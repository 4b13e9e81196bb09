-- A user's public @username (Telegram), lowercased, as last seen: an
-- operator names a new assistant by it rather than by a display name, which
-- anyone can copy.
ALTER TABLE users ADD COLUMN handle TEXT;
CREATE INDEX users_by_handle ON users (handle);
