//! Retention at a glance: how many members are buying (in the last 30 and 90 days), how many
//! have stopped (no purchase for the shop's churn window), and month by month how many bought,
//! how many of them came back within the month (the repeat purchase rate), how often, and what
//! a visit is worth, and what share of the shop's sales members bring where the counter records
//! sales to customers who are not members. From roll-ups only: the months from `month_totals`
//! (a row a month) and `guest_months` (a row a location and month), the counts from the index
//! on each member's last purchase (`member_stats`), so the page reads a few dozen rows and two
//! index ranges whatever the size of the ledger.

use serde::{Deserialize, Serialize};

use super::cohorts::percent;
use crate::{error::AppError, loyalty::rules::Currency};
use leptos::prelude::*;

/// One month's purchases by members (in the shop's time; refunds count in the month of the
/// purchase).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotals {
    /// `YYYY-MM`.
    pub month: String,
    /// Members who bought.
    pub members: i64,
    /// Of them, members who bought more than once.
    pub repeat_members: i64,
    pub purchases: i64,
    pub spend_minor: i64,
    pub refunded_minor: i64,
    /// Sales to customers who are not members, what they came to and their refunds.
    pub guest_sales: i64,
    pub guest_spend_minor: i64,
    pub guest_refunded_minor: i64,
}

impl MonthTotals {
    /// What sales to customers who are not members came to after refunds.
    pub fn guest_net_minor(&self) -> i64 {
        self.guest_spend_minor - self.guest_refunded_minor
    }

    /// Members' share of the month's sales after refunds, in whole percent (rounded half up).
    pub fn member_share(&self) -> Option<i64> {
        percent(self.net_minor(), self.net_minor() + self.guest_net_minor())
    }

    /// What the month's purchases came to after refunds.
    pub fn net_minor(&self) -> i64 {
        self.spend_minor - self.refunded_minor
    }

    /// The share of the month's buying members who bought more than once, in whole percent.
    pub fn repeat_rate(&self) -> Option<i64> {
        percent(self.repeat_members, self.members)
    }

    /// Purchases per buying member, in hundredths (rounded half up).
    pub fn frequency(&self) -> Option<i64> {
        percent(self.purchases, self.members)
    }

    /// The average purchase after refunds, in minor units (rounded half up).
    pub fn average_spend(&self) -> Option<i64> {
        let (n, d) = (self.net_minor(), self.purchases);
        (d > 0).then(|| (2 * n + d).div_euclid(2 * d))
    }
}

/// The page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glance {
    pub currency: Currency,
    /// Members with a purchase in the last 30 days, and in the last 90.
    pub active_30: i64,
    pub active_90: i64,
    /// Members who have bought at least once.
    pub buyers: i64,
    /// Of them, those with no purchase in the last `churn_days` days.
    pub churned: i64,
    pub churn_days: i64,
    /// The months shown, oldest first (`from` to `to`), every one (a month without purchases
    /// is zeros), and the shop's current month.
    pub from: String,
    pub to: String,
    pub current: String,
    pub months: Vec<MonthTotals>,
    /// The location the figures are for (`None`: the whole shop; then every count is of
    /// members who bought there and what they bought there), and the shop's locations.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
    /// Whether the counter has recorded any sale to a customer who is not a member (there, for
    /// a location): without one, members' share of sales is not shown.
    pub records_guests: bool,
}

impl Glance {
    /// The share of buyers who have churned, in whole percent.
    pub fn churn_rate(&self) -> Option<i64> {
        percent(self.churned, self.buyers)
    }

    /// The last month shown and the one before it (for the trend).
    pub fn last_two(&self) -> (Option<&MonthTotals>, Option<&MonthTotals>) {
        let mut it = self.months.iter().rev();
        (it.next(), it.next())
    }
}

/// The months as CSV, one line each (`month,members_buying,repeat_members,repeat_rate_percent,
/// purchases,purchases_per_member,spend_minor,refunded_minor,net_minor,average_spend_minor,
/// non_member_sales,non_member_net_minor,member_share_percent`).
pub fn csv(g: &Glance) -> String {
    let mut out = String::from(
        "month,members_buying,repeat_members,repeat_rate_percent,purchases,purchases_per_member,\
         spend_minor,refunded_minor,net_minor,average_spend_minor,non_member_sales,\
         non_member_net_minor,member_share_percent\n",
    );
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for m in &g.months {
        let per = m
            .frequency()
            .map(|f| format!("{}.{:02}", f / 100, f % 100))
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{per},{},{},{},{},{},{},{}\n",
            m.month,
            m.members,
            m.repeat_members,
            opt(m.repeat_rate()),
            m.purchases,
            m.spend_minor,
            m.refunded_minor,
            m.net_minor(),
            opt(m.average_spend()),
            m.guest_sales,
            m.guest_net_minor(),
            opt(m.member_share().filter(|_| g.records_guests)),
        ));
    }
    out
}

/// Retention at a glance (managers and owners): months `from` to `to` (`YYYY-MM`; by default
/// the twelve up to the current one) and the churn window in days (the shop's setting unless
/// given).
#[server(prefix = "/api", endpoint = "analytics/glance")]
pub async fn analytics_glance(
    from: Option<String>,
    to: Option<String>,
    churn_days: Option<String>,
    location: Option<String>,
) -> Result<Glance, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    db::glance(
        &mut conn,
        st.clock.now(),
        from.as_deref(),
        to.as_deref(),
        churn_days.as_deref(),
        location.as_deref(),
    )
    .await
}

#[cfg(feature = "ssr")]
#[path = "glance_db.rs"]
pub mod db;

#[cfg(test)]
mod tests {
    use super::*;

