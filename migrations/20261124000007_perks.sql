-- Members-only offers, next-visit discounts (coupons), punch cards and referrals.

-- Offers: who sees them, what they give, and how often they can be used.
CREATE TABLE offers (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    starts_on        TEXT,
    ends_on          TEXT,
    -- 'all' members, members of the listed 'tiers', or members staff 'picked'.
    audience         TEXT    NOT NULL CHECK (audience IN ('all', 'tiers', 'picked')),
    -- 'percent' off (value 1–90), 'fixed' off (value in minor units), 'points' multiplier
    -- (value in percent, 200 = double points), or a free 'item' (value 0, named in the title).
    kind             TEXT    NOT NULL CHECK (kind IN ('percent', 'fixed', 'points', 'item')),
    value            INTEGER NOT NULL CHECK (value >= 0),
    per_member_limit INTEGER CHECK (per_member_limit IS NULL OR per_member_limit > 0),
    total_limit      INTEGER CHECK (total_limit IS NULL OR total_limit > 0),
    -- Counted in the same statement that checks the total limit.
    uses             INTEGER NOT NULL DEFAULT 0 CHECK (total_limit IS NULL OR uses <= total_limit),
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL
);
CREATE TABLE offer_tiers (
    offer_id INTEGER NOT NULL REFERENCES offers (id),
    tier_id  INTEGER NOT NULL REFERENCES tiers (id),
    PRIMARY KEY (offer_id, tier_id)
) WITHOUT ROWID;
CREATE TABLE offer_members (
    offer_id  INTEGER NOT NULL REFERENCES offers (id),
    member_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (offer_id, member_id)
) WITHOUT ROWID;

-- Next-visit discounts a qualifying purchase gives the member.
CREATE TABLE coupons (
    id                 INTEGER PRIMARY KEY,
    member_id          INTEGER NOT NULL REFERENCES users (id),
    percent            INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 90),
    -- Shop-calendar dates, both inclusive.
    valid_from         TEXT    NOT NULL,
    valid_until        TEXT    NOT NULL,
    -- Least amount of the return visit's purchase, minor units.
    min_purchase       INTEGER NOT NULL DEFAULT 0,
    source_purchase_id INTEGER NOT NULL UNIQUE REFERENCES purchases (id),
    used_purchase_id   INTEGER UNIQUE REFERENCES purchases (id),
    used_at            TEXT,
    created_at         TEXT    NOT NULL
);
CREATE INDEX coupons_member ON coupons (member_id, valid_until);

-- One row: the next-visit discount rule and the referral bonus.
CREATE TABLE perk_settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    -- NULL: no next-visit discount.
    return_percent        INTEGER CHECK (return_percent IS NULL OR return_percent BETWEEN 1 AND 90),
    return_min_purchase   INTEGER NOT NULL DEFAULT 0,
    return_days           INTEGER NOT NULL DEFAULT 14 CHECK (return_days BETWEEN 1 AND 365),
    return_min_next       INTEGER NOT NULL DEFAULT 0,
    -- 0: no referral bonus.
    referral_points       INTEGER NOT NULL DEFAULT 0 CHECK (referral_points >= 0),
    referral_min_purchase INTEGER NOT NULL DEFAULT 0,
    updated_at            TEXT    NOT NULL
);
INSERT INTO perk_settings (id, updated_at) VALUES (1, '2026-11-24T00:00:00Z');

-- Punch cards: a stamp per qualifying purchase, or per item; a full card issues a reward code.
CREATE TABLE punch_cards (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    stamps_needed INTEGER NOT NULL CHECK (stamps_needed BETWEEN 2 AND 50),
    reward_id     INTEGER NOT NULL REFERENCES rewards (id),
    per_item      INTEGER NOT NULL DEFAULT 0,
    min_amount    INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL
);
CREATE TABLE punch_progress (
    card_id   INTEGER NOT NULL REFERENCES punch_cards (id),
    member_id INTEGER NOT NULL REFERENCES users (id),
    stamps    INTEGER NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (card_id, member_id)
) WITHOUT ROWID;

-- What a purchase used: an offer or a coupon, and the discount it gave (amount_minor is what
-- the member paid, after it).
ALTER TABLE purchases ADD COLUMN offer_id INTEGER REFERENCES offers (id);
ALTER TABLE purchases ADD COLUMN coupon_id INTEGER REFERENCES coupons (id);
ALTER TABLE purchases ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX purchases_offer ON purchases (offer_id, member_id) WHERE offer_id IS NOT NULL;

-- Referrals: each member's code (ten hex digits, made when the account is), who referred
-- them, and when the bonus for their first qualifying purchase was paid (once).
ALTER TABLE users ADD COLUMN referral_code TEXT;
ALTER TABLE users ADD COLUMN referred_by INTEGER REFERENCES users (id);
ALTER TABLE users ADD COLUMN referral_paid_at TEXT;
CREATE UNIQUE INDEX users_referral_code ON users (referral_code) WHERE referral_code IS NOT NULL;
CREATE INDEX users_referred_by ON users (referred_by) WHERE referred_by IS NOT NULL;
UPDATE users SET referral_code = upper(hex(randomblob(5)));
CREATE TRIGGER users_referral_code AFTER INSERT ON users WHEN NEW.referral_code IS NULL
BEGIN
    UPDATE users SET referral_code = upper(hex(randomblob(5))) WHERE id = NEW.id;
END;
