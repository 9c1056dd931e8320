-- The console home's today and this week: per day in the shop's time, members who joined and
-- points issued and redeemed — a row a day, kept by triggers on users and point_movements in
-- the transaction of the sign-up or movement, recomputed by `day_totals_recomputed`
-- (`server rollups check|rebuild`). Purchases per day come from location_days.
CREATE TABLE day_totals (
    day      TEXT    PRIMARY KEY,
    joined   INTEGER NOT NULL,
    issued   INTEGER NOT NULL,
    redeemed INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIEW day_totals_recomputed AS
SELECT day, sum(joined) AS joined, sum(issued) AS issued, sum(redeemed) AS redeemed
FROM (SELECT date(u.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= u.created_at
                                 ORDER BY o.from_utc DESC LIMIT 1) || ' seconds') AS day,
             1 AS joined, 0 AS issued, 0 AS redeemed
      FROM users u WHERE u.role = 'member'
      UNION ALL
      SELECT date(m.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= m.created_at
                                 ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'),
             0, max(m.amount, 0), CASE WHEN m.kind = 'redeem' THEN -m.amount ELSE 0 END
      FROM point_movements m)
GROUP BY day;

INSERT INTO day_totals SELECT * FROM day_totals_recomputed;

CREATE TRIGGER users_join_day AFTER INSERT ON users WHEN NEW.role = 'member' BEGIN
    INSERT INTO day_totals (day, joined, issued, redeemed)
    SELECT date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                 ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'), 1, 0, 0
    WHERE true
    ON CONFLICT (day) DO UPDATE SET joined = joined + 1;
END;

CREATE TRIGGER point_movements_day AFTER INSERT ON point_movements BEGIN
    INSERT INTO day_totals (day, joined, issued, redeemed)
    SELECT date(NEW.created_at, (SELECT o.offset_s FROM shop_offsets o WHERE o.from_utc <= NEW.created_at
                                 ORDER BY o.from_utc DESC LIMIT 1) || ' seconds'),
           0, max(NEW.amount, 0), CASE WHEN NEW.kind = 'redeem' THEN -NEW.amount ELSE 0 END
    WHERE true
    ON CONFLICT (day) DO UPDATE SET
        issued = issued + excluded.issued, redeemed = redeemed + excluded.redeemed;
END;
