-- A group's own least time between two welcome messages, in seconds, set
-- with /welcomepace; NULL follows the bot's HEARTH_GREET_INTERVAL_SECS.
ALTER TABLE groups ADD COLUMN welcome_pace_secs BIGINT;
