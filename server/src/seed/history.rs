//! A made-up member's history, lived through by the program's own rules: purchases spread
//! over the months they were a customer (more in December, fewer in February), the points
//! each earned at their tier's rate, rewards redeemed from the oldest points first, points that
//! expired, tier upgrades and reviews, and now and then feedback (with a case when it was bad).
//! Pure: the same member, shop and seed give the same rows.

use app::{
    db::Stamp,
    loyalty::rules::{self, Settings, Tier},
};
use std::collections::VecDeque;

use super::{
    Mix,
    habits::{DAY, times, traits},
    rows::{Case, Code, Feedback, Ids, Lot, Movement, Purchase, Rows, TierChange},
};

mod coupons;
pub use coupons::Discount;

/// What the shop offers that a history uses.
pub struct Shop {
    pub settings: Settings,
    /// The next-visit discount, when it is on.
    pub discount: Option<Discount>,
    /// Sorted by threshold.
    pub tiers: Vec<Tier>,
    pub locations: Vec<i64>,
    /// Rewards any member can take, with no stock limit: (id, cost, days valid, name).
    pub rewards: Vec<(i64, i64, i64, String)>,
    /// The feedback form purchases are rated on, and the highest NPS that opens a case.
    pub form: Option<(i64, i64)>,
    /// Hours a case has before it is due.
    pub sla_hours: i64,
}

/// One made-up member as stored.
pub struct Member {
    pub id: i64,
    pub joined: i64,
    pub language: String,
}

/// The history's time span (seconds since 1970): purchases fall in `from..now`.
#[derive(Clone, Copy)]
pub struct Span {
    pub from: i64,
    pub now: i64,
}

/// A member's running state while their history is lived through.
struct Life<'a> {
    shop: &'a Shop,
    member: &'a Member,
    rows: &'a mut Rows,
    ids: &'a mut Ids,
    balance: i64,
    /// Open lots, oldest first: (movement id, remaining, expires at).
    lots: VecDeque<(i64, i64, Option<i64>)>,
    /// Points earned by purchases, for the qualification period: (when, points).
    earned: VecDeque<(i64, i64)>,
    tier: Option<i64>,
    review: Option<i64>,
    /// The next-visit discount held: its row and the instants it is valid from and until.
    coupon: Option<(usize, i64, i64)>,
}

