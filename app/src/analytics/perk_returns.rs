//! Program effect: how often members come back within 30 days of a purchase when they left it
//! holding a perk (a next-visit discount, a started punch card, a member offer, any of them)
//! and when they did not. From the `perk_returns` roll-up: per month and combination of perks,
//! purchases and how many of them the member followed with another within 30 days.

use serde::{Deserialize, Serialize};

use super::cohorts::percent;
use crate::perks::types::held;

/// What the comparison splits purchases by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Perk {
    Discount,
    Card,
    Offer,
    /// Any of the three.
    Any,
}

impl Perk {
    pub const ALL: [Perk; 4] = [Perk::Discount, Perk::Card, Perk::Offer, Perk::Any];

    /// Its bits in `purchases.perks_held` (a purchase holds it when any of them is set).
    pub fn bits(self) -> i64 {
        match self {
            Perk::Discount => held::DISCOUNT,
            Perk::Card => held::CARD,
            Perk::Offer => held::OFFER,
            Perk::Any => held::DISCOUNT | held::CARD | held::OFFER,
        }
    }

    /// Its name in the CSV.
    pub fn code(self) -> &'static str {
        match self {
            Perk::Discount => "next_visit_discount",
            Perk::Card => "punch_card",
            Perk::Offer => "member_offer",
            Perk::Any => "any",
        }
    }
}

/// Purchases and how many of them were followed by another within 30 days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returns {
    pub visits: i64,
    pub returned: i64,
}

impl Returns {
    /// Returned as a share of the purchases, in whole percent (half up).
    pub fn rate(&self) -> Option<i64> {
        percent(self.returned, self.visits)
    }
}

/// One perk's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerkReturn {
    pub perk: Perk,
    pub with: Returns,
    pub without: Returns,
}

impl PerkReturn {
    /// Percentage points the rate with the perk is above (or below) the rate without.
    pub fn lift(&self) -> Option<i64> {
        Some(self.with.rate()? - self.without.rate()?)
    }
}

/// Each perk's comparison from the roll-up's rows of the months shown: `(perks, visits,
/// returned)`, one per combination of perks.
pub fn fold(rows: &[(i64, i64, i64)]) -> Vec<PerkReturn> {
    Perk::ALL
        .into_iter()
        .map(|perk| {
            let mut r = PerkReturn {
                perk,
                with: Returns::default(),
                without: Returns::default(),
            };
            for &(perks, visits, returned) in rows {
                let side = if perks & perk.bits() != 0 {
                    &mut r.with
                } else {
                    &mut r.without
                };
                side.visits += visits;
                side.returned += returned;
            }
            r
        })
        .collect()
}

/// The comparison as CSV, a line per perk.
pub fn csv(rows: &[PerkReturn]) -> String {
    let mut out = String::from(
        "perk,purchases_with,returned_with,return_rate_with_percent,\
         purchases_without,returned_without,return_rate_without_percent\n",
    );
    let rate = |r: &Returns| r.rate().map(|v| v.to_string()).unwrap_or_default();
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.perk.code(),
            r.with.visits,
            r.with.returned,
            rate(&r.with),
            r.without.visits,
            r.without.returned,
            rate(&r.without)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_perk_splits_every_purchase_into_with_and_without() {
        // (perks, purchases, returned): none; discount; discount + card; offer.
        let rows = [(0, 10, 2), (1, 5, 3), (3, 4, 2), (4, 6, 3)];
        let r = fold(&rows);
        let pair = |p: &PerkReturn| {
            (
                (p.with.visits, p.with.returned, p.with.rate()),
                (p.without.visits, p.without.returned, p.without.rate()),
            )
        };
        // 5 of 9 = 55.6 % → 56; 5 of 16 = 31.3 % → 31.
        assert_eq!(pair(&r[0]), ((9, 5, Some(56)), (16, 5, Some(31))));
        // 2 of 4; 8 of 21 = 38.1 %.
        assert_eq!(pair(&r[1]), ((4, 2, Some(50)), (21, 8, Some(38))));
        // 3 of 6; 7 of 19 = 36.8 %.
        assert_eq!(pair(&r[2]), ((6, 3, Some(50)), (19, 7, Some(37))));
        // Any: 8 of 15 = 53.3 %; none held: 2 of 10.
        assert_eq!(pair(&r[3]), ((15, 8, Some(53)), (10, 2, Some(20))));
        assert_eq!(r[3].lift(), Some(33));
        assert_eq!(fold(&[])[0].with.rate(), None);
        assert_eq!(fold(&[])[0].lift(), None);
        assert_eq!(
            csv(&r[..1]),
            "perk,purchases_with,returned_with,return_rate_with_percent,purchases_without,\
             returned_without,return_rate_without_percent\nnext_visit_discount,9,5,56,16,5,31\n"
        );
    }
}
