-- Opens of campaign and journey emails: each carries a 1×1 image whose address names the
-- message (its preference token); the first time it is fetched is recorded. Mail apps that
-- block images never report an open, and some fetch every image on arrival, so an open is a
-- hint; a click counts as an open too. Journey steps may ask whether members opened
-- (`opened`, `not_opened`). SQLite cannot change a CHECK, so `journey_steps` is rebuilt
-- under the same ids, as `journeys` was in migration 40.
ALTER TABLE outbox ADD COLUMN opened_at TEXT;

PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE journey_steps_copy AS SELECT * FROM journey_steps;
DROP VIEW journey_campaigns;
DROP TABLE journey_steps;

CREATE TABLE journey_steps (
    id          INTEGER PRIMARY KEY,
    journey_id  INTEGER NOT NULL REFERENCES journeys (id),
    -- 1 for the step after the first message, and so on.
    position    INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    wait_days   INTEGER NOT NULL CHECK (wait_days BETWEEN 1 AND 90),
    -- Who goes on: everyone, those who bought nothing since entering, those who clicked no
    -- link in the journey's messages so far, or those who did, those who opened none of
    -- them (nor clicked), or those who did.
    condition   TEXT    NOT NULL CHECK (condition IN ('always', 'no_purchase', 'not_clicked', 'clicked',
                                                      'not_opened', 'opened')),
    action      TEXT    NOT NULL CHECK (action IN ('send', 'tag')),
    -- Its messages per language (made with the step; kept if the action becomes a tag).
    campaign_id INTEGER NOT NULL UNIQUE REFERENCES campaigns (id),
    -- The tag it puts on the member (when the action is a tag).
    tag         TEXT    CHECK (tag IS NULL OR length(tag) BETWEEN 1 AND 40),
    -- A step takes entries whose step before went at most its wait before it was made, not
    -- the journey's whole past.
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (journey_id, position),
    CHECK (action <> 'tag' OR tag IS NOT NULL)
);

INSERT INTO journey_steps (id, journey_id, position, wait_days, condition, action, campaign_id, tag, created_at, updated_at)
SELECT id, journey_id, position, wait_days, condition, action, campaign_id, tag, created_at, updated_at FROM journey_steps_copy;
DROP TABLE journey_steps_copy;

-- Every campaign that holds a journey's messages: its first message's and its steps'.
CREATE VIEW journey_campaigns AS
    SELECT id AS journey_id, trigger, enabled, campaign_id, NULL AS step_id FROM journeys
    UNION ALL
    SELECT j.id, j.trigger, j.enabled, s.campaign_id, s.id
    FROM journey_steps s JOIN journeys j ON j.id = s.journey_id;
