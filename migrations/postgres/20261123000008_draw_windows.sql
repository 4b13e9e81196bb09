-- A wheel may be set up before it opens, and wheels and giveaways open and
-- close by themselves at set times; the scheduler's pass does both. Draws
-- made before this migration were open from the moment they were made.
ALTER TABLE draws ADD COLUMN opens_at BIGINT;   -- when a waiting draw opens by itself
ALTER TABLE draws ADD COLUMN opened_at BIGINT;  -- NULL while it waits
ALTER TABLE draws ADD COLUMN closes_at BIGINT;  -- when it closes by itself
UPDATE draws SET opened_at = created_at;
CREATE INDEX draws_pending ON draws (id) WHERE closed_at IS NULL;

-- A giveaway's winners, round by round: round 0 is the draw, each /reroll
-- adds one. A winner claims once; a reroll replaces only unclaimed winners,
-- and the key keeps anyone from winning the same draw twice.
CREATE TABLE draw_winners (
    draw_id     BIGINT NOT NULL,
    user_id     TEXT NOT NULL,
    round_no    BIGINT NOT NULL,
    pick_no     BIGINT NOT NULL,            -- order drawn within the round
    position    BIGINT NOT NULL,            -- the winner's entry
    claimed_at  BIGINT,
    replaced_at BIGINT,                     -- a reroll took the prize back
    PRIMARY KEY (draw_id, user_id)
);
