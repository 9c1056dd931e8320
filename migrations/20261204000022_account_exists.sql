-- Joining with an address that already has an account sends that account a note instead of
-- a second account: a new outbox kind. SQLite cannot change a CHECK, so the table is rebuilt;
-- clicks keep pointing at their messages (the check on them is deferred until the rows are
-- back under the same ids).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('campaign', 'test', 'confirm_email', 'account_exists')),
    campaign_id     INTEGER REFERENCES campaigns (id),
    user_id         INTEGER REFERENCES users (id),
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    address         TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    -- Secret in the message's links (unsubscribe, preferences, confirmation).
    token           TEXT    NOT NULL UNIQUE,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    lease_until     TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    -- When the gateway reported the message delivered to the phone.
    delivered_at    TEXT,
    -- The gateway's final word when it could not deliver (`undelivered`/`failed` and its code).
    delivery_error  TEXT
);

INSERT INTO outbox (id, kind, campaign_id, user_id, channel, address, language, dedupe_key,
                    token, status, attempts, next_attempt_at, lease_until, last_error,
                    created_at, sent_at, delivered_at, delivery_error)
SELECT id, kind, campaign_id, user_id, channel, address, language, dedupe_key, token, status,
       attempts, next_attempt_at, lease_until, last_error, created_at, sent_at, delivered_at,
       delivery_error
FROM outbox_copy;
DROP TABLE outbox_copy;

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_campaign ON outbox (campaign_id, status) WHERE campaign_id IS NOT NULL;
CREATE INDEX outbox_user ON outbox (user_id) WHERE user_id IS NOT NULL;
