-- When a member first spoke in a group: the funnel's "active" stage
-- (joined → stayed 7 days → active → got a code → redeemed). Written once
-- per member and group; later messages change nothing.
ALTER TABLE memberships ADD COLUMN first_spoke_at BIGINT;
