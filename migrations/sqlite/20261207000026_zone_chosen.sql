-- Whether a group's time zone was chosen (HEARTH_TIMEZONE when it was
-- registered, or /timezone since): until then schedule commands ask for it
-- rather than read 20:30 as UTC. Groups registered before count as chosen.
ALTER TABLE groups ADD COLUMN zone_chosen INTEGER NOT NULL DEFAULT 1;
