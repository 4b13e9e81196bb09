-- Groups served by Hearth, registered by an operator.
-- Flags are 0/1 integers: sqlx's Any driver cannot decode SQLite booleans.
CREATE TABLE groups (
    id               TEXT PRIMARY KEY,          -- platform-qualified chat id
    title            TEXT NOT NULL,
    owner            TEXT NOT NULL,             -- the operator who registered it
    lang             TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    public_handle    TEXT,                      -- set for public groups (join-request links)
    can_invite       BIGINT NOT NULL,
    active           BIGINT NOT NULL,
    welcome_template TEXT,                      -- NULL: the language's default
    next_greet_at    BIGINT NOT NULL,           -- unix ms before which no greeting is posted
    registered_at    BIGINT NOT NULL
);
CREATE INDEX groups_owner ON groups (owner);

-- Last known display name of every user we have seen.
CREATE TABLE users (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    is_bot BIGINT NOT NULL
);

-- One row per member per group; `credited` is derived by domain::invites.
CREATE TABLE memberships (
    group_id         TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    first_inviter    TEXT,
    present          BIGINT NOT NULL,
    removed_by_admin BIGINT NOT NULL,
    is_bot           BIGINT NOT NULL,
    credited         BIGINT NOT NULL,
    credited_at      BIGINT,
    first_joined_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX memberships_inviter ON memberships (group_id, first_inviter, credited);

-- Platform updates already applied: a replayed update is recognised and skipped.
CREATE TABLE processed_updates (
    key TEXT PRIMARY KEY,
    at  BIGINT NOT NULL
);

-- Newcomers waiting for their (batched, paced) greeting.
CREATE TABLE pending_greetings (
    id        BIGSERIAL PRIMARY KEY,
    group_id  TEXT NOT NULL,
    member_id TEXT NOT NULL,
    ready_at  BIGINT NOT NULL,
    UNIQUE (group_id, member_id)
);
CREATE INDEX pending_greetings_ready ON pending_greetings (ready_at);

-- Personal invite links the bot created for members.
CREATE TABLE invite_links (
    url          TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL,
    owner        TEXT NOT NULL,
    name         TEXT NOT NULL,
    join_request BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (group_id, owner)
);

-- Who a join request came through, remembered until the join itself arrives.
CREATE TABLE join_intents (
    group_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    inviter  TEXT NOT NULL,
    at       BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- Transactional outbox: actions written with the facts that cause them.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    platform        TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    action          TEXT NOT NULL,              -- JSON engine::Action
    state           TEXT NOT NULL,              -- pending | sent | failed
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
