-- Journey steps: what happens after a journey's first message. Each step waits a number of
-- days after the step before it (the first message, or the step above) went, checks a
-- condition, and sends a message of its own or tags the member. A member whose condition
-- does not hold stops there; in a journey whose goal is a purchase, a member who bought
-- since entering leaves it.
CREATE TABLE journey_steps (
    id          INTEGER PRIMARY KEY,
    journey_id  INTEGER NOT NULL REFERENCES journeys (id),
    -- 1 for the step after the first message, and so on.
    position    INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    wait_days   INTEGER NOT NULL CHECK (wait_days BETWEEN 1 AND 90),
    -- Who goes on: everyone, those who bought nothing since entering, those who clicked no
    -- link in the journey's messages so far, or those who did.
    condition   TEXT    NOT NULL CHECK (condition IN ('always', 'no_purchase', 'not_clicked', 'clicked')),
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

-- What each step did for each entry that reached it: its message queued, the tag put on,
-- stopped by the condition, left on the goal, or not reachable on the journey's channel.
CREATE TABLE journey_step_runs (
    entry_id  INTEGER NOT NULL REFERENCES journey_entries (id),
    step_id   INTEGER NOT NULL REFERENCES journey_steps (id),
    outcome   TEXT    NOT NULL CHECK (outcome IN ('sent', 'tagged', 'stopped', 'left', 'unreachable')),
    outbox_id INTEGER REFERENCES outbox (id),
    done_at   TEXT    NOT NULL,
    PRIMARY KEY (step_id, entry_id)
);
CREATE INDEX journey_step_runs_entry ON journey_step_runs (entry_id);

-- Every campaign that holds a journey's messages: its first message's and its steps'.
CREATE VIEW journey_campaigns AS
    SELECT id AS journey_id, trigger, enabled, campaign_id, NULL AS step_id FROM journeys
    UNION ALL
    SELECT j.id, j.trigger, j.enabled, s.campaign_id, s.id
    FROM journey_steps s JOIN journeys j ON j.id = s.journey_id;
