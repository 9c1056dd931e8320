-- The loyalty program: earning rules, locations, purchases and refunds, point lots (for
-- expiry and first-in-first-out spending) and tiers.

-- One row: how the shop's program works.
CREATE TABLE program_settings (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    currency             TEXT    NOT NULL,
    -- Points per whole currency unit, in hundredths (100 = 1 point per euro; 10 = 1 per 10 kr).
    rate_hundredths      INTEGER NOT NULL CHECK (rate_hundredths BETWEEN 0 AND 100000),
    rounding             TEXT    NOT NULL CHECK (rounding IN ('down', 'nearest')),
    -- NULL: points never expire.
    expiry_months        INTEGER CHECK (expiry_months IS NULL OR expiry_months BETWEEN 1 AND 120),
    qualification_months INTEGER NOT NULL CHECK (qualification_months BETWEEN 1 AND 36),
    downgrade            TEXT    NOT NULL CHECK (downgrade IN ('one_tier', 'to_earned')),
    updated_at           TEXT    NOT NULL
);

INSERT INTO program_settings
    (id, currency, rate_hundredths, rounding, expiry_months, qualification_months, downgrade, updated_at)
VALUES (1, 'EUR', 100, 'down', 12, 12, 'one_tier', '2026-11-24T00:00:00Z');

CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Tiers are ordered by threshold: points earned within the qualification period.
CREATE TABLE tiers (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    threshold      INTEGER NOT NULL UNIQUE CHECK (threshold >= 0),
    -- Earning multiplier in percent (150 = 1.5×).
    multiplier_pct INTEGER NOT NULL CHECK (multiplier_pct BETWEEN 100 AND 1000),
    perks          TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

-- Time-limited bonuses. All conditions that are set must hold; NULL means "any".
CREATE TABLE bonus_rules (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    multiplier_pct INTEGER NOT NULL CHECK (multiplier_pct BETWEEN 100 AND 1000),
    extra_points   INTEGER NOT NULL CHECK (extra_points BETWEEN 0 AND 100000),
    weekday        INTEGER CHECK (weekday IS NULL OR weekday BETWEEN 1 AND 7),
    location_id    INTEGER REFERENCES locations (id),
    starts_on      TEXT,
    ends_on        TEXT,
    active         INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at     TEXT    NOT NULL
);

CREATE TABLE purchases (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER NOT NULL REFERENCES users (id),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT    NOT NULL,
    receipt        TEXT,
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    -- Line flag kept for offers that apply to full-price items only.
    full_price     INTEGER NOT NULL CHECK (full_price IN (0, 1)),
    points         INTEGER NOT NULL CHECK (points >= 0),
    refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND amount_minor),
    -- Points the refunds so far owed back (reversed + shortfall).
    points_refunded INTEGER NOT NULL DEFAULT 0 CHECK (points_refunded BETWEEN 0 AND points),
    staff_id       INTEGER REFERENCES users (id),
    created_at     TEXT    NOT NULL
);

CREATE INDEX purchases_member ON purchases (member_id, created_at);

CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    purchase_id     INTEGER NOT NULL REFERENCES purchases (id),
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    points_due      INTEGER NOT NULL CHECK (points_due >= 0),
    points_reversed INTEGER NOT NULL CHECK (points_reversed >= 0),
    -- Points that could not be taken back because the member had already spent them.
    shortfall       INTEGER NOT NULL CHECK (shortfall >= 0 AND points_reversed + shortfall = points_due),
    staff_id        INTEGER REFERENCES users (id),
    created_at      TEXT    NOT NULL
);

ALTER TABLE point_movements ADD COLUMN location_id INTEGER REFERENCES locations (id);
ALTER TABLE point_movements ADD COLUMN purchase_id INTEGER REFERENCES purchases (id);

-- Every credit movement is a lot of points; spending takes from the oldest open lots, and what
-- is left of a lot at `expires_at` leaves through an expiry movement. The movements stay
-- immutable; only `remaining` changes, in the transaction that appends the spending movement.
CREATE TABLE point_lots (
    movement_id INTEGER PRIMARY KEY REFERENCES point_movements (id),
    member_id   INTEGER NOT NULL REFERENCES users (id),
    remaining   INTEGER NOT NULL CHECK (remaining >= 0),
    expires_at  TEXT
);

CREATE INDEX point_lots_open ON point_lots (member_id, movement_id) WHERE remaining > 0;
CREATE INDEX point_lots_expiring ON point_lots (expires_at) WHERE remaining > 0;

-- Balances from before lots existed become one lot that does not expire.
INSERT INTO point_lots (movement_id, member_id, remaining, expires_at)
SELECT (SELECT max(m.id) FROM point_movements m WHERE m.member_id = b.member_id AND m.amount > 0),
       b.member_id, b.balance, NULL
FROM member_balances b WHERE b.balance > 0;

-- A member's tier and when it is next reviewed (end of its qualification period).
CREATE TABLE member_tiers (
    member_id  INTEGER PRIMARY KEY REFERENCES users (id),
    tier_id    INTEGER REFERENCES tiers (id),
    review_at  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX member_tiers_review ON member_tiers (review_at);

CREATE TABLE tier_changes (
    id                INTEGER PRIMARY KEY,
    member_id         INTEGER NOT NULL REFERENCES users (id),
    from_tier_id      INTEGER REFERENCES tiers (id),
    to_tier_id        INTEGER REFERENCES tiers (id),
    reason            TEXT    NOT NULL CHECK (reason IN ('upgrade', 'downgrade')),
    qualifying_points INTEGER NOT NULL,
    created_at        TEXT    NOT NULL
);

CREATE INDEX tier_changes_member ON tier_changes (member_id, id);

ALTER TABLE users ADD COLUMN phone TEXT;
CREATE UNIQUE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;
