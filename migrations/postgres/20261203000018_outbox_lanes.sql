-- What a group is owed (greetings, scheduled posts, draw results) goes ahead
-- of answers to members' own commands: lane 0 before lane 1, oldest first
-- within a lane, so a member asking again and again cannot delay a greeting.
ALTER TABLE outbox ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;

DROP INDEX outbox_heads;
CREATE INDEX outbox_heads ON outbox (platform, state, chat_id, lane, id);
