-- Accounts: members and staff sign in the same way; `role` decides what they may do.
-- Emails are stored normalised (trimmed, lower case) so UNIQUE is case-insensitive in effect.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'staff', 'member')),
    preferred_name  TEXT    NOT NULL,
    language        TEXT    NOT NULL CHECK (language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    email_marketing INTEGER NOT NULL DEFAULT 0 CHECK (email_marketing IN (0, 1)),
    sms_marketing   INTEGER NOT NULL DEFAULT 0 CHECK (sms_marketing IN (0, 1)),
    -- Bumped on password change and on disable: sessions carrying an older epoch are dead.
    session_epoch   INTEGER NOT NULL DEFAULT 0,
    disabled_at     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE INDEX users_role ON users (role);

-- Proof of marketing consent: every grant or withdrawal, when and through what.
CREATE TABLE consent_events (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    channel    TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    granted    INTEGER NOT NULL CHECK (granted IN (0, 1)),
    source     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE INDEX consent_events_user ON consent_events (user_id);

-- Everything staff change, append-only.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    actor_user_id INTEGER REFERENCES users (id),
    action        TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    detail        TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);

CREATE INDEX audit_log_created ON audit_log (created_at);
