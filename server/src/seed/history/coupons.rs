//! Next-visit discounts in a made-up history: given for a qualifying purchase when none is
//! held, used on a later visit while valid, by the shop's rule.

use app::db::Stamp;

use super::{DAY, Life};
use crate::seed::rows::Coupon;

/// The next-visit discount rule (see `perk_settings`).
pub struct Discount {
    pub percent: i64,
    pub min_purchase: i64,
    pub days: i64,
    pub min_next: i64,
}

impl Life<'_> {
    /// Uses the discount held if it is valid at `at` for `amount`; returns its row and what
    /// it takes off. One that has run out is dropped.
    pub(super) fn use_coupon(&mut self, at: i64, amount: i64) -> Option<(usize, i64)> {
        let d = self.shop.discount.as_ref()?;
        let (row, from, until) = self.coupon?;
        if at >= until {
            self.coupon = None;
            return None;
        }
        if at < from || amount < d.min_next {
            return None;
        }
        self.coupon = None;
        let off =
            app::perks::types::discount(app::perks::types::OfferKind::Percent, d.percent, amount)?;
        Some((row, off))
    }

    /// Issues a next-visit discount for purchase `purchase` (paid `paid` at `at`) when the
    /// rule is on, the purchase used none and none is held: valid from the next day (UTC) for
    /// the rule's days.
    pub(super) fn issue_coupon(&mut self, purchase: i64, paid: i64, at: i64, used_one: bool) {
        let Some(d) = self.shop.discount.as_ref() else {
            return;
        };
        if used_one || self.coupon.is_some() || paid < d.min_purchase {
            return;
        }
        let from = (at.div_euclid(DAY) + 1) * DAY;
        let until = from + d.days * DAY;
        let day = |t: i64| Stamp::from_unix(t).to_string()[..10].to_owned();
        let id = self.ids.coupon;
        self.ids.coupon += 1;
        self.coupon = Some((self.rows.coupons.len(), from, until));
        self.rows.coupons.push(Coupon {
            id,
            member_id: self.member.id,
            percent: d.percent,
            valid_from: day(from),
            valid_until: day(until - DAY),
            min_purchase: d.min_next,
            source_purchase_id: purchase,
            used: None,
            at: Stamp::from_unix(at),
        });
    }
}
