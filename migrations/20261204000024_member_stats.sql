-- A roll-up of the purchase ledger per member, for segments and retention analytics at a
-- million members: how many purchases, what they came to (gross and refunded), the first and
-- the last, and the five latest (time, id, amount net of refunds), newest first. "At least 3
-- purchases in the last 90 days" is then `r3_at >= since`, a column, and "spent at least X in
-- the last 30 days" is the sum of the latest ones inside the window whenever the fifth latest is
-- outside it (else the ledger is read, for that member only). Kept by triggers, so in the
-- transaction of every purchase and refund whatever writes it, without reading the ledger
-- (≈ 3 µs per purchase); `member_stats_recomputed` is the same roll-up computed from the
-- ledger, which `server rollups check` compares it with.

CREATE TABLE member_stats (
    member_id         INTEGER PRIMARY KEY REFERENCES users (id),
    purchases         INTEGER NOT NULL,
    spend_minor       INTEGER NOT NULL,
    refunded_minor    INTEGER NOT NULL,
    first_purchase_at TEXT    NOT NULL,
    last_purchase_at  TEXT    NOT NULL,
    r1_id INTEGER, r1_at TEXT, r1_net INTEGER,
    r2_id INTEGER, r2_at TEXT, r2_net INTEGER,
    r3_id INTEGER, r3_at TEXT, r3_net INTEGER,
    r4_id INTEGER, r4_at TEXT, r4_net INTEGER,
    r5_id INTEGER, r5_at TEXT, r5_net INTEGER
);

CREATE VIEW member_stats_recomputed AS
SELECT member_id, count(*) AS purchases, sum(amount_minor) AS spend_minor,
       sum(refunded_minor) AS refunded_minor, min(created_at) AS first_purchase_at,
       max(created_at) AS last_purchase_at,
       max(CASE n WHEN 1 THEN id END) AS r1_id, max(CASE n WHEN 1 THEN created_at END) AS r1_at, max(CASE n WHEN 1 THEN net END) AS r1_net,
       max(CASE n WHEN 2 THEN id END) AS r2_id, max(CASE n WHEN 2 THEN created_at END) AS r2_at, max(CASE n WHEN 2 THEN net END) AS r2_net,
       max(CASE n WHEN 3 THEN id END) AS r3_id, max(CASE n WHEN 3 THEN created_at END) AS r3_at, max(CASE n WHEN 3 THEN net END) AS r3_net,
       max(CASE n WHEN 4 THEN id END) AS r4_id, max(CASE n WHEN 4 THEN created_at END) AS r4_at, max(CASE n WHEN 4 THEN net END) AS r4_net,
       max(CASE n WHEN 5 THEN id END) AS r5_id, max(CASE n WHEN 5 THEN created_at END) AS r5_at, max(CASE n WHEN 5 THEN net END) AS r5_net
FROM (SELECT member_id, id, created_at, amount_minor, refunded_minor,
             amount_minor - refunded_minor AS net,
             row_number() OVER (PARTITION BY member_id ORDER BY created_at DESC, id DESC) AS n
      FROM purchases)
GROUP BY member_id;

INSERT INTO member_stats SELECT * FROM member_stats_recomputed;