impl Life<'_> {
    fn move_points(
        &mut self,
        amount: i64,
        kind: &'static str,
        reason: &str,
        at: i64,
        purchase: Option<(i64, i64)>,
    ) -> i64 {
        let id = self.ids.movement;
        self.ids.movement += 1;
        self.balance += amount;
        self.rows.movements.push(Movement {
            id,
            member_id: self.member.id,
            amount,
            kind,
            reason: reason.to_owned(),
            balance_after: self.balance,
            location_id: purchase.map(|p| p.1),
            purchase_id: purchase.map(|p| p.0),
            at: Stamp::from_unix(at),
        });
        if amount > 0 {
            let expires = self
                .shop
                .settings
                .expiry_months
                .map(|m| Stamp::from_unix(at).plus_months(i64::from(m)).unix());
            self.lots.push_back((id, amount, expires));
        } else {
            let mut take = -amount;
            while take > 0 {
                let Some(front) = self.lots.front_mut() else {
                    break;
                };
                let used = front.1.min(take);
                front.1 -= used;
                take -= used;
                if front.1 == 0 {
                    self.close_front();
                }
            }
        }
        id
    }

    /// The oldest lot is empty (or expired): it is kept as a row with what is left.
    fn close_front(&mut self) {
        if let Some((movement_id, remaining, expires)) = self.lots.pop_front() {
            self.rows.lots.push(Lot {
                movement_id,
                member_id: self.member.id,
                remaining,
                expires_at: expires.map(Stamp::from_unix),
            });
        }
    }

    fn qualifying(&mut self, at: i64) -> i64 {
        let months = i64::from(self.shop.settings.qualification_months);
        let start = Stamp::from_unix(at).plus_months(-months).unix();
        while self.earned.front().is_some_and(|&(t, _)| t <= start) {
            self.earned.pop_front();
        }
        self.earned.iter().map(|&(_, p)| p).sum()
    }

    fn change_tier(&mut self, to: Option<i64>, qualifying: i64, at: i64) {
        let from = self.tier;
        if to == from {
            return;
        }
        let upgrade = rules::rank(&self.shop.tiers, to) > rules::rank(&self.shop.tiers, from);
        self.rows.tier_changes.push(TierChange {
            member_id: self.member.id,
            from,
            to,
            upgrade,
            qualifying,
            at: Stamp::from_unix(at),
        });
        self.tier = to;
    }

    /// Lots that expire and tier reviews that fall due up to `at`, in time order.
    fn settle(&mut self, at: i64) {
        loop {
            let expiry = self.lots.front().and_then(|l| l.2).filter(|&e| e <= at);
            let review = self.review.filter(|&r| r <= at);
            match (expiry, review) {
                (Some(e), r) if r.is_none_or(|r| e <= r) => self.expire_front(e),
                (_, Some(r)) => {
                    let qualifying = self.qualifying(r);
                    let kept = rules::after_review(
                        &self.shop.tiers,
                        self.tier,
                        qualifying,
                        self.shop.settings.downgrade,
                    );
                    self.change_tier(kept, qualifying, r);
                    let months = i64::from(self.shop.settings.qualification_months);
                    self.review = Some(Stamp::from_unix(r).plus_months(months).unix());
                }
                _ => return,
            }
        }
    }

    /// What is left of the oldest lot expires at `at`.
    fn expire_front(&mut self, at: i64) {
        let Some(front) = self.lots.front_mut() else {
            return;
        };
        let remaining = std::mem::take(&mut front.1);
        if remaining > 0 {
            let id = self.ids.movement;
            self.ids.movement += 1;
            self.balance -= remaining;
            self.rows.movements.push(Movement {
                id,
                member_id: self.member.id,
                amount: -remaining,
                kind: "expiry",
                reason: String::new(),
                balance_after: self.balance,
                location_id: None,
                purchase_id: None,
                at: Stamp::from_unix(at),
            });
        }
        self.close_front();
    }
}

