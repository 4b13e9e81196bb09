-- Small per-platform state kept across restarts: the Matrix session and
-- sync token, so a restart resumes where it stopped.
CREATE TABLE platform_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
