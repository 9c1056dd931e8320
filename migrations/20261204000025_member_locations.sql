-- Where each member has bought: the purchase ledger rolled up per location and member (how
-- many purchases, what they came to, refunds, the last). "Bought at this location" is then a
-- range of this table's key instead of a probe of the ledger per member (8 s at a million
-- members and ten million purchases), and per-location analytics start from it. Kept by
-- triggers in the transaction of every purchase and refund; `member_locations_recomputed` is
-- the same computed from the ledger (`server rollups check`). A refund counts where the
-- purchase was made.

CREATE TABLE member_locations (
    location_id      INTEGER NOT NULL REFERENCES locations (id),
    member_id        INTEGER NOT NULL REFERENCES users (id),
    purchases        INTEGER NOT NULL,
    spend_minor      INTEGER NOT NULL,
    refunded_minor   INTEGER NOT NULL,
    last_purchase_at TEXT    NOT NULL,
    PRIMARY KEY (location_id, member_id)
) WITHOUT ROWID;

CREATE VIEW member_locations_recomputed AS
SELECT location_id, member_id, count(*) AS purchases, sum(amount_minor) AS spend_minor,
       sum(refunded_minor) AS refunded_minor, max(created_at) AS last_purchase_at
FROM purchases
GROUP BY location_id, member_id;

INSERT INTO member_locations SELECT * FROM member_locations_recomputed;

CREATE TRIGGER purchases_member_locations AFTER INSERT ON purchases BEGIN
    INSERT INTO member_locations (location_id, member_id, purchases, spend_minor,
                                  refunded_minor, last_purchase_at)
    VALUES (NEW.location_id, NEW.member_id, 1, NEW.amount_minor, NEW.refunded_minor,
            NEW.created_at)
    ON CONFLICT (location_id, member_id) DO UPDATE SET
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor,
        last_purchase_at = max(last_purchase_at, excluded.last_purchase_at);
END;

CREATE TRIGGER purchases_member_locations_refund AFTER UPDATE OF amount_minor, refunded_minor ON purchases
WHEN NEW.refunded_minor IS NOT OLD.refunded_minor OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    UPDATE member_locations SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE location_id = NEW.location_id AND member_id = NEW.member_id;
END;
