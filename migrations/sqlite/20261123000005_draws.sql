-- Draws (lucky red envelopes now; wheels and giveaways share the table) and
-- who took part. A draw commits to a secret seed when it opens and reveals it
-- when it closes, so anyone can re-run it (`hearth verify <id>`).

CREATE TABLE draws (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- envelope
    params      TEXT NOT NULL,              -- JSON: what the draw was opened with
    seed        TEXT NOT NULL,              -- hex; shown only once closed
    commitment  TEXT NOT NULL,              -- SHA-256 of the seed, shown at once
    slots       BIGINT NOT NULL,            -- how many entries can take part
    taken       BIGINT NOT NULL,            -- how many did
    message_id  TEXT,                       -- the announcement, once delivered
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    closed_at   BIGINT
);
CREATE INDEX draws_group ON draws (group_id, id);

-- The unique keys make each member take part once and each slot go once.
CREATE TABLE draw_entries (
    draw_id  BIGINT NOT NULL,
    user_id  TEXT NOT NULL,
    name     TEXT NOT NULL,                 -- as shown when they took part
    position BIGINT NOT NULL,               -- 0 for the first
    amount   BIGINT NOT NULL,               -- in the draw's smallest unit
    at       BIGINT NOT NULL,
    PRIMARY KEY (draw_id, user_id),
    UNIQUE (draw_id, position)
);
