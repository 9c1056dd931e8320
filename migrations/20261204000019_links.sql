-- Short links (`/o/<code>`) in campaign messages, and their clicks. A campaign may name one
-- offer and one reward its messages talk about (`{{ offer.url }}`, `{{ reward.url }}`).
ALTER TABLE campaigns ADD COLUMN offer_id INTEGER REFERENCES offers (id);
ALTER TABLE campaigns ADD COLUMN reward_id INTEGER REFERENCES rewards (id);

CREATE TABLE links (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    url         TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (campaign_id, url)
);

-- One row per click; `outbox_id` names the message (and so the member) when the link carried it.
CREATE TABLE link_clicks (
    id        INTEGER PRIMARY KEY,
    link_id   INTEGER NOT NULL REFERENCES links (id),
    outbox_id INTEGER REFERENCES outbox (id),
    at        TEXT    NOT NULL
);

CREATE INDEX link_clicks_link ON link_clicks (link_id);
CREATE INDEX link_clicks_outbox ON link_clicks (outbox_id) WHERE outbox_id IS NOT NULL;
