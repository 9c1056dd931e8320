-- Campaigns: consent with proof, double opt-in, suppressions, segments, campaigns and the
-- outbox every message leaves through.

-- Proof of consent: the exact text shown (its version and a SHA-256 of it), where from.
ALTER TABLE consent_events ADD COLUMN text_version TEXT;
ALTER TABLE consent_events ADD COLUMN text_hash TEXT;
ALTER TABLE consent_events ADD COLUMN ip TEXT;
ALTER TABLE consent_events ADD COLUMN user_agent TEXT;

-- Double opt-in: marketing mail goes only to addresses confirmed through a link.
ALTER TABLE users ADD COLUMN email_confirmed_at TEXT;

-- Addresses never sent marketing again, whoever they belong to now; checked at send time.
CREATE TABLE suppressions (
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address    TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'hard_bounce', 'complaint')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, address)
) WITHOUT ROWID;

-- A saved set of typed rules (JSON, compiled to bound SQL; never SQL typed by users).
CREATE TABLE segments (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    match_all  INTEGER NOT NULL CHECK (match_all IN (0, 1)),
    rules      TEXT    NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    segment_id  INTEGER REFERENCES segments (id),
    status      TEXT    NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'cancelled', 'finished')),
    send_at     TEXT,
    -- Recipients written to the outbox when it was sent.
    queued      INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    finished_at TEXT
);

CREATE INDEX campaigns_due ON campaigns (send_at) WHERE status = 'scheduled';

-- The message in each language (templates: see the README's "Campaigns").
CREATE TABLE campaign_messages (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    language    TEXT    NOT NULL CHECK (language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    subject     TEXT    NOT NULL DEFAULT '',
    preheader   TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, language)
) WITHOUT ROWID;

-- Everything that leaves the process. A row is written in the transaction that causes it;
-- workers claim due rows with a lease and mark them sent only once the other side accepted.
-- `dedupe_key` makes one logical message (event, recipient) one row, however often queued.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('campaign', 'test', 'confirm_email')),
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
    sent_at         TEXT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_campaign ON outbox (campaign_id, status) WHERE campaign_id IS NOT NULL;
CREATE INDEX outbox_user ON outbox (user_id) WHERE user_id IS NOT NULL;
