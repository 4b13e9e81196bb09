-- Tags, opt-outs and broadcasts.
--
-- Manual tags are kept here per group; automatic ones (winner, coupon, top,
-- channel:<name>, campaign:<name>) are read from the facts they name, so
-- they can never drift from them.
CREATE TABLE member_tags (
    group_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    tag        TEXT NOT NULL,
    tagged_by  TEXT NOT NULL,
    tagged_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, tag, user_id)
);

-- Members who sent /stop in private: no broadcast reaches them.
CREATE TABLE opt_outs (
    user_id     TEXT PRIMARY KEY,
    stopped_at  BIGINT NOT NULL
);

-- A private message to a segment. Its recipients are fixed when it is sent
-- and trickle into the outbox a window at a time, so group messages never
-- queue behind a long broadcast; the report goes where it was asked for.
CREATE TABLE broadcasts (
    id          BIGSERIAL PRIMARY KEY,
    chat_id     TEXT NOT NULL,            -- where the report goes
    lang        TEXT NOT NULL,
    segment     TEXT NOT NULL,            -- as typed: tag:vip, all
    message     TEXT NOT NULL,            -- JSON RichText, as members see it
    unreachable BIGINT NOT NULL,          -- in the segment, never started the bot or opted out
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    done_at     BIGINT
);

CREATE TABLE broadcast_recipients (
    broadcast_id BIGINT NOT NULL,
    user_id      TEXT NOT NULL,
    state        TEXT NOT NULL,           -- waiting | queued | stopped
    outbox_id    BIGINT,                  -- once queued
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX broadcast_recipients_state ON broadcast_recipients (broadcast_id, state);
