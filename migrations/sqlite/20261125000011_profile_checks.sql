-- Newcomers whose profile (bio, username, photo) is still to be read.
-- Reading it is a platform call per person, too slow for the join's own
-- transaction during a burst, so the join queues it here with what the
-- name alone scored, and a background pass reads profiles at its own pace
-- and screens again. A check that keeps failing is given up after a few
-- tries; the name's screening stands.
CREATE TABLE profile_checks (
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    name      TEXT NOT NULL,
    reasons   TEXT NOT NULL,             -- what the name's screening found:
                                         -- JSON list of domain::screening::Reason
    tries     BIGINT NOT NULL DEFAULT 0,
    due_at    BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX profile_checks_due ON profile_checks (due_at);
