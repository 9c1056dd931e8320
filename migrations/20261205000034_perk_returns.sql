-- Program effect: do members who hold a perk come back more often than those who do not?
-- A purchase records what its member held as they left it (`perks_held`, written by the
-- counter once the purchase's own perks are applied): 1 a next-visit discount neither used nor
-- past, 2 stamps on an active punch card that is not full, 4 a member-only offer they can use.
-- `perk_returns` counts, per day of the purchase (the shop's time) and combination of those
-- bits, the purchases and how many of them the same member followed with another purchase
-- within 30 days. Kept by triggers in the purchase's transaction; `perk_returns_recomputed`
-- is the same from the ledger (`server rollups check|rebuild`).

ALTER TABLE purchases ADD COLUMN perks_held INTEGER NOT NULL DEFAULT 0;

-- Purchases recorded before this migration: the next-visit discounts are history (issued,
-- used, voided and valid days are kept), punch cards and offers are not, so only the first
-- bit can be known for them.
UPDATE purchases SET perks_held = 1
WHERE EXISTS (
    SELECT 1 FROM coupons c
    WHERE c.member_id = purchases.member_id AND c.created_at <= purchases.created_at
      AND c.valid_until >= date(purchases.created_at,
              (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= purchases.created_at
               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds')
      AND (c.used_at IS NULL OR c.used_at > purchases.created_at)
      AND (c.voided_at IS NULL OR c.voided_at > purchases.created_at));

CREATE TABLE perk_returns (
    day      TEXT    NOT NULL,
    perks    INTEGER NOT NULL,
    visits   INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    PRIMARY KEY (day, perks)
) WITHOUT ROWID;

CREATE VIEW perk_returns_recomputed AS
SELECT date(p.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= p.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day,
       p.perks_held AS perks, count(*) AS visits,
       sum(EXISTS (SELECT 1 FROM purchases q
                   WHERE q.member_id = p.member_id AND q.created_at > p.created_at
                     AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', p.created_at, '+30 days'))) AS returned
FROM purchases p
GROUP BY 1, 2;

INSERT INTO perk_returns SELECT * FROM perk_returns_recomputed;

CREATE TRIGGER purchases_perk_returns AFTER INSERT ON purchases BEGIN
    -- This purchase, returned already if an earlier-written later purchase follows it (imports).
    INSERT INTO perk_returns (day, perks, visits, returned)
    VALUES (date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                         ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'),
            NEW.perks_held, 1,
            EXISTS (SELECT 1 FROM purchases q
                    WHERE q.member_id = NEW.member_id AND q.created_at > NEW.created_at
                      AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '+30 days')))
    ON CONFLICT (day, perks) DO UPDATE SET visits = visits + 1, returned = returned + excluded.returned;
    -- The member's purchases just before it (the latest earlier time; several if they share
    -- it) are returns now if it is within their 30 days and nothing else followed them within
    -- 30 days. An earlier purchase than those had them follow it, so it returned already. The
    -- check reads the index once for the time, not once per purchase sharing it.
    INSERT INTO perk_returns (day, perks, visits, returned)
    SELECT date(p.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= p.created_at
                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'),
           p.perks_held, 0, 1
    FROM (SELECT b.at FROM (SELECT max(created_at) AS at FROM purchases
                            WHERE member_id = NEW.member_id AND created_at < NEW.created_at) b
          WHERE b.at >= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '-30 days')
            AND NOT EXISTS (SELECT 1 FROM purchases q
                            WHERE q.member_id = NEW.member_id AND q.id <> NEW.id AND q.created_at > b.at
                              AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', b.at, '+30 days'))) m
         CROSS JOIN purchases p
    WHERE p.member_id = NEW.member_id AND p.created_at = m.at
    ON CONFLICT (day, perks) DO UPDATE SET returned = returned + 1;
END;

-- What the member held, written after the purchase: the visit moves to its combination.
CREATE TRIGGER purchases_perk_returns_held AFTER UPDATE OF perks_held ON purchases
WHEN NEW.perks_held <> OLD.perks_held BEGIN
    INSERT INTO perk_returns (day, perks, visits, returned)
    SELECT m.day, r.perks, r.visits, r.visits * m.returned
    FROM (SELECT date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day,
                 EXISTS (SELECT 1 FROM purchases q
                         WHERE q.member_id = NEW.member_id AND q.created_at > NEW.created_at
                           AND q.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', NEW.created_at, '+30 days')) AS returned) m,
         (SELECT OLD.perks_held AS perks, -1 AS visits UNION ALL SELECT NEW.perks_held, 1) r
    WHERE true
    ON CONFLICT (day, perks) DO UPDATE SET visits = visits + excluded.visits,
                                             returned = returned + excluded.returned;
    DELETE FROM perk_returns WHERE perks = OLD.perks_held AND visits = 0
      AND day = date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds');
END;
