-- The points economy from roll-ups, each kept by triggers in the transaction of the rows it
-- sums and recomputed from them by a view (`server rollups check|rebuild`):
-- - point_months: per month (the shop's time) and kind of movement, the points credited and
--   debited: issued, redeemed and expired per month; all of it summed is what members hold.
-- - lot_expiry_days: per day (UTC) the open points that expire on it: "expires in the next 30
--   days" is a few dozen rows, not a walk over millions of lots.
-- - reward_months: per month a code was issued (the shop's time) and reward, codes issued,
--   their points and how many were used: rewards by popularity.

CREATE TABLE point_months (
    month  TEXT    NOT NULL,
    kind   TEXT    NOT NULL,
    credit INTEGER NOT NULL,
    debit  INTEGER NOT NULL,
    PRIMARY KEY (month, kind)
) WITHOUT ROWID;

CREATE VIEW point_months_recomputed AS
SELECT substr(date(m.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= m.created_at
                                  ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       m.kind, sum(max(m.amount, 0)) AS credit, sum(max(-m.amount, 0)) AS debit
FROM point_movements m
GROUP BY 1, 2;

INSERT INTO point_months SELECT * FROM point_months_recomputed;

CREATE TRIGGER point_movements_months AFTER INSERT ON point_movements BEGIN
    INSERT INTO point_months (month, kind, credit, debit)
    SELECT substr(date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                        ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           NEW.kind, max(NEW.amount, 0), max(-NEW.amount, 0)
    WHERE true
    ON CONFLICT (month, kind) DO UPDATE SET
        credit = credit + excluded.credit, debit = debit + excluded.debit;
END;

CREATE TABLE lot_expiry_days (
    day    TEXT    PRIMARY KEY,
    points INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIEW lot_expiry_days_recomputed AS
SELECT substr(expires_at, 1, 10) AS day, sum(remaining) AS points
FROM point_lots WHERE remaining > 0 AND expires_at IS NOT NULL
GROUP BY 1;

INSERT INTO lot_expiry_days SELECT * FROM lot_expiry_days_recomputed;

CREATE TRIGGER point_lots_expiry_insert AFTER INSERT ON point_lots
WHEN NEW.remaining > 0 AND NEW.expires_at IS NOT NULL BEGIN
    INSERT INTO lot_expiry_days (day, points) VALUES (substr(NEW.expires_at, 1, 10), NEW.remaining)
    ON CONFLICT (day) DO UPDATE SET points = points + excluded.points;
END;

CREATE TRIGGER point_lots_expiry_update AFTER UPDATE OF remaining, expires_at ON point_lots BEGIN
    UPDATE lot_expiry_days SET points = points - OLD.remaining
    WHERE day = substr(OLD.expires_at, 1, 10) AND OLD.remaining > 0;
    DELETE FROM lot_expiry_days WHERE day = substr(OLD.expires_at, 1, 10) AND points = 0;
    INSERT INTO lot_expiry_days (day, points)
    SELECT substr(NEW.expires_at, 1, 10), NEW.remaining
    WHERE NEW.remaining > 0 AND NEW.expires_at IS NOT NULL
    ON CONFLICT (day) DO UPDATE SET points = points + excluded.points;
END;

CREATE TRIGGER point_lots_expiry_delete AFTER DELETE ON point_lots BEGIN
    UPDATE lot_expiry_days SET points = points - OLD.remaining
    WHERE day = substr(OLD.expires_at, 1, 10) AND OLD.remaining > 0;
    DELETE FROM lot_expiry_days WHERE day = substr(OLD.expires_at, 1, 10) AND points = 0;
END;

CREATE TABLE reward_months (
    month     TEXT    NOT NULL,
    reward_id INTEGER NOT NULL REFERENCES rewards (id),
    codes     INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    used      INTEGER NOT NULL,
    PRIMARY KEY (month, reward_id)
) WITHOUT ROWID;

CREATE VIEW reward_months_recomputed AS
SELECT substr(date(c.issued_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= c.issued_at
                                 ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7) AS month,
       c.reward_id, count(*) AS codes, sum(c.points) AS points, sum(c.used_at IS NOT NULL) AS used
FROM reward_codes c
GROUP BY 1, 2;

INSERT INTO reward_months SELECT * FROM reward_months_recomputed;

CREATE TRIGGER reward_codes_months AFTER INSERT ON reward_codes BEGIN
    INSERT INTO reward_months (month, reward_id, codes, points, used)
    SELECT substr(date(NEW.issued_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.issued_at
                                       ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7),
           NEW.reward_id, 1, NEW.points, NEW.used_at IS NOT NULL
    WHERE true
    ON CONFLICT (month, reward_id) DO UPDATE SET
        codes = codes + 1, points = points + excluded.points, used = used + excluded.used;
END;

CREATE TRIGGER reward_codes_months_used AFTER UPDATE OF used_at ON reward_codes
WHEN (OLD.used_at IS NULL) <> (NEW.used_at IS NULL) BEGIN
    UPDATE reward_months SET used = used + (NEW.used_at IS NOT NULL) - (OLD.used_at IS NOT NULL)
    WHERE month = substr(date(NEW.issued_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.issued_at
                                              ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 7)
      AND reward_id = NEW.reward_id;
END;