/// Lives through `count` purchases of `member`, adding what they wrote to `rows`.
pub fn live(
    shop: &Shop,
    span: Span,
    seed: u64,
    member: &Member,
    count: u64,
    ids: &mut Ids,
    rows: &mut Rows,
) {
    let t = traits(seed, member, span);
    let mut mix =
        Mix(seed.rotate_left(17) ^ (member.id as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let times = times(&mut mix, member, &t, span, count);
    let mut life = Life {
        shop,
        member,
        rows,
        ids,
        balance: 0,
        lots: VecDeque::new(),
        earned: VecDeque::new(),
        tier: None,
        review: None,
        coupon: None,
    };
    let n = shop.locations.len().max(1);
    let later = |at: i64, secs: i64| (at + secs).min(span.now);
    for at in times {
        life.settle(at);
        let location = if mix.next() % 100 < 85 {
            shop.locations[t.home % n]
        } else {
            shop.locations[usize::try_from(mix.next()).unwrap_or(0) % n]
        };
        let full = (t.usual * i64::try_from(50 + mix.next() % 100).unwrap_or(100) / 100).max(100);
        let used = life.use_coupon(at, full);
        let amount = full - used.map_or(0, |(_, off)| off);
        let tier_pct = life
            .tier
            .and_then(|id| shop.tiers.iter().find(|x| x.id == id))
            .map_or(100, |x| x.multiplier_pct);
        let points = rules::earn(&shop.settings, amount, tier_pct, &[]).total;
        let purchase = life.ids.purchase;
        life.ids.purchase += 1;
        life.rows.purchases.push(Purchase {
            id: purchase,
            member_id: member.id,
            amount_minor: amount,
            location_id: location,
            points,
            coupon: used.map(|(row, off)| (life.rows.coupons[row].id, off)),
            perks_held: 0,
            at: Stamp::from_unix(at),
        });
        if let Some((row, _)) = used {
            life.rows.coupons[row].used = Some((purchase, Stamp::from_unix(at)));
        }
        life.issue_coupon(purchase, amount, at, used.is_some());
        if let (Some(_), Some(p)) = (life.coupon, life.rows.purchases.last_mut()) {
            p.perks_held = app::perks::types::held::DISCOUNT;
        }
        if points > 0 {
            life.move_points(points, "earn", "", at, Some((purchase, location)));
            life.earned.push_back((at, points));
            let qualifying = life.qualifying(at);
            let to = rules::after_earning(&shop.tiers, life.tier, qualifying);
            life.change_tier(to, qualifying, at);
            if life.tier.is_some() && life.review.is_none() {
                let months = i64::from(shop.settings.qualification_months);
                life.review = Some(Stamp::from_unix(at).plus_months(months).unix());
            }
        }
        if t.redeemer && mix.next().is_multiple_of(3) {
            let affordable: Vec<_> = shop
                .rewards
                .iter()
                .filter(|r| r.1 <= life.balance)
                .collect();
            if !affordable.is_empty() {
                let (reward, cost, valid_days, name) =
                    affordable[usize::try_from(mix.next()).unwrap_or(0) % affordable.len()];
                let issued = later(at, 60);
                let movement = life.move_points(-cost, "redeem", name, issued, None);
                let expires = issued + valid_days * DAY;
                let used = issued
                    + i64::try_from(
                        mix.next() % u64::try_from(*valid_days * DAY).unwrap_or(DAY as u64),
                    )
                    .unwrap_or(0);
                let used = (mix.next() % 100 < 85 || expires <= span.now)
                    .then_some(used)
                    .filter(|&u| u <= span.now)
                    .map(|u| (Stamp::from_unix(u), location));
                let id = life.ids.code;
                life.ids.code += 1;
                life.rows.codes.push(Code {
                    id,
                    reward_id: *reward,
                    member_id: member.id,
                    points: *cost,
                    movement_id: movement,
                    issued_at: Stamp::from_unix(issued),
                    expires_at: Stamp::from_unix(expires),
                    used,
                });
            }
        }
        if let Some((form_id, nps_max)) = shop.form
            && mix.next() % 100 < 3
        {
            let nps = match t.mood {
                0 => mix.next() % 7,
                1 => 7 + mix.next() % 2,
                _ => 9 + mix.next() % 2,
            };
            let nps = i64::try_from(nps).unwrap_or(10);
            let said = later(at, 2 * 3_600);
            let id = life.ids.feedback;
            life.ids.feedback += 1;
            life.rows.feedback.push(Feedback {
                id,
                form_id,
                member_id: member.id,
                purchase_id: purchase,
                location_id: location,
                nps,
                language: member.language.clone(),
                at: Stamp::from_unix(said),
            });
            if nps <= nps_max {
                // Of older cases nine in ten were resolved; of the last month's, six in ten.
                let share = if said < span.now - 30 * DAY { 9 } else { 6 };
                let resolved = (mix.next() % 10 < share).then(|| {
                    let first = later(
                        said,
                        3_600 * (1 + i64::try_from(mix.next() % 20).unwrap_or(0)),
                    );
                    let done = later(first, 3_600 * i64::try_from(mix.next() % 48).unwrap_or(0));
                    (Stamp::from_unix(first), Stamp::from_unix(done))
                });
                let case = life.ids.case;
                life.ids.case += 1;
                life.rows.cases.push(Case {
                    id: case,
                    feedback_id: id,
                    member_id: member.id,
                    location_id: location,
                    due_at: Stamp::from_unix(said + shop.sla_hours * 3_600),
                    resolved,
                    at: Stamp::from_unix(said),
                });
            }
        }
    }
    life.settle(span.now);
    while !life.lots.is_empty() {
        life.close_front();
    }
    let (balance, tier, review) = (life.balance, life.tier, life.review);
    rows.balances
        .push((member.id, balance, Stamp::from_unix(span.now)));
    if let Some(review) = review {
        rows.tiers.push((
            member.id,
            tier,
            Stamp::from_unix(review),
            Stamp::from_unix(span.now),
        ));
    }
}
