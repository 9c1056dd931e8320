-- Campaign results: a control group per campaign (a share of the reachable members of its
-- segment who are not messaged, recorded when it is sent) and the window in which a purchase
-- counts for a message; which messages were unsubscribed from and which bounced.
ALTER TABLE campaigns ADD COLUMN holdout_pct INTEGER NOT NULL DEFAULT 10
    CHECK (holdout_pct BETWEEN 0 AND 50);
ALTER TABLE campaigns ADD COLUMN window_days INTEGER NOT NULL DEFAULT 5
    CHECK (window_days BETWEEN 1 AND 365);

CREATE TABLE campaign_holdouts (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    held_at     TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
) WITHOUT ROWID;

-- Set when the member withdrew consent through this message's link.
ALTER TABLE outbox ADD COLUMN unsubscribed_at TEXT;
-- Set when the other side refused the address for good (it was suppressed).
ALTER TABLE outbox ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0 CHECK (bounced IN (0, 1));
