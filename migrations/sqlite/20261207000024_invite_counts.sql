-- Each inviter's effective invites per group, kept with the memberships
-- they count (store::members::put_many refreshes the inviters it touches),
-- so a leaderboard reads a few index rows instead of counting every member
-- of a group with a million of them.
CREATE TABLE invite_counts (
    group_id   TEXT NOT NULL,
    inviter    TEXT NOT NULL,
    invites    BIGINT NOT NULL,
    reached_at BIGINT NOT NULL,  -- when the current invitees had all arrived (unix ms)
    PRIMARY KEY (group_id, inviter)
);
-- Leaderboard order: most invites, then who reached them first.
CREATE INDEX invite_counts_rank ON invite_counts (group_id, invites DESC, reached_at, inviter);

INSERT INTO invite_counts (group_id, inviter, invites, reached_at)
SELECT group_id, first_inviter, COUNT(*), COALESCE(MAX(credited_at), 0)
FROM memberships
WHERE credited = 1 AND first_inviter IS NOT NULL
GROUP BY group_id, first_inviter;

-- How many inviters of a group have each count: a rank is the inviters
-- with more invites (a sum over the few distinct counts) plus the ties
-- ahead, so `/myinvites` never counts 50,000 rows.
CREATE TABLE invite_tally (
    group_id TEXT NOT NULL,
    invites  BIGINT NOT NULL,
    inviters BIGINT NOT NULL,
    PRIMARY KEY (group_id, invites)
);

INSERT INTO invite_tally (group_id, invites, inviters)
SELECT group_id, invites, COUNT(*) FROM invite_counts GROUP BY group_id, invites;
