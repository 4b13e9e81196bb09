-- Scheduled posts (teasers, notices, announcements) and what they caused.

CREATE TABLE schedules (
    id          BIGSERIAL PRIMARY KEY,
    group_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- teaser | notice | announce
    timing      TEXT NOT NULL,              -- a cron line, or `once <local time>`
    body        TEXT NOT NULL,              -- template source
    pin         BIGINT NOT NULL,
    confirm     TEXT,                       -- phrase members reply to confirm
    paused      BIGINT NOT NULL,
    next_local  TEXT,                       -- local time of the next run; NULL when done
    next_at     BIGINT,                     -- unix ms of the next run
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_at);
CREATE INDEX schedules_group ON schedules (group_id);

-- One row per run that was posted: the unique key makes a run post once.
CREATE TABLE posts (
    id          BIGSERIAL PRIMARY KEY,
    schedule_id BIGINT NOT NULL,
    group_id    TEXT NOT NULL,
    run_local   TEXT NOT NULL,
    queued_at   BIGINT NOT NULL,
    message_id  TEXT,                       -- the platform's id, once delivered
    UNIQUE (schedule_id, run_local)
);

-- Members who confirmed a notice.
CREATE TABLE acks (
    post_id BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- Reusable wording, per operator.
CREATE TABLE snippets (
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (owner, name)
);

-- Named sets of an operator's groups, for posting to several at once.
CREATE TABLE group_sets (
    owner    TEXT NOT NULL,
    name     TEXT NOT NULL,
    group_id TEXT NOT NULL,
    PRIMARY KEY (owner, name, group_id)
);
