-- Staff two-factor sign-in (TOTP, RFC 6238) and one-time recovery codes.

-- One authenticator per account. `confirmed_at` NULL: set up but not yet confirmed with a
-- code, so it does not guard sign-in yet. `last_step` is the last 30-second step a code was
-- accepted for: a code is never accepted twice.
CREATE TABLE totp_secrets (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id),
    secret       BLOB    NOT NULL CHECK (length(secret) = 20),
    confirmed_at TEXT,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT    NOT NULL
);

-- Recovery codes, stored as SHA-256 of the normalised code (they are random, 50 bits each:
-- a slow hash adds nothing). Each works once.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash BLOB    NOT NULL,
    used_at   TEXT,
    UNIQUE (user_id, code_hash)
);

-- Shop-wide account rules. `staff_two_factor`: owners and managers must sign in with a
-- second factor (counter staff on a shared till stay on passwords).
CREATE TABLE security_settings (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    staff_two_factor INTEGER NOT NULL DEFAULT 0 CHECK (staff_two_factor IN (0, 1)),
    updated_at       TEXT    NOT NULL
);

INSERT INTO security_settings (id, staff_two_factor, updated_at)
VALUES (1, 0, '2026-12-03T00:00:00Z');
