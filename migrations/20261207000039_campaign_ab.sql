-- A/B tests of campaigns: a share of the reachable members gets message A, the same share
-- gets variant B (a campaign of its own that only holds B's messages), and when the wait is
-- over the variant with more clicks (or attributed purchases) per message sent goes to the
-- rest. Every message stays a row of the tested campaign; `message_from` names the variant
-- whose messages it carries.
ALTER TABLE campaigns ADD COLUMN ab_pct INTEGER NOT NULL DEFAULT 0 CHECK (ab_pct BETWEEN 0 AND 25);
ALTER TABLE campaigns ADD COLUMN ab_hours INTEGER NOT NULL DEFAULT 4 CHECK (ab_hours BETWEEN 1 AND 168);
ALTER TABLE campaigns ADD COLUMN ab_metric TEXT NOT NULL DEFAULT 'clicks' CHECK (ab_metric IN ('clicks', 'purchases'));
ALTER TABLE campaigns ADD COLUMN ab_variant INTEGER REFERENCES campaigns (id);
ALTER TABLE campaigns ADD COLUMN ab_decide_at TEXT;
ALTER TABLE campaigns ADD COLUMN ab_winner TEXT CHECK (ab_winner IN ('a', 'b'));

CREATE INDEX campaigns_ab_due ON campaigns (ab_decide_at)
    WHERE ab_decide_at IS NOT NULL AND ab_winner IS NULL;

ALTER TABLE outbox ADD COLUMN message_from INTEGER REFERENCES campaigns (id);
