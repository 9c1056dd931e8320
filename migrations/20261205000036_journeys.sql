-- Journeys: messages that go out by themselves when something happens to a member (the first
-- trigger: win-back, a number of days after a member's last purchase). A journey's messages
-- per language live in a campaign row of its own (drafted like any campaign, never sent as
-- one); each member who enters gets an entry, and a message unless the entry falls in the
-- journey's control group (kept to measure what the message changed).
CREATE TABLE journeys (
    id            INTEGER PRIMARY KEY,
    trigger       TEXT    NOT NULL UNIQUE CHECK (trigger IN ('win_back')),
    campaign_id   INTEGER NOT NULL UNIQUE REFERENCES campaigns (id),
    enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    -- Days after the last purchase (win-back).
    wait_days     INTEGER NOT NULL CHECK (wait_days BETWEEN 1 AND 365),
    -- A member may enter again this many days after their last entry (NULL: once ever).
    reentry_days  INTEGER CHECK (reentry_days BETWEEN 1 AND 365),
    -- Share of entries kept as the control group (no message), in percent.
    holdout_pct   INTEGER NOT NULL DEFAULT 10 CHECK (holdout_pct BETWEEN 0 AND 50),
    -- A purchase within this many days of the message counts for it (last touch).
    window_days   INTEGER NOT NULL DEFAULT 5 CHECK (window_days BETWEEN 1 AND 365),
    -- The trigger's moment up to which members were looked at (NULL: look at everyone).
    checked_until TEXT,
    updated_at    TEXT    NOT NULL
);

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Win-back', 'email', 'draft', '2026-12-05T00:00:00Z', '2026-12-05T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, updated_at)
VALUES ('win_back', last_insert_rowid(), 60, '2026-12-05T00:00:00Z');

-- A new outbox kind. SQLite cannot change a CHECK, so the table is rebuilt; clicks keep
-- pointing at their messages (the check on them is deferred until the rows are back under
-- the same ids).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('campaign', 'test', 'confirm_email', 'account_exists', 'journey')),
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
    delivery_error  TEXT,
    note            TEXT CHECK (note IS NULL OR note IN ('phone_not_saved'))
);

INSERT INTO outbox (id, kind, campaign_id, user_id, channel, address, language, dedupe_key,
                    token, status, attempts, next_attempt_at, lease_until, last_error,
                    created_at, sent_at, delivered_at, delivery_error, note)
SELECT id, kind, campaign_id, user_id, channel, address, language, dedupe_key, token, status,
       attempts, next_attempt_at, lease_until, last_error, created_at, sent_at, delivered_at,
       delivery_error, note
FROM outbox_copy;
DROP TABLE outbox_copy;

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_campaign ON outbox (campaign_id, status) WHERE campaign_id IS NOT NULL;
CREATE INDEX outbox_user ON outbox (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE journey_entries (
    id         INTEGER PRIMARY KEY,
    journey_id INTEGER NOT NULL REFERENCES journeys (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    -- What made them enter (win-back: the last purchase's time): one entry per occasion.
    entry_key  TEXT    NOT NULL,
    entered_at TEXT    NOT NULL,
    held_out   INTEGER NOT NULL CHECK (held_out IN (0, 1)),
    -- Their message (none for the control group).
    outbox_id  INTEGER REFERENCES outbox (id),
    UNIQUE (journey_id, user_id, entry_key)
);
CREATE INDEX journey_entries_member ON journey_entries (journey_id, user_id, entered_at);
CREATE INDEX journey_entries_unsent ON journey_entries (journey_id) WHERE outbox_id IS NULL AND held_out = 0;
