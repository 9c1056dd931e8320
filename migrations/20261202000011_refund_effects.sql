-- What a refund undoes besides the purchase's own points: the referral bonus it paid, the
-- stamps it added (and the codes a card it filled issued), the next-visit discount it gave,
-- and, on a full refund, the offer use and next-visit discount it used.

-- One row per thing a refund undid. `due` is what was owed back (points, stamps, or 1 for a
-- code, a discount or a use), `done` what could be taken back; the difference is the shortfall
-- (points or stamps already spent, a code or discount already used).
CREATE TABLE refund_effects (
    id        INTEGER PRIMARY KEY,
    refund_id INTEGER NOT NULL REFERENCES refunds (id),
    member_id INTEGER NOT NULL REFERENCES users (id),
    what      TEXT    NOT NULL CHECK (what IN ('referral', 'stamps', 'code', 'coupon', 'offer_back', 'coupon_back')),
    ref_id    INTEGER,
    due       INTEGER NOT NULL CHECK (due >= 0),
    done      INTEGER NOT NULL CHECK (done BETWEEN 0 AND due)
);
CREATE INDEX refund_effects_refund ON refund_effects (refund_id);

-- Stamps a purchase added to each card (net of what a held-full card could not count).
CREATE TABLE purchase_stamps (
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    card_id     INTEGER NOT NULL REFERENCES punch_cards (id),
    stamps      INTEGER NOT NULL CHECK (stamps > 0),
    PRIMARY KEY (purchase_id, card_id)
) WITHOUT ROWID;

-- A code a full card issued names the purchase and card; a voided code is also expired, so
-- nothing can use it and the sweeper leaves it alone.
ALTER TABLE reward_codes ADD COLUMN source_purchase_id INTEGER REFERENCES purchases (id);
ALTER TABLE reward_codes ADD COLUMN source_card_id INTEGER REFERENCES punch_cards (id);
ALTER TABLE reward_codes ADD COLUMN voided_at TEXT;
CREATE INDEX reward_codes_source ON reward_codes (source_purchase_id) WHERE source_purchase_id IS NOT NULL;
-- A voided next-visit discount is neither shown nor usable.
ALTER TABLE coupons ADD COLUMN voided_at TEXT;
-- A fully refunded purchase gives its offer use back: it no longer counts toward the
-- member's limit.
ALTER TABLE purchases ADD COLUMN returned_at TEXT;
