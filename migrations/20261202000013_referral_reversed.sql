-- When a refund took a member's referral bonus back: they (and their referrer) no longer count
-- as rewarded, and the bonus is still never paid again.
ALTER TABLE users ADD COLUMN referral_reversed_at TEXT;
