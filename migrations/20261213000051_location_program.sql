-- Program effect per location: `perk_returns` gains the location of the purchase (coming back
-- counts at any location, as on the service-quality page) and `coupon_months` the location of
-- the purchase that gave the next-visit discount. Each table, its view and the triggers that
-- keep it are made again with the location in the key; otherwise they do what migrations 31
-- and 34 made them do, and each table is filled from its view.

DROP TRIGGER purchases_perk_returns;
DROP TRIGGER purchases_perk_returns_held;
DROP VIEW perk_returns_recomputed;
DROP TABLE perk_returns;

CREATE TABLE perk_returns (
    day         TEXT    NOT NULL,
    location_id INTEGER NOT NULL,
    perks       INTEGER NOT NULL,
    visits      INTEGER NOT NULL,
    returned    INTEGER NOT NULL,
    PRIMARY KEY (day, location_id, perks)
) WITHOUT ROWID;

CREATE VIEW perk_returns_recomputed AS
SELECT date(p.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= p.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day,
       p.location_id, p.perks_held AS perks, count(*) AS visits,
       sum(EXISTS (SELECT 1 FROM purchases q
                   WHERE q.member_id = p.member_id AND q.created_at > p.created_at
                     AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', p.created_at, '+30 days'))) AS returned
FROM purchases p
GROUP BY 1, 2, 3;

INSERT INTO perk_returns SELECT * FROM perk_returns_recomputed;

CREATE TRIGGER purchases_perk_returns AFTER INSERT ON purchases BEGIN
    -- This purchase, returned already if an earlier-written later purchase follows it (imports).
    INSERT INTO perk_returns (day, location_id, perks, visits, returned)
    VALUES (date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                         ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'),
            NEW.location_id, NEW.perks_held, 1,
            EXISTS (SELECT 1 FROM purchases q
                    WHERE q.member_id = NEW.member_id AND q.created_at > NEW.created_at
                      AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '+30 days')))
    ON CONFLICT (day, location_id, perks) DO UPDATE SET
        visits = visits + 1, returned = returned + excluded.returned;
    -- The member's purchases just before it (the latest earlier time; several if they share
    -- it) are returns now if it is within their 30 days and nothing else followed them within
    -- 30 days. An earlier purchase than those had them follow it, so it returned already.
    INSERT INTO perk_returns (day, location_id, perks, visits, returned)
    SELECT date(p.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= p.created_at
                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'),
           p.location_id, p.perks_held, 0, 1
    FROM (SELECT b.at FROM (SELECT max(created_at) AS at FROM purchases
                            WHERE member_id = NEW.member_id AND created_at < NEW.created_at) b
          WHERE b.at >= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '-30 days')
            AND NOT EXISTS (SELECT 1 FROM purchases q
                            WHERE q.member_id = NEW.member_id AND q.id <> NEW.id AND q.created_at > b.at
                              AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', b.at, '+30 days'))) m
         CROSS JOIN purchases p
    WHERE p.member_id = NEW.member_id AND p.created_at = m.at
    ON CONFLICT (day, location_id, perks) DO UPDATE SET returned = returned + 1;
END;

-- What the member held, written after the purchase: the visit moves to its combination.
CREATE TRIGGER purchases_perk_returns_held AFTER UPDATE OF perks_held ON purchases
WHEN NEW.perks_held <> OLD.perks_held BEGIN
    INSERT INTO perk_returns (day, location_id, perks, visits, returned)
    SELECT m.day, NEW.location_id, r.perks, r.visits, r.visits * m.returned
    FROM (SELECT date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day,
                 EXISTS (SELECT 1 FROM purchases q
                         WHERE q.member_id = NEW.member_id AND q.created_at > NEW.created_at
                           AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '+30 days')) AS returned) m,
         (SELECT OLD.perks_held AS perks, -1 AS visits UNION ALL SELECT NEW.perks_held, 1) r
    WHERE true
    ON CONFLICT (day, location_id, perks) DO UPDATE SET visits = visits + excluded.visits,
                                                        returned = returned + excluded.returned;
    DELETE FROM perk_returns WHERE perks = OLD.perks_held AND visits = 0 AND location_id = NEW.location_id
      AND day = date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds');
END;

DROP TRIGGER coupons_months_insert;
DROP TRIGGER coupons_months_update;
DROP TRIGGER purchases_coupon_months_refund;
DROP VIEW coupon_months_recomputed;
DROP TABLE coupon_months;

CREATE TABLE coupon_months (
    month          TEXT    NOT NULL,
    location_id    INTEGER NOT NULL,
    issued         INTEGER NOT NULL,
    voided         INTEGER NOT NULL,
    used           INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    PRIMARY KEY (month, location_id)
) WITHOUT ROWID;

CREATE VIEW coupon_months_recomputed AS
SELECT substr(date(c.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       s.location_id,
       count(*) AS issued, count(c.voided_at) AS voided, count(c.used_purchase_id) AS used,
       coalesce(sum(p.amount_minor), 0) AS spend_minor,
       coalesce(sum(p.refunded_minor), 0) AS refunded_minor
FROM coupons c JOIN purchases s ON s.id = c.source_purchase_id
     LEFT JOIN purchases p ON p.id = c.used_purchase_id
GROUP BY 1, 2;

INSERT INTO coupon_months SELECT * FROM coupon_months_recomputed;

CREATE TRIGGER coupons_months_insert AFTER INSERT ON coupons BEGIN
    INSERT INTO coupon_months (month, location_id, issued, voided, used, spend_minor, refunded_minor)
    SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                        ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           (SELECT location_id FROM purchases WHERE id = NEW.source_purchase_id),
           1, NEW.voided_at IS NOT NULL, NEW.used_purchase_id IS NOT NULL,
           coalesce((SELECT amount_minor FROM purchases WHERE id = NEW.used_purchase_id), 0),
           coalesce((SELECT refunded_minor FROM purchases WHERE id = NEW.used_purchase_id), 0)
    WHERE true
    ON CONFLICT (month, location_id) DO UPDATE SET
        issued = issued + 1, voided = voided + excluded.voided, used = used + excluded.used,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
END;

-- A discount used, given back by a refund, or voided: what the old row counted goes, what the
-- new one counts comes.
CREATE TRIGGER coupons_months_update AFTER UPDATE OF used_purchase_id, voided_at ON coupons BEGIN
    UPDATE coupon_months SET
        voided = voided + (NEW.voided_at IS NOT NULL) - (OLD.voided_at IS NOT NULL),
        used = used + (NEW.used_purchase_id IS NOT NULL) - (OLD.used_purchase_id IS NOT NULL),
        spend_minor = spend_minor
            + coalesce((SELECT amount_minor FROM purchases WHERE id = NEW.used_purchase_id), 0)
            - coalesce((SELECT amount_minor FROM purchases WHERE id = OLD.used_purchase_id), 0),
        refunded_minor = refunded_minor
            + coalesce((SELECT refunded_minor FROM purchases WHERE id = NEW.used_purchase_id), 0)
            - coalesce((SELECT refunded_minor FROM purchases WHERE id = OLD.used_purchase_id), 0)
    WHERE month = substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7)
      AND location_id = (SELECT location_id FROM purchases WHERE id = NEW.source_purchase_id);
END;

CREATE TRIGGER purchases_coupon_months_refund AFTER UPDATE OF amount_minor, refunded_minor ON purchases
WHEN NEW.coupon_id IS NOT NULL BEGIN
    UPDATE coupon_months SET spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
                             refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE (month, location_id) = (
        SELECT substr(date(c.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.created_at
                                          ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
               s.location_id
        FROM coupons c JOIN purchases s ON s.id = c.source_purchase_id
        WHERE c.used_purchase_id = NEW.id);
END;

-- Members by tier at a location: of the members who have bought there, how many hold each
-- tier now (0: none). Kept by triggers on `member_locations` (a member's first purchase at a
-- location) and on `member_tiers` (a tier given, changed or taken: a move at each location
-- the member bought at, found by the key of `member_locations` per location: CROSS JOIN keeps
-- `locations` the outer loop, so each is one look-up of (location, member), not a scan of
-- every member's row).
CREATE TABLE location_tiers (
    location_id INTEGER NOT NULL,
    tier_id     INTEGER NOT NULL,
    members     INTEGER NOT NULL,
    PRIMARY KEY (location_id, tier_id)
) WITHOUT ROWID;

CREATE VIEW location_tiers_recomputed AS
SELECT l.location_id, coalesce(t.tier_id, 0) AS tier_id, count(*) AS members
FROM member_locations l LEFT JOIN member_tiers t ON t.member_id = l.member_id
GROUP BY 1, 2;

INSERT INTO location_tiers SELECT * FROM location_tiers_recomputed;

CREATE TRIGGER member_locations_tiers_insert AFTER INSERT ON member_locations BEGIN
    INSERT INTO location_tiers (location_id, tier_id, members)
    VALUES (NEW.location_id,
            coalesce((SELECT tier_id FROM member_tiers WHERE member_id = NEW.member_id), 0), 1)
    ON CONFLICT (location_id, tier_id) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER member_locations_tiers_delete AFTER DELETE ON member_locations BEGIN
    UPDATE location_tiers SET members = members - 1
    WHERE location_id = OLD.location_id
      AND tier_id = coalesce((SELECT tier_id FROM member_tiers WHERE member_id = OLD.member_id), 0);
    DELETE FROM location_tiers WHERE location_id = OLD.location_id AND members = 0;
END;

CREATE TRIGGER member_tiers_locations_insert AFTER INSERT ON member_tiers
WHEN NEW.tier_id IS NOT NULL BEGIN
    INSERT INTO location_tiers (location_id, tier_id, members)
    SELECT m.location_id, NEW.tier_id, 1
    FROM locations l CROSS JOIN member_locations m ON m.location_id = l.id AND m.member_id = NEW.member_id
    WHERE true
    ON CONFLICT (location_id, tier_id) DO UPDATE SET members = members + 1;
    UPDATE location_tiers SET members = members - 1
    WHERE tier_id = 0 AND location_id IN (
        SELECT m.location_id FROM locations l
        CROSS JOIN member_locations m ON m.location_id = l.id AND m.member_id = NEW.member_id);
    DELETE FROM location_tiers WHERE tier_id = 0 AND members = 0;
END;

CREATE TRIGGER member_tiers_locations_update AFTER UPDATE OF tier_id ON member_tiers
WHEN coalesce(OLD.tier_id, 0) <> coalesce(NEW.tier_id, 0) BEGIN
    INSERT INTO location_tiers (location_id, tier_id, members)
    SELECT m.location_id, coalesce(NEW.tier_id, 0), 1
    FROM locations l CROSS JOIN member_locations m ON m.location_id = l.id AND m.member_id = NEW.member_id
    WHERE true
    ON CONFLICT (location_id, tier_id) DO UPDATE SET members = members + 1;
    UPDATE location_tiers SET members = members - 1
    WHERE tier_id = coalesce(OLD.tier_id, 0) AND location_id IN (
        SELECT m.location_id FROM locations l
        CROSS JOIN member_locations m ON m.location_id = l.id AND m.member_id = NEW.member_id);
    DELETE FROM location_tiers WHERE tier_id = coalesce(OLD.tier_id, 0) AND members = 0;
END;

CREATE TRIGGER member_tiers_locations_delete AFTER DELETE ON member_tiers
WHEN OLD.tier_id IS NOT NULL BEGIN
    INSERT INTO location_tiers (location_id, tier_id, members)
    SELECT m.location_id, 0, 1
    FROM locations l CROSS JOIN member_locations m ON m.location_id = l.id AND m.member_id = OLD.member_id
    WHERE true
    ON CONFLICT (location_id, tier_id) DO UPDATE SET members = members + 1;
    UPDATE location_tiers SET members = members - 1
    WHERE tier_id = OLD.tier_id AND location_id IN (
        SELECT m.location_id FROM locations l
        CROSS JOIN member_locations m ON m.location_id = l.id AND m.member_id = OLD.member_id);
    DELETE FROM location_tiers WHERE tier_id = OLD.tier_id AND members = 0;
END;
