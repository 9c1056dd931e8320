-- The points economy at one location, from two roll-ups kept by triggers in the transaction
-- of the rows they sum (and recomputed by their views for `server rollups check|rebuild`):
-- - point_location_months: per location, month (the shop's time) and kind, the points of
--   movements made at the location: those a purchase there earned and those its refunds took
--   back. Points are held and spent across the shop, so nothing else has a location.
-- - reward_location_months: per location where reward codes were used, month of use (the
--   shop's time) and reward, the codes used there and their points: what the location handed
--   out for points.

CREATE TABLE point_location_months (
    location_id INTEGER NOT NULL,
    month       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    credit      INTEGER NOT NULL,
    debit       INTEGER NOT NULL,
    PRIMARY KEY (location_id, month, kind)
) WITHOUT ROWID;

CREATE VIEW point_location_months_recomputed AS
SELECT m.location_id,
       substr(date(m.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= m.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       m.kind, sum(max(m.amount, 0)) AS credit, sum(max(-m.amount, 0)) AS debit
FROM point_movements m
WHERE m.location_id IS NOT NULL
GROUP BY 1, 2, 3;

INSERT INTO point_location_months SELECT * FROM point_location_months_recomputed;

CREATE TRIGGER point_movements_location_months AFTER INSERT ON point_movements
WHEN NEW.location_id IS NOT NULL BEGIN
    INSERT INTO point_location_months (location_id, month, kind, credit, debit)
    SELECT NEW.location_id,
           substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                        ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           NEW.kind, max(NEW.amount, 0), max(-NEW.amount, 0)
    WHERE true
    ON CONFLICT (location_id, month, kind) DO UPDATE SET
        credit = credit + excluded.credit, debit = debit + excluded.debit;
END;

CREATE TABLE reward_location_months (
    location_id INTEGER NOT NULL,
    month       TEXT    NOT NULL,
    reward_id   INTEGER NOT NULL,
    used        INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    PRIMARY KEY (location_id, month, reward_id)
) WITHOUT ROWID;

CREATE VIEW reward_location_months_recomputed AS
SELECT c.used_location_id AS location_id,
       substr(date(c.used_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.used_at
                               ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       c.reward_id, count(*) AS used, sum(c.points) AS points
FROM reward_codes c
WHERE c.used_at IS NOT NULL AND c.used_location_id IS NOT NULL
GROUP BY 1, 2, 3;

INSERT INTO reward_location_months SELECT * FROM reward_location_months_recomputed;

-- A code is used once and never given back; the benchmark's generator inserts used codes.
CREATE TRIGGER reward_codes_location_used AFTER UPDATE OF used_at ON reward_codes
WHEN OLD.used_at IS NULL AND NEW.used_at IS NOT NULL AND NEW.used_location_id IS NOT NULL BEGIN
    INSERT INTO reward_location_months (location_id, month, reward_id, used, points)
    SELECT NEW.used_location_id,
           substr(date(NEW.used_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.used_at
                                     ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           NEW.reward_id, 1, NEW.points
    WHERE true
    ON CONFLICT (location_id, month, reward_id) DO UPDATE SET
        used = used + 1, points = points + excluded.points;
END;

CREATE TRIGGER reward_codes_location_inserted AFTER INSERT ON reward_codes
WHEN NEW.used_at IS NOT NULL AND NEW.used_location_id IS NOT NULL BEGIN
    INSERT INTO reward_location_months (location_id, month, reward_id, used, points)
    SELECT NEW.used_location_id,
           substr(date(NEW.used_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.used_at
                                     ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           NEW.reward_id, 1, NEW.points
    WHERE true
    ON CONFLICT (location_id, month, reward_id) DO UPDATE SET
        used = used + 1, points = points + excluded.points;
END;
