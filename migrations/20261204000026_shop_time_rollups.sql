-- Roll-ups in the shop's own time: per member and month, per join cohort and month, per join
-- month, and per day and location. Monthly and daily figures must fall in the shop's months
-- and days, not UTC's, and SQLite knows no time zones: `shop_offsets` holds the shop zone's
-- UTC offset from each instant on (its transitions, filled by the server for the zone in
-- `program_settings`), so a trigger finds the local day of a purchase with one key look-up.
-- When the zone changes, the server refills the offsets and rebuilds these roll-ups in the
-- same transaction (`shop_offsets_zone` names the zone they were filled for; '' until the
-- first start after this migration, which fills everything).
--
-- Every table here is kept by triggers in the transaction of each purchase, refund and new
-- member, and has a `<table>_recomputed` view of the same rows from the ledger
-- (`server rollups check`). A purchase counts in the month and day it was made; its refunds
-- count there too. Cohorts are members (role 'member') by the month they joined.

CREATE TABLE shop_offsets (
    -- A UTC instant as stored everywhere ('YYYY-MM-DDTHH:MM:SSZ').
    from_utc TEXT    PRIMARY KEY,
    offset_s INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE shop_offsets_zone (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    zone TEXT    NOT NULL
);

INSERT INTO shop_offsets VALUES ('0000-01-01T00:00:00Z', 0);
INSERT INTO shop_offsets_zone VALUES (1, '');

-- Each purchase with its local day.
CREATE VIEW purchase_days AS
SELECT p.id, p.member_id, p.location_id, p.amount_minor, p.refunded_minor,
       date(p.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= p.created_at
                           ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day
FROM purchases p;

-- Each member with the local month they joined.
CREATE VIEW member_cohorts AS
SELECT u.id AS member_id,
       substr(date(u.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= u.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS cohort
FROM users u
WHERE u.role = 'member';

CREATE TABLE member_months (
    member_id      INTEGER NOT NULL REFERENCES users (id),
    month          TEXT    NOT NULL,
    purchases      INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    PRIMARY KEY (member_id, month)
) WITHOUT ROWID;

CREATE VIEW member_months_recomputed AS
SELECT member_id, substr(day, 1, 7) AS month, count(*) AS purchases,
       sum(amount_minor) AS spend_minor, sum(refunded_minor) AS refunded_minor
FROM purchase_days
GROUP BY member_id, month;

-- Members of a join cohort who bought in a month (and what they bought).
CREATE TABLE cohort_months (
    cohort         TEXT    NOT NULL,
    month          TEXT    NOT NULL,
    members        INTEGER NOT NULL,
    purchases      INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    PRIMARY KEY (cohort, month)
) WITHOUT ROWID;

CREATE VIEW cohort_months_recomputed AS
SELECT c.cohort, m.month, count(*) AS members, sum(m.purchases) AS purchases,
       sum(m.spend_minor) AS spend_minor, sum(m.refunded_minor) AS refunded_minor
FROM member_months_recomputed m
JOIN member_cohorts c ON c.member_id = m.member_id
GROUP BY c.cohort, m.month;

-- Members who joined in a month.
CREATE TABLE cohorts (
    cohort TEXT    PRIMARY KEY,
    joined INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIEW cohorts_recomputed AS
SELECT cohort, count(*) AS joined FROM member_cohorts GROUP BY cohort;

CREATE TABLE location_days (
    day            TEXT    NOT NULL,
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    purchases      INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    PRIMARY KEY (day, location_id)
) WITHOUT ROWID;

CREATE VIEW location_days_recomputed AS
SELECT day, location_id, count(*) AS purchases, sum(amount_minor) AS spend_minor,
       sum(refunded_minor) AS refunded_minor
FROM purchase_days
GROUP BY day, location_id;

CREATE TRIGGER purchases_shop_time AFTER INSERT ON purchases BEGIN
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
END;

CREATE TRIGGER users_cohort AFTER INSERT ON users WHEN NEW.role = 'member' BEGIN
    INSERT INTO cohorts (cohort, joined)
    SELECT c.cohort, 1 FROM member_cohorts c WHERE c.member_id = NEW.id
    ON CONFLICT (cohort) DO UPDATE SET joined = joined + 1;
END;
