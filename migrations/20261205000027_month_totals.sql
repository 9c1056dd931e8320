-- Retention at a glance, month by month in the shop's time: per month, how many members bought,
-- how many of them more than once (the repeat purchase rate), their purchases, spend and
-- refunds — a dozen rows for a year whatever the size of the ledger. Kept, like the other
-- shop-time roll-ups, in the transaction of every purchase and refund: the two triggers of
-- migration 26 are recreated with it (it must read the member's month before that is
-- counted). `month_totals_recomputed` is the same from the ledger (`server rollups check`).
-- And an index on each member's last purchase, so "active in the last 30 days" and "churned"
-- are counts of an index range.

CREATE TABLE month_totals (
    month          TEXT    PRIMARY KEY,
    members        INTEGER NOT NULL,
    repeat_members INTEGER NOT NULL,
    purchases      INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIEW month_totals_recomputed AS
SELECT month, count(*) AS members, sum(purchases >= 2) AS repeat_members, sum(purchases) AS purchases,
       sum(spend_minor) AS spend_minor, sum(refunded_minor) AS refunded_minor
FROM member_months_recomputed
GROUP BY month;

INSERT INTO month_totals SELECT * FROM month_totals_recomputed;

CREATE INDEX member_stats_last_purchase ON member_stats (last_purchase_at);

DROP TRIGGER purchases_shop_time;
DROP TRIGGER purchases_shop_time_refund;

CREATE TRIGGER purchases_shop_time AFTER INSERT ON purchases BEGIN
    -- The month's totals first, like the cohort: whether the member already bought this
    -- month, and whether exactly once (this purchase makes them a repeat buyer), is read
    -- before the member's month row below counts it.
    INSERT INTO month_totals (month, members, repeat_members, purchases, spend_minor, refunded_minor)
    SELECT d.month,
           NOT EXISTS (SELECT 1 FROM member_months m WHERE m.member_id = NEW.member_id AND m.month = d.month),
           EXISTS (SELECT 1 FROM member_months m WHERE m.member_id = NEW.member_id AND m.month = d.month AND m.purchases = 1),
           1, NEW.amount_minor, NEW.refunded_minor
    FROM (SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month) d
    WHERE true
    ON CONFLICT (month) DO UPDATE SET
        members = members + excluded.members,
        repeat_members = repeat_members + excluded.repeat_members,
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
    -- The cohort first: whether the member already bought this month is read before the
    -- member's month row below counts this purchase.
    INSERT INTO cohort_months (cohort, month, members, purchases, spend_minor, refunded_minor)
    SELECT c.cohort, d.month,
           NOT EXISTS (SELECT 1 FROM member_months m WHERE m.member_id = NEW.member_id AND m.month = d.month),
           1, NEW.amount_minor, NEW.refunded_minor
    FROM member_cohorts c,
         (SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month) d
    WHERE c.member_id = NEW.member_id
    ON CONFLICT (cohort, month) DO UPDATE SET
        members = members + excluded.members,
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
    INSERT INTO location_days (day, location_id, purchases, spend_minor, refunded_minor)
    SELECT d.day, NEW.location_id, 1, NEW.amount_minor, NEW.refunded_minor
    FROM (SELECT date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                       ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day) d
    WHERE true
    ON CONFLICT (day, location_id) DO UPDATE SET
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
    INSERT INTO member_months (member_id, month, purchases, spend_minor, refunded_minor)
    SELECT NEW.member_id, substr(d.day, 1, 7), 1, NEW.amount_minor, NEW.refunded_minor
    FROM (SELECT date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                       ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day) d
    WHERE true
    ON CONFLICT (member_id, month) DO UPDATE SET
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
END;

CREATE TRIGGER purchases_shop_time_refund AFTER UPDATE OF amount_minor, refunded_minor ON purchases
WHEN NEW.refunded_minor IS NOT OLD.refunded_minor OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    UPDATE location_days SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE location_id = NEW.location_id
      AND day = date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                      ORDER BY o.from_utc DESC LIMIT 1) || ' seconds');
    UPDATE member_months SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE member_id = NEW.member_id
      AND month = substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7);
    UPDATE cohort_months SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE cohort = (SELECT c.cohort FROM member_cohorts c WHERE c.member_id = NEW.member_id)
      AND month = substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7);
    UPDATE month_totals SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE month = substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                   ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7);
END;
