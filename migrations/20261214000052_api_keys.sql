-- API keys: how the shop's other systems (a till, a web shop) reach the program without a
-- browser session. The secret is shown once when the key is made; only its SHA-256 is kept
-- (a 256-bit random secret needs no slow hash: there is nothing to guess from its hash).
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- The secret's first characters, so a list can tell keys apart.
    prefix       TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL UNIQUE,
    -- Space-separated scope names (members:read purchases:write codes:redeem offers:write).
    scopes       TEXT    NOT NULL,
    -- The location a key's sales are recorded at; NULL: the request names one.
    location_id  INTEGER REFERENCES locations (id),
    -- Requests per minute this key may make.
    rate_per_minute INTEGER NOT NULL DEFAULT 600 CHECK (rate_per_minute BETWEEN 1 AND 100000),
    -- The owner who made it; NULL: made on the command line.
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT    NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- What a key did, beside what staff do (staff_id stays NULL then).
ALTER TABLE purchases ADD COLUMN api_key_id INTEGER REFERENCES api_keys (id);
ALTER TABLE refunds ADD COLUMN api_key_id INTEGER REFERENCES api_keys (id);
ALTER TABLE reward_codes ADD COLUMN used_api_key_id INTEGER REFERENCES api_keys (id);

-- A till refunds by its own receipt number.
CREATE INDEX purchases_api_receipt ON purchases (api_key_id, receipt) WHERE api_key_id IS NOT NULL;
