-- A note a message carries to its composer: `phone_not_saved` on a confirmation means the
-- number given at sign-up belongs to another account and was left out (the sign-up form does
-- not say so, to keep whose number it is private; the address's owner reads it here).
ALTER TABLE outbox ADD COLUMN note TEXT CHECK (note IS NULL OR note IN ('phone_not_saved'));
