-- Retention by join month at one location: of each join cohort (the month members joined, in
-- the shop's time), the members who have bought at the location (`location_cohorts`), and how
-- many of them bought there in each month (`location_cohort_months`), as `cohorts` and
-- `cohort_months` are for the whole shop. Kept by the trigger that keeps `location_months`,
-- which reads the member's months at the location before it counts the purchase: a first
-- purchase there in a month adds the member to the month, a first purchase there ever adds
-- them to the location's cohort. The `_recomputed` views are the same from the ledger
-- (`server rollups check|rebuild`).

CREATE TABLE location_cohorts (
    location_id INTEGER NOT NULL REFERENCES locations (id),
    cohort      TEXT    NOT NULL,
    members     INTEGER NOT NULL,
    PRIMARY KEY (location_id, cohort)
) WITHOUT ROWID;

CREATE VIEW location_cohorts_recomputed AS
SELECT b.location_id, c.cohort, count(*) AS members
FROM (SELECT DISTINCT location_id, member_id FROM purchases) b
JOIN member_cohorts c ON c.member_id = b.member_id
GROUP BY b.location_id, c.cohort;

-- Filled from the per-location roll-ups (checked against the ledger), not from every purchase.
INSERT INTO location_cohorts
SELECT l.location_id, c.cohort, count(*)
FROM member_locations l JOIN member_cohorts c ON c.member_id = l.member_id
GROUP BY l.location_id, c.cohort;

CREATE TABLE location_cohort_months (
    location_id INTEGER NOT NULL REFERENCES locations (id),
    cohort      TEXT    NOT NULL,
    month       TEXT    NOT NULL,
    members     INTEGER NOT NULL,
    PRIMARY KEY (location_id, cohort, month)
) WITHOUT ROWID;

CREATE VIEW location_cohort_months_recomputed AS
SELECT m.location_id, c.cohort, m.month, count(*) AS members
FROM member_location_months_recomputed m
JOIN member_cohorts c ON c.member_id = m.member_id
GROUP BY m.location_id, c.cohort, m.month;

INSERT INTO location_cohort_months
SELECT m.location_id, c.cohort, m.month, count(*)
FROM member_location_months m JOIN member_cohorts c ON c.member_id = m.member_id
GROUP BY m.location_id, c.cohort, m.month;

DROP TRIGGER purchases_location_months;

CREATE TRIGGER purchases_location_months AFTER INSERT ON purchases BEGIN
    -- The member's cohort at this location: counted on their first purchase here ever, and
    -- in a month on their first purchase here that month (both read before the member's
    -- month row below counts this purchase).
    INSERT INTO location_cohorts (location_id, cohort, members)
    SELECT NEW.location_id, c.cohort, 1
    FROM member_cohorts c
    WHERE c.member_id = NEW.member_id
      AND NOT EXISTS (SELECT 1 FROM member_location_months m
                      WHERE m.location_id = NEW.location_id AND m.member_id = NEW.member_id)
    ON CONFLICT (location_id, cohort) DO UPDATE SET members = members + 1;
    INSERT INTO location_cohort_months (location_id, cohort, month, members)
    SELECT NEW.location_id, c.cohort, d.month, 1
    FROM member_cohorts c,
         (SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month) d
    WHERE c.member_id = NEW.member_id
      AND NOT EXISTS (SELECT 1 FROM member_location_months m
                      WHERE m.location_id = NEW.location_id AND m.member_id = NEW.member_id
                        AND m.month = d.month)
    ON CONFLICT (location_id, cohort, month) DO UPDATE SET members = members + 1;
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
