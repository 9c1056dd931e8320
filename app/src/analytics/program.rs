//! Program effect: how members are spread over the tiers now and how they moved between them
//! month by month (the shop's time), how next-visit discounts worked: issued, voided by a
//! refund, used, the use rate and what the visits that used them brought in, and how often
//! members came back with and without a perk (`perk_returns`). From roll-ups (`tier_months`,
//! `coupon_months`, `perk_returns`) and an index on members' tiers: a few hundred rows
//! whatever the size of the ledger.

use serde::{Deserialize, Serialize};

use super::cohorts::percent;
use crate::{error::AppError, loyalty::rules::Currency};
use leptos::prelude::*;

/// Members in a tier now (`id` 0: no tier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierCount {
    pub id: i64,
    pub name: String,
    pub members: i64,
}

/// Moves between tiers in a month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierMonth {
    pub month: String,
    pub up: i64,
    pub down: i64,
}

/// Members who moved from one tier to another in the months shown (0: no tier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub from: i64,
    pub to: i64,
    pub members: i64,
}

/// Next-visit discounts issued in a month, and what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponMonth {
    pub month: String,
    pub issued: i64,
    /// Voided: the purchase that gave them was refunded.
    pub voided: i64,
    pub used: i64,
    /// What the visits that used them paid, and what was refunded of it since.
    pub spend_minor: i64,
    pub refunded_minor: i64,
}

impl CouponMonth {
    /// Used as a share of those that stood (issued and not voided), in whole percent.
    pub fn use_rate(&self) -> Option<i64> {
        percent(self.used, self.issued - self.voided)
    }

    /// What the visits brought in after refunds, minor units.
    pub fn revenue_minor(&self) -> i64 {
        self.spend_minor - self.refunded_minor
    }

    /// Revenue per visit that used one, minor units (rounded half up).
    pub fn average_minor(&self) -> Option<i64> {
        (self.used > 0).then(|| (2 * self.revenue_minor() + self.used).div_euclid(2 * self.used))
    }

    fn add(&mut self, o: &CouponMonth) {
        self.issued += o.issued;
        self.voided += o.voided;
        self.used += o.used;
        self.spend_minor += o.spend_minor;
        self.refunded_minor += o.refunded_minor;
    }
}

/// The page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub currency: Currency,
    pub from: String,
    pub to: String,
    /// No tier first, then by threshold.
    pub tiers: Vec<TierCount>,
    pub months: Vec<TierMonth>,
    /// Most members first.
    pub moves: Vec<Move>,
    pub coupons: Vec<CouponMonth>,
    /// The next-visit discount rule is on now.
    pub discount_on: bool,
    /// Return within 30 days with and without each perk: purchases of the months shown up to
    /// the shop day 30 days ago.
    pub returns: Vec<super::perk_returns::PerkReturn>,
    /// Purchases of the months shown too recent to tell.
    pub returns_recent: i64,
    /// The location shown (`None`: the whole shop). At a location the tiers are those of the
    /// members who bought there, the discounts those its purchases gave and the returns those
    /// of its purchases (coming back anywhere); moves between tiers stay the whole shop's.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
}

impl Program {
    /// A tier's name (`None` for no tier or one since deleted).
    pub fn tier_name(&self, id: i64) -> Option<&str> {
        self.tiers
            .iter()
            .find(|t| t.id == id && id != 0)
            .map(|t| t.name.as_str())
    }

    /// Members in all tiers and none.
    pub fn members(&self) -> i64 {
        self.tiers.iter().map(|t| t.members).sum()
    }

    /// The discounts of the months shown together.
    pub fn coupon_total(&self) -> CouponMonth {
        let mut t = CouponMonth::default();
        for m in &self.coupons {
            t.add(m);
        }
        t
    }
}

/// Folds the roll-up's rows (a month index and a move) into each month's moves up and down and
/// the range's moves by size. `ranked` lists tier ids from no tier (0) to the highest
/// threshold: a move is up when it goes to a later one.
pub fn fold_moves(
    ranked: &[i64],
    months: &mut [TierMonth],
    first: i64,
    rows: &[(i64, Move)],
) -> Vec<Move> {
    let rank = |id: i64| ranked.iter().position(|&t| t == id).unwrap_or(0);
    let mut moves: Vec<Move> = Vec::new();
    for (index, mv) in rows {
        if let Some(m) = usize::try_from(index - first)
            .ok()
            .and_then(|i| months.get_mut(i))
        {
            if rank(mv.to) > rank(mv.from) {
                m.up += mv.members;
            } else {
                m.down += mv.members;
            }
        }
        match moves
            .iter_mut()
            .find(|x| x.from == mv.from && x.to == mv.to)
        {
            Some(x) => x.members += mv.members,
            None => moves.push(mv.clone()),
        }
    }
    moves.sort_by(|a, b| b.members.cmp(&a.members).then(a.from.cmp(&b.from)));
    moves
}

