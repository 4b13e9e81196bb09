-- Destructive commands waiting for their sender's Confirm (engine::confirm).
CREATE TABLE pending_confirmations (
    token      TEXT PRIMARY KEY,
    chat_id    TEXT NOT NULL,   -- where the command was typed and the prompt is shown
    group_id   TEXT,            -- the served group it was typed in; NULL in private
    requester  TEXT NOT NULL,   -- the only one whose Confirm counts
    command    TEXT NOT NULL,   -- as typed, run again once confirmed
    asked_at   BIGINT NOT NULL, -- unix ms
    message_id TEXT,            -- the prompt, once delivered: a Matrix reaction names only it
    settled_at BIGINT           -- confirmed, cancelled or expired (unix ms)
);
CREATE INDEX pending_confirmations_prompt ON pending_confirmations (chat_id, message_id);
