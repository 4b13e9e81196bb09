-- Invite-contest milestones and who reached them.
--
-- An award is written once per group, threshold and member, in the same
-- transaction as the code it hands out and the messages it queues, so a
-- replay or a restart never congratulates or rewards anyone twice.
CREATE TABLE milestones (
    group_id    TEXT NOT NULL,
    invites     BIGINT NOT NULL,
    pool        TEXT,                     -- a coupon pool, or no code
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, invites)
);

CREATE TABLE milestone_awards (
    id          BIGSERIAL PRIMARY KEY,  -- the certificate's number
    group_id    TEXT NOT NULL,
    invites     BIGINT NOT NULL,
    user_id     TEXT NOT NULL,
    awarded_at  BIGINT NOT NULL,
    UNIQUE (group_id, invites, user_id)
);
