-- Coupon pools, their codes, and who holds which. A code is unique across
-- all pools and goes to one member, ever; `coupon_holders` counts a member's
-- codes per pool under one row, so its lock keeps the per-member limit even
-- when the same member wins twice at once.

CREATE TABLE coupon_pools (
    name        TEXT PRIMARY KEY,           -- lower case: letters, digits, _ and -
    per_member  BIGINT NOT NULL,            -- codes one member may hold
    alert_below BIGINT NOT NULL,            -- tell the operators under this many free codes
    alerted     INTEGER NOT NULL,           -- 1 once told, until stock is topped up
    created_at  BIGINT NOT NULL
);

CREATE TABLE coupon_codes (
    id          BIGSERIAL PRIMARY KEY,
    pool        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    value       TEXT,                       -- face value as imported, e.g. 9.90
    added_at    BIGINT NOT NULL,
    user_id     TEXT,                       -- who got it; NULL while free
    group_id    TEXT,                       -- where it was won
    reason      TEXT,                       -- e.g. draw:12
    prize       TEXT,                       -- what the member won, as they saw it
    awarded_at  BIGINT,
    claim_token TEXT UNIQUE,                -- opens the private chat that hands it over
    delivered_at BIGINT,                    -- shown to its holder in private
    redeemed_at BIGINT,
    redeemed_by TEXT
);
CREATE INDEX coupon_codes_free ON coupon_codes (pool, user_id, id);
CREATE INDEX coupon_codes_holder ON coupon_codes (user_id);

CREATE TABLE coupon_holders (
    pool    TEXT NOT NULL,
    user_id TEXT NOT NULL,
    held    BIGINT NOT NULL,
    PRIMARY KEY (pool, user_id)
);

-- Members who opened a private chat with the bot: codes reach them there.
CREATE TABLE private_chats (
    user_id    TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL
);
