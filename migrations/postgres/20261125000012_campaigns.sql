-- Campaign playbooks and the campaigns started from them.
--
-- A playbook is kept as its checked TOML text, by name; loading a new
-- version replaces it for campaigns started later. A campaign keeps its own
-- copy of the playbook as started, and one row per step and group with the
-- instant it is due in that group's zone: the scheduler's pass runs what is
-- due, and marks each row in the same transaction as the step's effects, so
-- a restart neither loses nor repeats a step.
CREATE TABLE playbooks (
    name       TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    loaded_by  TEXT NOT NULL,
    loaded_at  BIGINT NOT NULL
);

CREATE TABLE campaigns (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    source      TEXT NOT NULL,              -- the playbook as started
    start_date  TEXT NOT NULL,              -- day 1, YYYY-MM-DD, in each group's zone
    state       TEXT NOT NULL,              -- running, paused, stopped or done
    started_by  TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    paused_at   BIGINT
);
CREATE INDEX campaigns_name ON campaigns (name, state);

CREATE TABLE campaign_steps (
    campaign_id BIGINT NOT NULL,
    step        BIGINT NOT NULL,             -- index in the playbook's running order
    group_id    TEXT NOT NULL,
    due_at      BIGINT NOT NULL,
    local       TEXT NOT NULL,               -- the due time in the group's zone
    state       TEXT NOT NULL,               -- waiting, done, skipped or cancelled
    done_at     BIGINT,
    PRIMARY KEY (campaign_id, step, group_id)
);
CREATE INDEX campaign_steps_due ON campaign_steps (state, due_at);