    fn month(
        m: &str,
        members: i64,
        repeat: i64,
        purchases: i64,
        spend: i64,
        refunded: i64,
    ) -> MonthTotals {
        MonthTotals {
            month: m.into(),
            members,
            repeat_members: repeat,
            purchases,
            spend_minor: spend,
            refunded_minor: refunded,
            ..MonthTotals::default()
        }
    }

    #[test]
    fn members_share_is_of_sales_after_refunds_on_both_sides() {
        // Members €97.50 after refunds; non-members €40.00 less €7.50 = €32.50: 97.5 / 130
        // = 75 %. €1 of members' sales against €2 of others: 33.3 % → 33 %; 2 of 3 → 67 %.
        let mut m = month("2026-11", 8, 3, 13, 10_000, 250);
        (m.guest_sales, m.guest_spend_minor, m.guest_refunded_minor) = (4, 4_000, 750);
        assert_eq!(m.guest_net_minor(), 3_250);
        assert_eq!(m.member_share(), Some(75));
        let mut third = month("x", 1, 0, 1, 100, 0);
        (third.guest_sales, third.guest_spend_minor) = (1, 200);
        assert_eq!(third.member_share(), Some(33));
        (third.spend_minor, third.guest_spend_minor) = (200, 100);
        assert_eq!(third.member_share(), Some(67));
        // Nothing sold, or everything refunded: no share. Members only: all of it.
        assert_eq!(month("x", 0, 0, 0, 0, 0).member_share(), None);
        let mut gone = month("x", 1, 0, 1, 500, 500);
        (
            gone.guest_sales,
            gone.guest_spend_minor,
            gone.guest_refunded_minor,
        ) = (1, 300, 300);
        assert_eq!(gone.member_share(), None);
        assert_eq!(month("x", 1, 0, 1, 500, 0).member_share(), Some(100));
    }

    #[test]
    fn rates_round_half_up_and_refunds_count_against_the_visit() {
        // 8 members, 3 of them twice or more: 37.5 % → 38 %. 13 purchases by 8: 1.625 → 1.63.
        // €100.00 spent, €2.50 refunded, over 13 purchases: 9750 / 13 = 750.
        let m = month("2026-11", 8, 3, 13, 10_000, 250);
        assert_eq!(m.net_minor(), 9_750);
        assert_eq!(m.repeat_rate(), Some(38));
        assert_eq!(m.frequency(), Some(163));
        assert_eq!(m.average_spend(), Some(750));
        // 3 purchases of 10, 10 and 11 (31 / 3 = 10.33 → 10); 5 / 2 = 2.5 → 3.
        assert_eq!(month("x", 1, 1, 3, 31, 0).average_spend(), Some(10));
        assert_eq!(month("x", 1, 1, 2, 5, 0).average_spend(), Some(3));
        let empty = month("2026-12", 0, 0, 0, 0, 0);
        assert_eq!(
            (
                empty.repeat_rate(),
                empty.frequency(),
                empty.average_spend()
            ),
            (None, None, None)
        );
    }

    #[test]
    fn churn_is_a_share_of_those_who_ever_bought_and_csv_has_a_line_a_month() {
        let g = Glance {
            currency: Currency::Eur,
            active_30: 2,
            active_90: 5,
            buyers: 7,
            churned: 2,
            churn_days: 90,
            from: "2026-11".into(),
            to: "2026-12".into(),
            current: "2026-12".into(),
            months: vec![
                month("2026-11", 8, 3, 13, 10_000, 250),
                month("2026-12", 0, 0, 0, 0, 0),
            ],
            location: None,
            locations: Vec::new(),
            records_guests: false,
        };
        // 2 of 7: 28.57 % → 29 %.
        assert_eq!(g.churn_rate(), Some(29));
        let (last, before) = g.last_two();
        assert_eq!(last.map(|m| m.month.as_str()), Some("2026-12"));
        assert_eq!(before.map(|m| m.month.as_str()), Some("2026-11"));
        let header = "month,members_buying,repeat_members,repeat_rate_percent,purchases,\
                      purchases_per_member,spend_minor,refunded_minor,net_minor,\
                      average_spend_minor,non_member_sales,non_member_net_minor,\
                      member_share_percent\n";
        // A shop that records no sales without a member has no share to give.
        assert_eq!(
            csv(&g),
            format!(
                "{header}2026-11,8,3,38,13,1.63,10000,250,9750,750,0,0,\n\
                 2026-12,0,0,,0,,0,0,0,,0,0,\n"
            )
        );
        let mut with_guests = Glance {
            records_guests: true,
            ..g
        };
        (
            with_guests.months[1].guest_sales,
            with_guests.months[1].guest_spend_minor,
        ) = (2, 1_200);
        assert_eq!(
            csv(&with_guests),
            format!(
                "{header}2026-11,8,3,38,13,1.63,10000,250,9750,750,0,0,100\n\
                 2026-12,0,0,,0,,0,0,0,,2,1200,0\n"
            )
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_location_is_blank_for_the_whole_shop_or_one_of_the_shops() {
        use crate::loyalty::rules::Location;
        let places = [
            Location {
                id: 3,
                name: "Harbour".into(),
            },
            Location {
                id: 7,
                name: "Main Street".into(),
            },
        ];
        let field = |raw| db::location_field(raw, &places);
        assert_eq!(field(None).ok(), Some(None));
        assert_eq!(field(Some(" ")).ok(), Some(None));
        assert_eq!(field(Some("7")).ok(), Some(Some(7)));
        for bad in ["4", "x", "-3"] {
            let e = field(Some(bad)).expect_err(bad);
            assert!(e.field_message("location").is_some(), "{bad}");
        }
    }
}
