-- Contests: a period, how members enter (a purchase, a referral, a feedback answer, or a
-- click on the contest's public page), a prize (points or a reward code) for a number of
-- winners, and a draw anyone can check: the seed is fixed when the contest is made (only
-- its SHA-256 is shown until the draw), the entrant list is recorded with each entrant's
-- score (SHA-256 of seed ':' member number), and the lowest scores win.
CREATE TABLE contests (
    id            INTEGER PRIMARY KEY,
    -- The public page: /contests/<slug>.
    slug          TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 60),
    -- The language whose title is always there; other languages fall back to it.
    main_language TEXT    NOT NULL CHECK (main_language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    -- First and last day on the shop's calendar (YYYY-MM-DD).
    starts_on     TEXT    NOT NULL CHECK (length(starts_on) = 10),
    ends_on       TEXT    NOT NULL CHECK (length(ends_on) = 10 AND ends_on >= starts_on),
    by_purchase   INTEGER NOT NULL CHECK (by_purchase IN (0, 1)),
    by_referral   INTEGER NOT NULL CHECK (by_referral IN (0, 1)),
    by_feedback   INTEGER NOT NULL CHECK (by_feedback IN (0, 1)),
    by_page       INTEGER NOT NULL CHECK (by_page IN (0, 1)),
    prize_points  INTEGER CHECK (prize_points IS NULL OR prize_points BETWEEN 1 AND 1000000),
    prize_reward  INTEGER REFERENCES rewards (id),
    winners       INTEGER NOT NULL CHECK (winners BETWEEN 1 AND 100),
    -- 64 hex digits from the OS's random source, secret until the draw.
    seed          TEXT    NOT NULL CHECK (length(seed) = 64),
    drawn_at      TEXT,
    -- SHA-256 of the entrant list (member numbers in rising order, one per line) and its length.
    entrants_hash TEXT,
    entrants      INTEGER,
    created_at    TEXT    NOT NULL,
    CHECK (by_purchase + by_referral + by_feedback + by_page >= 1),
    CHECK ((prize_points IS NULL) != (prize_reward IS NULL))
);

CREATE TABLE contest_texts (
    contest_id  INTEGER NOT NULL REFERENCES contests (id),
    language    TEXT    NOT NULL CHECK (language IN ('en', 'sv', 'nb', 'lv', 'pt')),
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    PRIMARY KEY (contest_id, language)
) WITHOUT ROWID;

-- Members who entered on the contest's page.
CREATE TABLE contest_entries (
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    entered_at TEXT    NOT NULL,
    PRIMARY KEY (contest_id, user_id)
) WITHOUT ROWID;

-- The draw: every entrant as it was drawn, how they entered, their score, and the winners'
-- places (1 = lowest score); the prize given and the message queued.
CREATE TABLE contest_draws (
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    how        TEXT    NOT NULL CHECK (how IN ('purchase', 'referral', 'feedback', 'page')),
    score      TEXT    NOT NULL CHECK (length(score) = 64),
    place      INTEGER CHECK (place IS NULL OR place >= 1),
    movement_id    INTEGER REFERENCES point_movements (id),
    reward_code_id INTEGER REFERENCES reward_codes (id),
    PRIMARY KEY (contest_id, user_id)
) WITHOUT ROWID;
CREATE INDEX contest_draws_place ON contest_draws (contest_id, place) WHERE place IS NOT NULL;

-- A winner's message is a new kind of outbox row (a service message, like the account
-- messages). SQLite cannot change a CHECK, so the outbox is rebuilt under the same ids, as
-- in migration 36.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('campaign', 'test', 'confirm_email', 'account_exists', 'journey', 'contest_win')),
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
    note            TEXT CHECK (note IS NULL OR note IN ('phone_not_saved')),
    unsubscribed_at TEXT,
    bounced         INTEGER NOT NULL DEFAULT 0 CHECK (bounced IN (0, 1)),
    message_from    INTEGER REFERENCES campaigns (id)
);

INSERT INTO outbox (id, kind, campaign_id, user_id, channel, address, language, dedupe_key,
                    token, status, attempts, next_attempt_at, lease_until, last_error,
                    created_at, sent_at, delivered_at, delivery_error, note, unsubscribed_at,
                    bounced, message_from)
SELECT id, kind, campaign_id, user_id, channel, address, language, dedupe_key, token, status,
       attempts, next_attempt_at, lease_until, last_error, created_at, sent_at, delivered_at,
       delivery_error, note, unsubscribed_at, bounced, message_from
FROM outbox_copy;
DROP TABLE outbox_copy;

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_campaign ON outbox (campaign_id, status) WHERE campaign_id IS NOT NULL;
CREATE INDEX outbox_user ON outbox (user_id) WHERE user_id IS NOT NULL;
