-- Commands and uploads wait here for their chat's lane. They run beside
-- intake, in order per chat, so one waiting on a slow platform call (an
-- invite link, a member count, a download) holds up neither the joins
-- behind it nor other chats. A row is written in its batch's transaction,
-- so the platform position moves past an update only once it is kept here,
-- and is dropped once answered or recorded as failed.
CREATE TABLE command_lanes (
    id         BIGSERIAL PRIMARY KEY,
    update_key TEXT NOT NULL UNIQUE,
    chat_id    TEXT NOT NULL,       -- the lane: one command at a time per chat
    item       TEXT NOT NULL,       -- the engine::Event as JSON
    queued_at  BIGINT NOT NULL
);
CREATE INDEX command_lanes_by_chat ON command_lanes (chat_id, id);
