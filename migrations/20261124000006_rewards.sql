-- The rewards catalog and the single-use codes members get for them.
CREATE TABLE rewards (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE,
    description      TEXT    NOT NULL DEFAULT '',
    cost             INTEGER NOT NULL CHECK (cost > 0),
    -- What is left; NULL: no limit. Taken in the same transaction as the points.
    stock            INTEGER CHECK (stock IS NULL OR stock >= 0),
    starts_on        TEXT,
    ends_on          TEXT,
    min_tier_id      INTEGER REFERENCES tiers (id),
    icon             TEXT    NOT NULL DEFAULT 'gift',
    valid_days       INTEGER NOT NULL DEFAULT 30 CHECK (valid_days BETWEEN 1 AND 365),
    refund_if_unused INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

-- One row per code: used once (used_at set in the same statement that checks it is unset),
-- or expired by the sweeper (with the points given back if the reward says so).
CREATE TABLE reward_codes (
    id                 INTEGER PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE,
    reward_id          INTEGER NOT NULL REFERENCES rewards (id),
    member_id          INTEGER NOT NULL REFERENCES users (id),
    points             INTEGER NOT NULL CHECK (points >= 0),
    movement_id        INTEGER REFERENCES point_movements (id),
    issued_at          TEXT    NOT NULL,
    expires_at         TEXT    NOT NULL,
    used_at            TEXT,
    used_location_id   INTEGER REFERENCES locations (id),
    used_by            INTEGER REFERENCES users (id),
    expired_at         TEXT,
    return_movement_id INTEGER REFERENCES point_movements (id)
);

CREATE INDEX reward_codes_member ON reward_codes (member_id, id);
CREATE INDEX reward_codes_open ON reward_codes (expires_at) WHERE used_at IS NULL AND expired_at IS NULL;
