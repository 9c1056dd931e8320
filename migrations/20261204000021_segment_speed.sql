-- Segment counts at a million members: the last purchase per member kept on the member row
-- (a roll-up: "bought in / not in the last N days" becomes a column instead of a probe of the
-- purchase ledger per member), and a covering index over the member columns typed rules read,
-- so a count scans it instead of every user row.

ALTER TABLE users ADD COLUMN last_purchase_at TEXT;

UPDATE users SET last_purchase_at = (
    SELECT max(p.created_at) FROM purchases p WHERE p.member_id = users.id
);

-- Kept in the transaction of every purchase, whatever writes it (a purchase dated before the
-- member's last leaves it as it is).
CREATE TRIGGER purchases_last_purchase AFTER INSERT ON purchases BEGIN
    UPDATE users
    SET last_purchase_at = max(coalesce(last_purchase_at, ''), NEW.created_at)
    WHERE id = NEW.member_id;
END;

CREATE INDEX users_segment ON users (
    role, language, email_marketing, sms_marketing, birthday, created_at, last_purchase_at,
    email_confirmed_at, closed_at, disabled_at, email
);

-- "Balance at least / below": the members a range of balances names.
CREATE INDEX member_balances_balance ON member_balances (balance);