-- The new purchase has the highest id, so among purchases at the same time it is the latest:
-- it goes before every one of the five that is not later than it, and the rest move down one
-- (a NULL slot is later than nothing). No read of the ledger.
CREATE TRIGGER purchases_member_stats AFTER INSERT ON purchases BEGIN
    INSERT INTO member_stats (member_id, purchases, spend_minor, refunded_minor,
                              first_purchase_at, last_purchase_at, r1_id, r1_at, r1_net)
    VALUES (NEW.member_id, 1, NEW.amount_minor, NEW.refunded_minor, NEW.created_at,
            NEW.created_at, NEW.id, NEW.created_at, NEW.amount_minor - NEW.refunded_minor)
    ON CONFLICT (member_id) DO UPDATE SET
        purchases = purchases + 1,
        spend_minor = spend_minor + excluded.spend_minor,
        refunded_minor = refunded_minor + excluded.refunded_minor,
        first_purchase_at = min(first_purchase_at, excluded.first_purchase_at),
        last_purchase_at = max(last_purchase_at, excluded.last_purchase_at),
        r1_id = CASE WHEN r1_at > NEW.created_at THEN r1_id ELSE NEW.id END,
        r1_at = CASE WHEN r1_at > NEW.created_at THEN r1_at ELSE NEW.created_at END,
        r1_net = CASE WHEN r1_at > NEW.created_at THEN r1_net ELSE NEW.amount_minor - NEW.refunded_minor END,
        r2_id = CASE WHEN r2_at > NEW.created_at THEN r2_id WHEN r1_at > NEW.created_at THEN NEW.id ELSE r1_id END,
        r2_at = CASE WHEN r2_at > NEW.created_at THEN r2_at WHEN r1_at > NEW.created_at THEN NEW.created_at ELSE r1_at END,
        r2_net = CASE WHEN r2_at > NEW.created_at THEN r2_net WHEN r1_at > NEW.created_at THEN NEW.amount_minor - NEW.refunded_minor ELSE r1_net END,
        r3_id = CASE WHEN r3_at > NEW.created_at THEN r3_id WHEN r2_at > NEW.created_at THEN NEW.id ELSE r2_id END,
        r3_at = CASE WHEN r3_at > NEW.created_at THEN r3_at WHEN r2_at > NEW.created_at THEN NEW.created_at ELSE r2_at END,
        r3_net = CASE WHEN r3_at > NEW.created_at THEN r3_net WHEN r2_at > NEW.created_at THEN NEW.amount_minor - NEW.refunded_minor ELSE r2_net END,
        r4_id = CASE WHEN r4_at > NEW.created_at THEN r4_id WHEN r3_at > NEW.created_at THEN NEW.id ELSE r3_id END,
        r4_at = CASE WHEN r4_at > NEW.created_at THEN r4_at WHEN r3_at > NEW.created_at THEN NEW.created_at ELSE r3_at END,
        r4_net = CASE WHEN r4_at > NEW.created_at THEN r4_net WHEN r3_at > NEW.created_at THEN NEW.amount_minor - NEW.refunded_minor ELSE r3_net END,
        r5_id = CASE WHEN r5_at > NEW.created_at THEN r5_id WHEN r4_at > NEW.created_at THEN NEW.id ELSE r4_id END,
        r5_at = CASE WHEN r5_at > NEW.created_at THEN r5_at WHEN r4_at > NEW.created_at THEN NEW.created_at ELSE r4_at END,
        r5_net = CASE WHEN r5_at > NEW.created_at THEN r5_net WHEN r4_at > NEW.created_at THEN NEW.amount_minor - NEW.refunded_minor ELSE r4_net END;
END;

CREATE TRIGGER purchases_member_stats_refund AFTER UPDATE OF amount_minor, refunded_minor ON purchases
WHEN NEW.refunded_minor IS NOT OLD.refunded_minor OR NEW.amount_minor IS NOT OLD.amount_minor BEGIN
    UPDATE member_stats SET
        spend_minor = spend_minor + NEW.amount_minor - OLD.amount_minor,
        refunded_minor = refunded_minor + NEW.refunded_minor - OLD.refunded_minor,
        r1_net = CASE WHEN r1_id = NEW.id THEN NEW.amount_minor - NEW.refunded_minor ELSE r1_net END,
        r2_net = CASE WHEN r2_id = NEW.id THEN NEW.amount_minor - NEW.refunded_minor ELSE r2_net END,
        r3_net = CASE WHEN r3_id = NEW.id THEN NEW.amount_minor - NEW.refunded_minor ELSE r3_net END,
        r4_net = CASE WHEN r4_id = NEW.id THEN NEW.amount_minor - NEW.refunded_minor ELSE r4_net END,
        r5_net = CASE WHEN r5_id = NEW.id THEN NEW.amount_minor - NEW.refunded_minor ELSE r5_net END
    WHERE member_id = NEW.member_id;
END;
