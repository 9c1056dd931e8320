-- RFM at one location: members by the day of their last purchase there (UTC) and their number
-- of purchases there, with what they spent there net of refunds, per location (what
-- `recency_frequency` is for the whole shop). Kept by triggers on member_locations (itself
-- kept by the purchase triggers in the same transaction); its check compares it with
-- member_locations, which is checked against the ledger. And an index on each location's
-- spend after refunds: monetary quintile edges by rank, a group's biggest spenders first.

CREATE TABLE location_recency_frequency (
    location_id INTEGER NOT NULL REFERENCES locations (id),
    day         TEXT    NOT NULL,
    purchases   INTEGER NOT NULL,
    members     INTEGER NOT NULL,
    net_minor   INTEGER NOT NULL,
    PRIMARY KEY (location_id, day, purchases)
) WITHOUT ROWID;

CREATE VIEW location_recency_frequency_recomputed AS
SELECT location_id, substr(last_purchase_at, 1, 10) AS day, purchases, count(*) AS members,
       sum(spend_minor - refunded_minor) AS net_minor
FROM member_locations GROUP BY 1, 2, 3;

INSERT INTO location_recency_frequency SELECT * FROM location_recency_frequency_recomputed;

CREATE TRIGGER member_locations_rf_insert AFTER INSERT ON member_locations BEGIN
    INSERT INTO location_recency_frequency (location_id, day, purchases, members, net_minor)
    VALUES (NEW.location_id, substr(NEW.last_purchase_at, 1, 10), NEW.purchases, 1,
            NEW.spend_minor - NEW.refunded_minor)
    ON CONFLICT (location_id, day, purchases) DO UPDATE SET
        members = members + 1, net_minor = net_minor + excluded.net_minor;
END;

CREATE TRIGGER member_locations_rf_update
AFTER UPDATE OF purchases, last_purchase_at, spend_minor, refunded_minor ON member_locations BEGIN
    UPDATE location_recency_frequency SET
        members = members - 1, net_minor = net_minor - (OLD.spend_minor - OLD.refunded_minor)
    WHERE location_id = OLD.location_id AND day = substr(OLD.last_purchase_at, 1, 10)
      AND purchases = OLD.purchases;
    DELETE FROM location_recency_frequency
    WHERE location_id = OLD.location_id AND day = substr(OLD.last_purchase_at, 1, 10)
      AND purchases = OLD.purchases AND members = 0;
    INSERT INTO location_recency_frequency (location_id, day, purchases, members, net_minor)
    VALUES (NEW.location_id, substr(NEW.last_purchase_at, 1, 10), NEW.purchases, 1,
            NEW.spend_minor - NEW.refunded_minor)
    ON CONFLICT (location_id, day, purchases) DO UPDATE SET
        members = members + 1, net_minor = net_minor + excluded.net_minor;
END;

CREATE TRIGGER member_locations_rf_delete AFTER DELETE ON member_locations BEGIN
    UPDATE location_recency_frequency SET
        members = members - 1, net_minor = net_minor - (OLD.spend_minor - OLD.refunded_minor)
    WHERE location_id = OLD.location_id AND day = substr(OLD.last_purchase_at, 1, 10)
      AND purchases = OLD.purchases;
    DELETE FROM location_recency_frequency
    WHERE location_id = OLD.location_id AND day = substr(OLD.last_purchase_at, 1, 10)
      AND purchases = OLD.purchases AND members = 0;
END;

-- It carries spend and refunds too, so a value at a rank is read from the index alone: without
-- them SQLite read each member's row to compute the expression (1.0 s for the fourth fifth's
-- edge among 782,780 members at a location, 0.02 s covered).
CREATE INDEX member_locations_net ON member_locations (location_id, spend_minor - refunded_minor,
                                                       spend_minor, refunded_minor);
