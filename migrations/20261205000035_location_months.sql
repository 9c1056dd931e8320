-- Retention at a glance per location: per location and month in the shop's time, how many
-- members bought there, how many of them more than once, their purchases, spend and refunds
-- (`location_months`, as `month_totals` is for the whole shop), from each member's purchases
-- per location and month (`member_location_months`, read before it counts a purchase). Kept
-- by triggers in the transaction of every purchase and refund; the `_recomputed` views are the
-- same from the ledger (`server rollups check|rebuild`). A refund counts where and when the
-- purchase was made. And an index on each member's last purchase per location, so "bought
-- here in the last 30 days" and "stopped buying here" are counts of an index range.

CREATE TABLE member_location_months (
    location_id INTEGER NOT NULL REFERENCES locations (id),
    member_id   INTEGER NOT NULL REFERENCES users (id),
    month       TEXT    NOT NULL,
    purchases   INTEGER NOT NULL,
    PRIMARY KEY (location_id, member_id, month)
) WITHOUT ROWID;

CREATE VIEW member_location_months_recomputed AS
SELECT location_id, member_id, substr(day, 1, 7) AS month, count(*) AS purchases
FROM purchase_days
GROUP BY location_id, member_id, month;

INSERT INTO member_location_months SELECT * FROM member_location_months_recomputed;

CREATE TABLE location_months (
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    month          TEXT    NOT NULL,
    members        INTEGER NOT NULL,
    repeat_members INTEGER NOT NULL,
    purchases      INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    PRIMARY KEY (location_id, month)
) WITHOUT ROWID;

CREATE VIEW location_months_recomputed AS
SELECT location_id, month, count(*) AS members, sum(purchases >= 2) AS repeat_members,
       sum(purchases) AS purchases, sum(spend_minor) AS spend_minor,
       sum(refunded_minor) AS refunded_minor
FROM (SELECT location_id, member_id, substr(day, 1, 7) AS month, count(*) AS purchases,
             sum(amount_minor) AS spend_minor, sum(refunded_minor) AS refunded_minor
      FROM purchase_days
      GROUP BY location_id, member_id, month)
GROUP BY location_id, month;

INSERT INTO location_months SELECT * FROM location_months_recomputed;

CREATE INDEX member_locations_last ON member_locations (location_id, last_purchase_at);

CREATE TRIGGER purchases_location_months AFTER INSERT ON purchases BEGIN
    -- Whether the member already bought here this month, and exactly once (this purchase
    -- makes them a repeat buyer here), is read before their month row below counts it.
    INSERT INTO location_months (location_id, month, members, repeat_members, purchases,
                                 spend_minor, refunded_minor)
    SELECT NEW.location_id, d.month,
           NOT EXISTS (SELECT 1 FROM member_location_months m
                       WHERE m.location_id = NEW.location_id AND m.member_id = NEW.member_id
                         AND m.month = d.month),
           EXISTS (SELECT 1 FROM member_location_months m
                   WHERE m.location_id = NEW.location_id AND m.member_id = NEW.member_id
                     AND m.month = d.month AND m.purchases = 1),
           1, NEW.amount_minor, NEW.refunded_minor
    FROM (SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month) d
    WHERE true
    ON CONFLICT (location_id, month) DO UPDATE SET
        members = members + excluded.members,
        repeat_members = repeat_members + excluded.repeat_members,
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
    INSERT INTO member_location_months (location_id, member_id, month, purchases)
    SELECT NEW.location_id, NEW.member_id, d.month, 1
    FROM (SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month) d
    WHERE true
    ON CONFLICT (location_id, member_id, month) DO UPDATE SET purchases = purchases + 1;
END;

CREATE TRIGGER purchases_location_months_refund AFTER UPDATE OF amount_minor, refunded_minor ON purchases
WHEN NEW.refunded_minor IS NOT OLD.refunded_minor OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    UPDATE location_months SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE location_id = NEW.location_id
      AND month = substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7);
END;
