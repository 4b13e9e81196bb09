-- Channels: named entry points, and which one brought each member.
--
-- A channel link is an invite link into one group under a name ("poster",
-- "staff"). A live code (群活码) is one permanent t.me/<bot>?start=join_<name>
-- link over a group set: each visitor is handed a single-use link into the
-- first group of the set with room, and the set's groups fill in turn.
CREATE TABLE channels (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,   -- also a live code's deep-link payload
    owner         TEXT NOT NULL,
    group_id      TEXT,                   -- a channel link's group
    url           TEXT UNIQUE,            -- a channel link's invite link
    live_set      TEXT,                   -- a live code's group set
    cap           BIGINT,                 -- a live code's members per group
    full_told_at  BIGINT,                 -- the operator was told all were full
    created_at    BIGINT NOT NULL
);

-- Single-use links a live code handed out, one per visitor. While unused
-- (and younger than a day) each holds a place in its group, so concurrent
-- visitors never take a group over its cap.
CREATE TABLE live_links (
    channel_id  BIGINT NOT NULL,
    visitor     TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    url         TEXT,                     -- NULL while the link is being made
    handed_at   BIGINT NOT NULL,
    used_at     BIGINT,
    PRIMARY KEY (channel_id, visitor)
);
CREATE INDEX live_links_url ON live_links (url);
CREATE INDEX live_links_open ON live_links (group_id, used_at);

-- The channel a member first came through, per group.
CREATE TABLE member_channels (
    group_id    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    channel_id  BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
