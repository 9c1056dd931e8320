-- Sales to customers who are not members, recorded at the counter (amount, location, receipt,
-- refunds), so the analytics can show what share of the shop's revenue its members bring.
-- They earn nothing and belong to nobody: no member, no points, no perks.
--
-- `guest_months` rolls them up per location and month in the shop's time (a refund counts
-- where and when the sale was made), kept by triggers in the transaction of every sale and
-- refund; `guest_months_recomputed` is the same from the sales (`server rollups check`).

CREATE TABLE guest_sales (
    id             INTEGER PRIMARY KEY,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT    NOT NULL,
    receipt        TEXT,
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND amount_minor),
    staff_id       INTEGER REFERENCES users (id),
    created_at     TEXT    NOT NULL
);

-- The counter's list: this location's latest sales.
CREATE INDEX guest_sales_location ON guest_sales (location_id, created_at);

CREATE TABLE guest_months (
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    month          TEXT    NOT NULL,
    sales          INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    PRIMARY KEY (location_id, month)
) WITHOUT ROWID;

CREATE VIEW guest_months_recomputed AS
SELECT location_id, month, count(*) AS sales, sum(amount_minor) AS spend_minor,
       sum(refunded_minor) AS refunded_minor
FROM (SELECT g.location_id, g.amount_minor, g.refunded_minor,
             substr(date(g.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= g.created_at
                                        ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month
      FROM guest_sales g)
GROUP BY location_id, month;

CREATE TRIGGER guest_sales_months AFTER INSERT ON guest_sales BEGIN
    INSERT INTO guest_months (location_id, month, sales, spend_minor, refunded_minor)
    SELECT NEW.location_id, d.month, 1, NEW.amount_minor, NEW.refunded_minor
    FROM (SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month) d
    WHERE true
    ON CONFLICT (location_id, month) DO UPDATE SET
        sales = sales + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
END;

CREATE TRIGGER guest_sales_months_refund AFTER UPDATE OF amount_minor, refunded_minor ON guest_sales
WHEN NEW.refunded_minor IS NOT OLD.refunded_minor OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    UPDATE guest_months SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE location_id = NEW.location_id
      AND month = substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7);
END;