/// The months as CSV: `month,tier_upgrades,tier_downgrades,discounts_issued,discounts_voided,
/// discounts_used,use_rate_percent,visits_revenue_minor`.
pub fn csv(p: &Program) -> String {
    let mut out = String::from(
        "month,tier_upgrades,tier_downgrades,discounts_issued,discounts_voided,discounts_used,\
         use_rate_percent,visits_revenue_minor\n",
    );
    for (t, c) in p.months.iter().zip(&p.coupons) {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            t.month,
            t.up,
            t.down,
            c.issued,
            c.voided,
            c.used,
            c.use_rate().map(|r| r.to_string()).unwrap_or_default(),
            c.revenue_minor()
        ));
    }
    out
}

/// Program effect (managers and owners): months `from` to `to` (`YYYY-MM`; by default the
/// twelve up to the current one) and a location (empty: the whole shop).
#[server(prefix = "/api", endpoint = "analytics/program")]
pub async fn analytics_program(
    from: Option<String>,
    to: Option<String>,
    location: Option<String>,
) -> Result<Program, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    super::program_db::program(
        &mut conn,
        st.clock.now(),
        from.as_deref(),
        to.as_deref(),
        location.as_deref(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_to_a_higher_tier_is_up_and_moves_add_up_over_the_months() {
        // Tiers by threshold: none (0), Silver (7), Gold (3).
        let ranked = [0, 7, 3];
        let mut months = vec![
            TierMonth {
                month: "2026-10".into(),
                ..TierMonth::default()
            },
            TierMonth {
                month: "2026-11".into(),
                ..TierMonth::default()
            },
        ];
        let first = 100;
        let mv = |from, to, members| Move { from, to, members };
        let rows = [
            (100, mv(0, 7, 5)),
            (100, mv(7, 3, 2)),
            (101, mv(3, 7, 1)),
            (101, mv(0, 7, 4)),
            (101, mv(7, 0, 3)),
            // Outside the months shown: counted in no month, still a move of the range.
            (102, mv(0, 3, 1)),
        ];
        let moves = fold_moves(&ranked, &mut months, first, &rows);
        assert_eq!((months[0].up, months[0].down), (7, 0));
        assert_eq!((months[1].up, months[1].down), (4, 4));
        assert_eq!(
            moves,
            vec![
                mv(0, 7, 9),
                mv(7, 0, 3),
                mv(7, 3, 2),
                mv(0, 3, 1),
                mv(3, 7, 1)
            ]
        );
    }

    #[test]
    fn the_use_rate_leaves_out_voided_discounts_and_revenue_is_after_refunds() {
        let c = CouponMonth {
            month: "2026-11".into(),
            issued: 40,
            voided: 3,
            used: 12,
            spend_minor: 30_000,
            refunded_minor: 1_501,
        };
        // 12 of 37: 32.4 % → 32 %.
        assert_eq!(c.use_rate(), Some(32));
        assert_eq!(c.revenue_minor(), 28_499);
        // 28,499 / 12 = 2,374.9 → 2,375.
        assert_eq!(c.average_minor(), Some(2_375));
        assert_eq!(CouponMonth::default().use_rate(), None);
        assert_eq!(CouponMonth::default().average_minor(), None);
        let p = Program {
            currency: Currency::Eur,
            from: "2026-11".into(),
            to: "2026-11".into(),
            tiers: vec![TierCount {
                id: 0,
                name: String::new(),
                members: 9,
            }],
            months: vec![TierMonth {
                month: "2026-11".into(),
                up: 2,
                down: 1,
            }],
            moves: Vec::new(),
            coupons: vec![c],
            discount_on: true,
            returns: Vec::new(),
            returns_recent: 0,
            location: None,
            locations: Vec::new(),
        };
        assert_eq!(p.tier_name(0), None);
        assert_eq!(p.members(), 9);
        assert_eq!(p.coupon_total().used, 12);
        assert_eq!(
            csv(&p),
            "month,tier_upgrades,tier_downgrades,discounts_issued,discounts_voided,discounts_used,\
             use_rate_percent,visits_revenue_minor\n2026-11,2,1,40,3,12,32,28499\n"
        );
    }
}
