-- Newcomers whose display names look like ad or fake accounts, waiting for
-- an admin's decision (/review). Screening happens in the join's own
-- transaction; a decision is final: a member kept is never queued again, a
-- member removed was taken out of the group and their inviter's credit with
-- them.
CREATE TABLE suspects (
    id          BIGSERIAL PRIMARY KEY,
    group_id    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,              -- as screened
    score       BIGINT NOT NULL,
    reasons     TEXT NOT NULL,              -- JSON list of domain::screening::Reason
    state       TEXT NOT NULL,              -- pending, kept or removed
    screened_at BIGINT NOT NULL,
    decided_by  TEXT,
    decided_at  BIGINT,
    UNIQUE (group_id, user_id)
);
CREATE INDEX suspects_pending ON suspects (group_id, state, score);
