-- Webhooks: the shop's other systems told what happens here (a member joins, a purchase is
-- recorded, …) by a signed HTTPS POST. Deliveries are an outbox: each event's rows are written
-- by a trigger in the same transaction as the change, one per subscribed webhook, so a crash
-- loses nothing; a worker claims due rows with a lease, marks them delivered on a 2xx, and
-- retries with growing pauses for a day.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT    NOT NULL CHECK (length(url) BETWEEN 8 AND 500),
    -- Space-separated event names.
    events     TEXT    NOT NULL,
    -- The HMAC-SHA256 key deliveries are signed with (whsec_…): kept, since signing needs it.
    secret     TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id),
    event           TEXT    NOT NULL,
    -- The event's id in the body (`purchase.recorded:42`): one delivery per webhook and event.
    event_id        TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    -- Retries stop a day after this (the event, or the last "resend").
    retry_from      TEXT    NOT NULL,
    next_attempt_at TEXT    NOT NULL,
    lease_until     TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TEXT,
    failed_at       TEXT,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);

-- Every attempt: the delivery log the console shows.
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
    at          TEXT    NOT NULL,
    status      INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE TRIGGER webhook_member_joined AFTER INSERT ON users
WHEN NEW.role = 'member' AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' member.joined ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'member.joined', 'member.joined:' || NEW.id,
           json_object('id', 'member.joined:' || NEW.id, 'type', 'member.joined', 'created_at', NEW.created_at,
                       'data', json_object('member_id', NEW.id, 'email', NEW.email, 'name', NEW.preferred_name, 'language', NEW.language)),
           NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' member.joined ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_purchase_recorded AFTER INSERT ON purchases
WHEN 1 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' purchase.recorded ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'purchase.recorded', 'purchase.recorded:' || NEW.id,
           json_object('id', 'purchase.recorded:' || NEW.id, 'type', 'purchase.recorded', 'created_at', NEW.created_at,
                       'data', json_object('purchase_id', NEW.id, 'member_id', NEW.member_id, 'amount_minor', NEW.amount_minor, 'currency', NEW.currency, 'receipt', NEW.receipt, 'location_id', NEW.location_id, 'points', NEW.points)),
           NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' purchase.recorded ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_tier_changed AFTER INSERT ON tier_changes
WHEN 1 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' tier.changed ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'tier.changed', 'tier.changed:' || NEW.id,
           json_object('id', 'tier.changed:' || NEW.id, 'type', 'tier.changed', 'created_at', NEW.created_at,
                       'data', json_object('member_id', NEW.member_id, 'from_tier', (SELECT name FROM tiers WHERE id = NEW.from_tier_id), 'to_tier', (SELECT name FROM tiers WHERE id = NEW.to_tier_id), 'reason', NEW.reason)),
           NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' tier.changed ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_reward_redeemed AFTER INSERT ON reward_codes
WHEN 1 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' reward.redeemed ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'reward.redeemed', 'reward.redeemed:' || NEW.id,
           json_object('id', 'reward.redeemed:' || NEW.id, 'type', 'reward.redeemed', 'created_at', NEW.issued_at,
                       'data', json_object('member_id', NEW.member_id, 'reward_id', NEW.reward_id, 'reward', (SELECT name FROM rewards WHERE id = NEW.reward_id), 'points', NEW.points, 'expires_at', NEW.expires_at)),
           NEW.issued_at, NEW.issued_at, NEW.issued_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' reward.redeemed ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_feedback_received AFTER INSERT ON feedback
WHEN 1 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' feedback.received ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'feedback.received', 'feedback.received:' || NEW.id,
           json_object('id', 'feedback.received:' || NEW.id, 'type', 'feedback.received', 'created_at', NEW.created_at,
                       'data', json_object('feedback_id', NEW.id, 'member_id', NEW.member_id, 'location_id', NEW.location_id, 'nps', NEW.nps, 'csat', NEW.csat, 'category', NEW.category, 'body', NEW.body)),
           NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' feedback.received ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_case_opened AFTER INSERT ON cases
WHEN 1 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' case.opened ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'case.opened', 'case.opened:' || NEW.id,
           json_object('id', 'case.opened:' || NEW.id, 'type', 'case.opened', 'created_at', NEW.created_at,
                       'data', json_object('case_id', NEW.id, 'feedback_id', NEW.feedback_id, 'member_id', NEW.member_id, 'priority', NEW.priority, 'due_at', NEW.due_at)),
           NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' case.opened ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_case_resolved AFTER UPDATE OF status ON cases
WHEN NEW.status = 'resolved' AND OLD.status <> 'resolved' AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' case.resolved ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'case.resolved', 'case.resolved:' || NEW.id || ':' || NEW.resolved_at,
           json_object('id', 'case.resolved:' || NEW.id || ':' || NEW.resolved_at, 'type', 'case.resolved', 'created_at', COALESCE(NEW.resolved_at, NEW.created_at),
                       'data', json_object('case_id', NEW.id, 'member_id', NEW.member_id, 'resolution', NEW.resolution)),
           COALESCE(NEW.resolved_at, NEW.created_at), COALESCE(NEW.resolved_at, NEW.created_at), COALESCE(NEW.resolved_at, NEW.created_at)
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' case.resolved ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;

CREATE TRIGGER webhook_member_unsubscribed AFTER INSERT ON consent_events
WHEN NEW.granted = 0 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' member.unsubscribed ') > 0)
BEGIN
    INSERT INTO webhook_deliveries
        (webhook_id, event, event_id, body, created_at, retry_from, next_attempt_at)
    SELECT w.id, 'member.unsubscribed', 'member.unsubscribed:' || NEW.id,
           json_object('id', 'member.unsubscribed:' || NEW.id, 'type', 'member.unsubscribed', 'created_at', NEW.created_at,
                       'data', json_object('member_id', NEW.user_id, 'channel', NEW.channel, 'source', NEW.source)),
           NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhooks w WHERE w.active = 1 AND instr(' ' || w.events || ' ', ' member.unsubscribed ') > 0
    ON CONFLICT (webhook_id, event_id) DO NOTHING;
END;
