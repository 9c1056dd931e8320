-- RFM: members by the day of their last purchase (UTC) and their number of purchases, with
-- what they spent net of refunds. A few thousand rows for a million members: recency and
-- frequency quintiles and the RFM groups are read from it, not from a scan of every member.
-- Kept by triggers on member_stats (itself kept by the purchase triggers in the same
-- transaction); its check compares it with member_stats, which is checked against the ledger.
CREATE TABLE recency_frequency (
    day       TEXT    NOT NULL,
    purchases INTEGER NOT NULL,
    members   INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    PRIMARY KEY (day, purchases)
) WITHOUT ROWID;

CREATE VIEW recency_frequency_recomputed AS
SELECT substr(last_purchase_at, 1, 10) AS day, purchases, count(*) AS members,
       sum(spend_minor - refunded_minor) AS net_minor
FROM member_stats GROUP BY 1, 2;

INSERT INTO recency_frequency SELECT * FROM recency_frequency_recomputed;

CREATE TRIGGER member_stats_rf_insert AFTER INSERT ON member_stats BEGIN
    INSERT INTO recency_frequency (day, purchases, members, net_minor)
    VALUES (substr(NEW.last_purchase_at, 1, 10), NEW.purchases, 1,
            NEW.spend_minor - NEW.refunded_minor)
    ON CONFLICT (day, purchases) DO UPDATE SET
        members = members + 1, net_minor = net_minor + excluded.net_minor;
END;

CREATE TRIGGER member_stats_rf_update
AFTER UPDATE OF purchases, last_purchase_at, spend_minor, refunded_minor ON member_stats BEGIN
    UPDATE recency_frequency SET
        members = members - 1, net_minor = net_minor - (OLD.spend_minor - OLD.refunded_minor)
    WHERE day = substr(OLD.last_purchase_at, 1, 10) AND purchases = OLD.purchases;
    DELETE FROM recency_frequency
    WHERE day = substr(OLD.last_purchase_at, 1, 10) AND purchases = OLD.purchases AND members = 0;
    INSERT INTO recency_frequency (day, purchases, members, net_minor)
    VALUES (substr(NEW.last_purchase_at, 1, 10), NEW.purchases, 1,
            NEW.spend_minor - NEW.refunded_minor)
    ON CONFLICT (day, purchases) DO UPDATE SET
        members = members + 1, net_minor = net_minor + excluded.net_minor;
END;

CREATE TRIGGER member_stats_rf_delete AFTER DELETE ON member_stats BEGIN
    UPDATE recency_frequency SET
        members = members - 1, net_minor = net_minor - (OLD.spend_minor - OLD.refunded_minor)
    WHERE day = substr(OLD.last_purchase_at, 1, 10) AND purchases = OLD.purchases;
    DELETE FROM recency_frequency
    WHERE day = substr(OLD.last_purchase_at, 1, 10) AND purchases = OLD.purchases AND members = 0;
END;

-- Monetary quintile edges (a value at a rank) and the biggest spenders of a group first.
CREATE INDEX member_stats_net ON member_stats (spend_minor - refunded_minor);
