//! The points economy: points issued, redeemed and expired month by month (in the shop's
//! time), what members hold now (the program's liability) and its value at a value per 100
//! points the page sets, what expires in the next 30 and 90 days and month by month ahead, the
//! redemption rate, and rewards by how often they were taken. From roll-ups only
//! (`point_months`, `lot_expiry_days`, `reward_months`): a few dozen rows whatever the size of
//! the ledger.

use serde::{Deserialize, Serialize};

use super::cohorts::percent;
use crate::{error::AppError, loyalty::rules::Currency};
use leptos::prelude::*;

/// A month's points (credits of every kind are issued; debits by kind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub issued: i64,
    pub redeemed: i64,
    pub expired: i64,
    /// Taken back otherwise (refund reversals, corrections).
    pub other: i64,
}

impl PointMonth {
    /// Adds a (kind, credited, debited) roll-up row.
    pub fn add(&mut self, kind: &str, credit: i64, debit: i64) {
        self.issued += credit;
        match kind {
            "redeem" => self.redeemed += debit,
            "expiry" => self.expired += debit,
            _ => self.other += debit,
        }
    }

    /// What members' holdings changed by in the month.
    pub fn net(&self) -> i64 {
        self.issued - self.redeemed - self.expired - self.other
    }

    /// Points redeemed as a share of points issued, in whole percent.
    pub fn redemption_rate(&self) -> Option<i64> {
        percent(self.redeemed, self.issued)
    }
}

/// Open points expiring in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryMonth {
    pub month: String,
    pub points: i64,
}

/// A reward's codes in the months shown (at a location: those used there in those months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardUse {
    pub name: String,
    /// Codes issued (none at a location: codes are issued to members, not at a place).
    pub codes: Option<i64>,
    pub points: i64,
    pub used: i64,
}

/// The page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Economy {
    pub currency: Currency,
    /// Points members hold now.
    pub outstanding: i64,
    /// What 100 points are worth, minor units.
    pub value_of_100: i64,
    /// Open points expiring within 30 and within 90 days.
    pub expiring_30: i64,
    pub expiring_90: i64,
    pub from: String,
    pub to: String,
    pub months: Vec<PointMonth>,
    /// From this month on, at most a year.
    pub expiring: Vec<ExpiryMonth>,
    /// Most taken first.
    pub rewards: Vec<RewardUse>,
    /// The location shown (`None`: the whole shop). At a location the months hold the points
    /// its purchases earned, its refunds took back and its used codes cost; what members
    /// hold and what expires stay the whole shop's.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
}

impl Economy {
    /// The outstanding points' value, minor units (rounded half up).
    pub fn liability_minor(&self) -> i64 {
        (2 * self.outstanding * self.value_of_100 + 100).div_euclid(200)
    }

    /// The months shown together.
    pub fn total(&self) -> PointMonth {
        let mut t = PointMonth::default();
        for m in &self.months {
            t.issued += m.issued;
            t.redeemed += m.redeemed;
            t.expired += m.expired;
            t.other += m.other;
        }
        t
    }
}

/// The months as CSV: `month,issued,redeemed,expired,other_taken,net,redemption_rate_percent`
/// (at a location `expired` is empty: points expire from what members hold shop-wide).
pub fn csv(e: &Economy) -> String {
    let mut out =
        String::from("month,issued,redeemed,expired,other_taken,net,redemption_rate_percent\n");
    for m in &e.months {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            m.month,
            m.issued,
            m.redeemed,
            if e.location.is_some() {
                String::new()
            } else {
                m.expired.to_string()
            },
            m.other,
            m.net(),
            m.redemption_rate()
                .map(|r| r.to_string())
                .unwrap_or_default()
        ));
    }
    out
}

/// The points economy (managers and owners): months `from` to `to` (`YYYY-MM`; by default the
/// twelve up to the current one), what 100 points are worth (the shop's setting unless given)
/// and a location (empty: the whole shop).
#[server(prefix = "/api", endpoint = "analytics/points")]
pub async fn analytics_points(
    from: Option<String>,
    to: Option<String>,
    value_of_100: Option<String>,
    location: Option<String>,
) -> Result<Economy, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    super::points_db::economy(
        &mut conn,
        st.clock.now(),
        from.as_deref(),
        to.as_deref(),
        value_of_100.as_deref(),
        location.as_deref(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_fold_into_issued_redeemed_expired_and_other() {
        let mut m = PointMonth::default();
        m.add("earn", 1_000, 0);
        m.add("bonus", 50, 0);
        m.add("redeem", 0, 300);
        m.add("reward_return", 100, 0);
        m.add("expiry", 0, 120);
        m.add("refund_reversal", 0, 30);
        m.add("adjustment", 20, 5);
        assert_eq!(
            (m.issued, m.redeemed, m.expired, m.other),
            (1_170, 300, 120, 35)
        );
        assert_eq!(m.net(), 715);
        // 300 of 1,170: 25.6 % → 26 %.
        assert_eq!(m.redemption_rate(), Some(26));
        assert_eq!(PointMonth::default().redemption_rate(), None);
    }

    #[test]
    fn the_liability_is_the_points_held_at_the_value_of_a_hundred() {
        let mut e = Economy {
            currency: Currency::Eur,
            outstanding: 12_345,
            value_of_100: 100,
            expiring_30: 0,
            expiring_90: 0,
            from: "2026-11".into(),
            to: "2026-12".into(),
            months: Vec::new(),
            expiring: Vec::new(),
            rewards: Vec::new(),
            location: None,
            locations: Vec::new(),
        };
        // 12,345 points at €1.00 per 100: €123.45.
        assert_eq!(e.liability_minor(), 12_345);
        // At €0.35 per 100: 4,320.75 → 4,321 cents.
        e.value_of_100 = 35;
        assert_eq!(e.liability_minor(), 4_321);
        let mut nov = PointMonth {
            month: "2026-11".into(),
            ..PointMonth::default()
        };
        nov.add("earn", 200, 0);
        nov.add("redeem", 0, 50);
        let dec = PointMonth {
            month: "2026-12".into(),
            ..PointMonth::default()
        };
        e.months = vec![nov, dec];
        assert_eq!(e.total().issued, 200);
        assert_eq!(
            csv(&e),
            "month,issued,redeemed,expired,other_taken,net,redemption_rate_percent\n\
             2026-11,200,50,0,0,150,25\n2026-12,0,0,0,0,0,\n"
        );
    }
}
