-- Guarding groups: who may do what, what they did, and how newcomers are
-- screened.
--
-- Admin status comes from the platform; asking it on every command is slow
-- and rate-limited, so the answer is cached here with when it was read. A
-- member-status change on the platform (Telegram chat_member, Matrix
-- power_levels) drops the cached answer; an old one is asked again.
CREATE TABLE admin_cache (
    group_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    is_admin   INTEGER NOT NULL,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- Members an operator trusts with admin commands in one group, without
-- making them platform admins.
CREATE TABLE assistants (
    group_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- When a member was last told that a command is for admins: they are told
-- once a day, not on every try.
CREATE TABLE refusals_told (
    group_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    told_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- Every admin action: who did what, where and when. `group_id` is NULL for
-- actions outside a group (an import from the command line or a private chat).
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT,
    actor    TEXT NOT NULL,              -- a user id, or 'cli'
    action   TEXT NOT NULL,              -- the command's name, e.g. giveaway
    detail   TEXT NOT NULL,              -- what was typed, cut to 300 characters
    at       BIGINT NOT NULL
);
CREATE INDEX audit_log_group ON audit_log (group_id, id);

-- Screening rules: per group (`/screening`), or per operator as the default
-- for their groups (`hearth screening set`). `rules` is the TOML of
-- domain::screening::Rules. No row: the built-in defaults.
CREATE TABLE screening_rules (
    scope      TEXT PRIMARY KEY,         -- a group id, or an operator's user id
    rules      TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- When each group's operator last got the automatic-removal report.
CREATE TABLE auto_reports (
    group_id TEXT PRIMARY KEY,
    sent_at  BIGINT NOT NULL
);

-- Joins per group and minute (the last hour), to notice a raid.
CREATE TABLE join_minutes (
    group_id TEXT NOT NULL,
    minute   BIGINT NOT NULL,               -- unix ms / 60000
    joins    BIGINT NOT NULL,
    PRIMARY KEY (group_id, minute)
);

-- Raids going on: greetings fold into summaries and screening tightens
-- until `busy_at` is ten quiet minutes ago. The row goes when the raid ends.
CREATE TABLE raids (
    group_id   TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    busy_at    BIGINT NOT NULL,
    joins      BIGINT NOT NULL
);

-- Joins and leaves of the last day, to notice an account sweeping an
-- operator's groups (joined and left several within minutes).
CREATE TABLE member_moves (
    user_id  TEXT NOT NULL,
    group_id TEXT NOT NULL,
    kind     TEXT NOT NULL,                 -- join or leave
    at       BIGINT NOT NULL
);
CREATE INDEX member_moves_user ON member_moves (user_id, at);
CREATE INDEX member_moves_at ON member_moves (at);
