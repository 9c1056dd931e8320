-- Program effect and the service-quality link, from roll-ups kept by triggers in the
-- transaction of the rows they sum and recomputed by a view (`server rollups check|rebuild`):
-- - tier_months: per month (the shop's time) and move (from tier, to tier; 0 is no tier), how
--   many members moved: movement between tiers.
-- - coupon_months: per month a next-visit discount was issued (the shop's time), how many were
--   issued, voided (their purchase refunded), used, and what the visits that used them paid
--   and had refunded: the discounts' use rate and the revenue of those visits.
-- - feedback_returns: per answer given by a member, their first purchase in the 30 days after
--   it (no row: they did not come back in 30 days): return rates by NPS group and by whether
--   the answer's case was resolved.
-- Tiers now are counted from member_tiers by an index on the tier.

CREATE INDEX member_tiers_tier ON member_tiers (tier_id);

CREATE TABLE tier_months (
    month     TEXT    NOT NULL,
    from_tier INTEGER NOT NULL,
    to_tier   INTEGER NOT NULL,
    members   INTEGER NOT NULL,
    PRIMARY KEY (month, from_tier, to_tier)
) WITHOUT ROWID;

CREATE VIEW tier_months_recomputed AS
SELECT substr(date(c.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       coalesce(c.from_tier_id, 0) AS from_tier, coalesce(c.to_tier_id, 0) AS to_tier,
       count(*) AS members
FROM tier_changes c
GROUP BY 1, 2, 3;

INSERT INTO tier_months SELECT * FROM tier_months_recomputed;

CREATE TRIGGER tier_changes_months AFTER INSERT ON tier_changes BEGIN
    INSERT INTO tier_months (month, from_tier, to_tier, members)
    SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                        ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           coalesce(NEW.from_tier_id, 0), coalesce(NEW.to_tier_id, 0), 1
    WHERE true
    ON CONFLICT (month, from_tier, to_tier) DO UPDATE SET members = members + 1;
END;

CREATE TABLE coupon_months (
    month          TEXT    PRIMARY KEY,
    issued         INTEGER NOT NULL,
    voided         INTEGER NOT NULL,
    used           INTEGER NOT NULL,
    spend_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIEW coupon_months_recomputed AS
SELECT substr(date(c.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       count(*) AS issued, count(c.voided_at) AS voided, count(c.used_purchase_id) AS used,
       coalesce(sum(p.amount_minor), 0) AS spend_minor,
       coalesce(sum(p.refunded_minor), 0) AS refunded_minor
FROM coupons c LEFT JOIN purchases p ON p.id = c.used_purchase_id
GROUP BY 1;

INSERT INTO coupon_months SELECT * FROM coupon_months_recomputed;

CREATE TRIGGER coupons_months_insert AFTER INSERT ON coupons BEGIN
    INSERT INTO coupon_months (month, issued, voided, used, spend_minor, refunded_minor)
    SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                        ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           1, NEW.voided_at IS NOT NULL, NEW.used_purchase_id IS NOT NULL,
           coalesce((SELECT amount_minor FROM purchases WHERE id = NEW.used_purchase_id), 0),
           coalesce((SELECT refunded_minor FROM purchases WHERE id = NEW.used_purchase_id), 0)
    WHERE true
    ON CONFLICT (month) DO UPDATE SET
        issued = issued + 1, voided = voided + excluded.voided, used = used + excluded.used,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor;
END;

-- A discount used, given back by a refund, or voided: what the old row counted goes, what the
-- new one counts comes (a visit's refunds are read as they are now, as the refund trigger
-- keeps them, so the order of a refund's updates does not matter).
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
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7);
END;

CREATE TRIGGER purchases_coupon_months_refund AFTER UPDATE OF amount_minor, refunded_minor ON purchases
WHEN NEW.coupon_id IS NOT NULL BEGIN
    UPDATE coupon_months SET spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
                             refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor
    WHERE month = (SELECT substr(date(c.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.created_at
                                                     ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7)
                   FROM coupons c WHERE c.used_purchase_id = NEW.id);
END;

CREATE TABLE feedback_returns (
    feedback_id INTEGER PRIMARY KEY REFERENCES feedback (id),
    returned_at TEXT    NOT NULL
);

CREATE VIEW feedback_returns_recomputed AS
SELECT f.id AS feedback_id, min(p.created_at) AS returned_at
FROM feedback f JOIN purchases p ON p.member_id = f.member_id AND p.created_at > f.created_at
     AND p.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', f.created_at, '+30 days')
GROUP BY f.id;

INSERT INTO feedback_returns SELECT * FROM feedback_returns_recomputed;

CREATE TRIGGER purchases_feedback_return AFTER INSERT ON purchases BEGIN
    INSERT INTO feedback_returns (feedback_id, returned_at)
    SELECT f.id, NEW.created_at FROM feedback f
    WHERE f.member_id = NEW.member_id AND f.created_at < NEW.created_at
      AND f.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '-30 days')
    ON CONFLICT (feedback_id) DO UPDATE SET returned_at = min(returned_at, excluded.returned_at);
END;

-- Answers written after the purchases they are about (imports, the seed) find them here.
CREATE TRIGGER feedback_return_insert AFTER INSERT ON feedback WHEN NEW.member_id IS NOT NULL BEGIN
    INSERT INTO feedback_returns (feedback_id, returned_at)
    SELECT NEW.id, min(p.created_at) FROM purchases p
    WHERE p.member_id = NEW.member_id AND p.created_at > NEW.created_at
      AND p.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '+30 days')
    HAVING min(p.created_at) IS NOT NULL;
END;
