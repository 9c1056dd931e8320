-- Every member has a balance row from sign-up, so moving points is one conditional update
-- (no read-then-insert on a member's first movement), and the referral code is made by the
-- application when the account is, not by a trigger.
INSERT INTO member_balances (member_id, balance, updated_at)
SELECT u.id, 0, u.created_at FROM users u
WHERE u.role = 'member' AND NOT EXISTS (SELECT 1 FROM member_balances b WHERE b.member_id = u.id);

DROP TRIGGER users_referral_code;
