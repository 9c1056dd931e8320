-- Partner retailers: other businesses where members earn points and pay with them. Each has
-- its own rates; its API key (api_keys.partner_id) records what happened there. Points earned
-- or spent at a partner are ordinary ledger movements (kind earn or redeem) whose source is
-- the partner (point_movements.partner_id); partner_transactions keeps, per movement, the
-- money it stands for at the partner's rate of the day, which the monthly settlement sums.
CREATE TABLE partners (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- Points a member earns per whole unit of currency spent there; 0: none.
    points_per_unit INTEGER NOT NULL CHECK (points_per_unit BETWEEN 0 AND 1000),
    -- What 100 points are worth there, in minor units (both ways: what the partner pays the
    -- shop for points it gives, what the shop pays the partner for points spent there).
    value_of_100    INTEGER NOT NULL CHECK (value_of_100 BETWEEN 1 AND 100000),
    -- Whether members may pay with points there.
    redeem          INTEGER NOT NULL CHECK (redeem IN (0, 1)),
    created_by      INTEGER REFERENCES users (id),
    created_at      TEXT    NOT NULL,
    ended_at        TEXT
);

-- Two live partners may not share a name (one that ended may be added again).
CREATE UNIQUE INDEX partners_live_name ON partners (name) WHERE ended_at IS NULL;

ALTER TABLE api_keys ADD COLUMN partner_id INTEGER REFERENCES partners (id);
ALTER TABLE point_movements ADD COLUMN partner_id INTEGER REFERENCES partners (id);

CREATE TABLE partner_transactions (
    id           INTEGER PRIMARY KEY,
    partner_id   INTEGER NOT NULL REFERENCES partners (id),
    api_key_id   INTEGER NOT NULL REFERENCES api_keys (id),
    movement_id  INTEGER NOT NULL UNIQUE REFERENCES point_movements (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('earn', 'redeem')),
    -- The partner's own receipt number; one earning and one payment per receipt.
    receipt      TEXT    NOT NULL,
    -- What the member spent there (earnings only), minor units.
    amount_minor INTEGER CHECK (amount_minor > 0),
    points       INTEGER NOT NULL CHECK (points > 0),
    -- The points' worth at the partner's rate then, minor units.
    value_minor  INTEGER NOT NULL CHECK (value_minor >= 0),
    created_at   TEXT    NOT NULL,
    UNIQUE (partner_id, kind, receipt)
);

CREATE INDEX partner_transactions_time ON partner_transactions (created_at, partner_id);
