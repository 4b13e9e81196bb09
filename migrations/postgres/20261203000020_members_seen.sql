-- People the bot never saw join (they were there before it came, or are
-- only looking at a public group), as the platform described them the first
-- time they pressed a button or reacted: whether they were in the group, and
-- when the bot first saw them, which is as long as `--hours` counts them in.
-- A membership row, once there is one (they join, leave or are removed),
-- tells instead.
CREATE TABLE members_seen (
    group_id      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    present       BIGINT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
