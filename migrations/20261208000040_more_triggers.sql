-- Six more journey triggers: a tier at risk (a number of days before the member's tier is
-- reviewed, when the points earned in the period so far would not keep it), a next-visit
-- discount given (a number of days after it, while unused), a next-visit discount ending (a
-- number of days before its last day), enough points for a reward (after an earning takes the
-- balance to a reward's price), a feedback case answered (a reply from staff or its
-- resolution) and an offer starting (on its first day, or days before, to the members it is
-- for).
-- SQLite cannot change a CHECK, so `journeys` is rebuilt under the same ids, as in migration 37.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE journeys_copy AS SELECT * FROM journeys;
DROP TABLE journeys;

CREATE TABLE journeys (
    id            INTEGER PRIMARY KEY,
    trigger       TEXT    NOT NULL UNIQUE
                  CHECK (trigger IN ('win_back', 'welcome', 'birthday', 'points_expiring', 'tier_reached',
                                     'tier_at_risk', 'coupon_issued', 'coupon_ending', 'reward_in_reach', 'case_answered',
                                     'offer_starting')),
    campaign_id   INTEGER NOT NULL UNIQUE REFERENCES campaigns (id),
    enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    -- Days after the trigger's event or before it (birthday, points expiring, discount ending).
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
VALUES ('Tier at risk', 'email', 'draft', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('tier_at_risk', last_insert_rowid(), 30, 30, '2026-12-08T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Next-visit discount given', 'email', 'draft', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('coupon_issued', last_insert_rowid(), 0, 1, '2026-12-08T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Next-visit discount ending', 'email', 'draft', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('coupon_ending', last_insert_rowid(), 3, 1, '2026-12-08T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Enough points for a reward', 'email', 'draft', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('reward_in_reach', last_insert_rowid(), 0, 30, '2026-12-08T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Feedback answered', 'email', 'draft', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('case_answered', last_insert_rowid(), 0, 1, '2026-12-08T00:00:00Z');

INSERT INTO campaigns (name, channel, status, created_at, updated_at)
VALUES ('Offer starting', 'email', 'draft', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO journeys (trigger, campaign_id, wait_days, reentry_days, updated_at)
VALUES ('offer_starting', last_insert_rowid(), 0, 1, '2026-12-08T00:00:00Z');

-- Each run reads only what happened since the last one (tier at risk: the reviews in the next
-- few days, by the index on member_tiers.review_at; a discount ending: the unused discounts
-- whose last day is in the next few days).
CREATE INDEX coupons_created ON coupons (created_at);
CREATE INDEX coupons_unused_until ON coupons (valid_until) WHERE used_purchase_id IS NULL;
CREATE INDEX point_movements_earned_at ON point_movements (created_at) WHERE amount > 0;
CREATE INDEX case_events_answers ON case_events (created_at) WHERE kind IN ('reply', 'resolved');
-- An offer is announced by the first run that finds it: whether any entry names it.
CREATE INDEX journey_entries_key ON journey_entries (journey_id, entry_key);
