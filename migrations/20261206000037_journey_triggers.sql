-- More journey triggers: welcome (after the member's email is confirmed, or after joining for
-- text messages), birthday (on the shop's calendar), points expiring (a number of days
-- before a member's points expire) and tier reached (after an upgrade). The wait may now be 0 (welcome, birthday: on the day).
-- Members leave a journey when its goal happens (a purchase, for all but birthday): their
-- message is dropped if it has not gone yet, and `left_at` says when.
-- SQLite cannot change a CHECK, so `journeys` is rebuilt; entries keep pointing at their
-- journeys (the check on them is deferred until the rows are back under the same ids).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE journeys_copy AS SELECT * FROM journeys;
DROP TABLE journeys;

CREATE TABLE journeys (
    id            INTEGER PRIMARY KEY,
    trigger       TEXT    NOT NULL UNIQUE
                  CHECK (trigger IN ('win_back', 'welcome', 'birthday', 'points_expiring', 'tier_reached')),
    campaign_id   INTEGER NOT NULL UNIQUE REFERENCES campaigns (id),
    enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    -- Days after the trigger's event (win-back: the last purchase; welcome: joining) or
    -- before it (birthday, points expiring).
    wait_days     INTEGER NOT NULL CHECK (wait_days BETWEEN 0 AND 365),
    -- A member may enter again this many days after their last entry (NULL: once ever).
    reentry_days  INTEGER CHECK (reentry_days BETWEEN 1 AND 365),
    -- Share of entries kept as the control group (no message), in percent.
    holdout_pct   INTEGER NOT NULL DEFAULT 10 CHECK (holdout_pct BETWEEN 0 AND 50),
    -- A purchase within this many days of the message counts for it (last touch).
    window_days   INTEGER NOT NULL DEFAULT 5 CHECK (window_days BETWEEN 1 AND 365),
    -- The trigger's moment up to which members were looked at (NULL: not looked yet).
    checked_until TEXT,
    updated_at    TEXT    NOT NULL
);

INSERT INTO journeys SELECT * FROM journeys_copy;
DROP TABLE journeys_copy;

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Welcome', 'email', 'draft', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, updated_at)
VALUES ('welcome', last_insert_rowid(), 0, '2026-12-06T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Birthday', 'email', 'draft', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('birthday', last_insert_rowid(), 0, 300, '2026-12-06T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Points expiring', 'email', 'draft', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('points_expiring', last_insert_rowid(), 14, 30, '2026-12-06T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Tier reached', 'email', 'draft', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('tier_reached', last_insert_rowid(), 0, 1, '2026-12-06T00:00:00Z');

-- When the member reached the journey's goal while their message waited.
ALTER TABLE journey_entries ADD COLUMN left_at TEXT;

-- Each run reads only the members who crossed the trigger's moment since the last one.
CREATE INDEX users_joined ON users (created_at) WHERE role = 'member';
CREATE INDEX users_email_confirmed ON users (email_confirmed_at) WHERE email_confirmed_at IS NOT NULL;
CREATE INDEX users_birthday_day ON users (substr(birthday, 6)) WHERE birthday IS NOT NULL;
CREATE INDEX tier_changes_upgrades ON tier_changes (created_at) WHERE reason = 'upgrade';

-- Rules for marketing messages (campaigns and journeys; service messages are exempt), per
-- channel: quiet hours on the shop's clock (`quiet_from` to `quiet_until`, whole hours,
-- across midnight when from > until; messages wait, they are not dropped) and a frequency
-- cap (at most `cap` messages per member in any `cap_days` days; one over it is not sent).
CREATE TABLE sending_rules (
    channel     TEXT    PRIMARY KEY CHECK (channel IN ('email', 'sms')),
    quiet_from  INTEGER CHECK (quiet_from BETWEEN 0 AND 23),
    quiet_until INTEGER CHECK (quiet_until BETWEEN 0 AND 23),
    cap         INTEGER CHECK (cap BETWEEN 1 AND 50),
    cap_days    INTEGER NOT NULL DEFAULT 7 CHECK (cap_days BETWEEN 1 AND 90),
    CHECK ((quiet_from IS NULL) = (quiet_until IS NULL))
) WITHOUT ROWID;
INSERT INTO sending_rules (channel) VALUES ('email'), ('sms');
