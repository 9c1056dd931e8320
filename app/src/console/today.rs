//! The console home's figures (managers and owners): today and this week (Monday on, in the
//! shop's time) — purchases and sales, members joined, points issued and redeemed — and now:
//! open and overdue cases, campaigns sending or scheduled, points expiring in 30 days; then
//! what needs attention first. From roll-ups and small indexes only (`location_days`,
//! `day_totals`, `lot_expiry_days`, the open-cases index). At one location, purchases, sales
//! and cases are that location's; members joined, points and campaigns are the shop's (they
//! belong to no location).

use serde::{Deserialize, Serialize};

use crate::{error::AppError, loyalty::rules::Currency};
use leptos::prelude::*;

/// Purchases, sales after refunds, members joined, points issued and redeemed over some days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub purchases: i64,
    pub net_minor: i64,
    pub joined: i64,
    pub issued: i64,
    pub redeemed: i64,
}

/// Something to see to, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// Cases past their deadline.
    OverdueCases(i64),
    /// Cases nobody has answered yet.
    NewCases(i64),
    /// Points that expire in the next 30 days.
    ExpiringPoints(i64),
}

/// The console home's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    pub currency: Currency,
    /// `YYYY-MM-DD` (the shop's), and the Monday the week starts on.
    pub today: String,
    pub monday: String,
    pub day: Span,
    pub week: Span,
    pub open_cases: i64,
    pub overdue_cases: i64,
    pub new_cases: i64,
    pub campaigns: i64,
    pub expiring_30: i64,
    /// The location purchases, sales and cases are counted at (`None`: the whole shop), and
    /// the shop's locations.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
}

impl Today {
    /// What needs attention, most urgent first (nothing when all is well).
    pub fn attention(&self) -> Vec<Attention> {
        [
            (
                self.overdue_cases,
                Attention::OverdueCases(self.overdue_cases),
            ),
            (self.new_cases, Attention::NewCases(self.new_cases)),
            (
                self.expiring_30,
                Attention::ExpiringPoints(self.expiring_30),
            ),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, a)| a)
        .collect()
    }
}

/// Today and this week (managers and owners), for the whole shop or at `location`.
#[server(prefix = "/api", endpoint = "console/today")]
pub async fn console_today(location: Option<String>) -> Result<Today, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    db::today(&mut conn, st.clock.now(), location.as_deref()).await
}

#[cfg(feature = "ssr")]
mod db {
    use sqlx::SqliteConnection;

    use super::{Span, Today};
    use crate::{
        db::{Stamp, local_day},
        error::AppError,
    };

    async fn span(
        conn: &mut SqliteConnection,
        from: &str,
        to: &str,
        location: Option<i64>,
    ) -> Result<Span, sqlx::Error> {
        let (purchases, net_minor): (i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(purchases), 0), coalesce(sum(spend_minor - refunded_minor), 0)
             FROM location_days WHERE day BETWEEN $1 AND $2 AND ($3 IS NULL OR location_id = $3)",
        )
        .bind(from)
        .bind(to)
        .bind(location)
        .fetch_one(&mut *conn)
        .await?;
        let (joined, issued, redeemed): (i64, i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(joined), 0), coalesce(sum(issued), 0), coalesce(sum(redeemed), 0)
             FROM day_totals WHERE day BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await?;
        Ok(Span {
            purchases,
            net_minor,
            joined,
            issued,
            redeemed,
        })
    }

    pub async fn today(
        conn: &mut SqliteConnection,
        now: Stamp,
        location: Option<&str>,
    ) -> Result<Today, AppError> {
        let (locations, location) =
            crate::analytics::glance::db::chosen_location(&mut *conn, location).await?;
        let zone = crate::campaigns::db::shop_tz(&mut *conn).await?;
        let (day, _) = local_day(&zone, now);
        let (today, monday) = (day.to_string(), day.monday().to_string());
        let currency = crate::loyalty::db::program::settings(&mut *conn)
            .await?
            .currency;
        let (open_cases, overdue_cases, new_cases): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*), coalesce(sum(due_at < $1), 0), coalesce(sum(status = 'new'), 0)
             FROM cases WHERE status IN ('new', 'in_progress', 'waiting')
               AND ($2 IS NULL OR location_id = $2)",
        )
        .bind(now)
        .bind(location)
        .fetch_one(&mut *conn)
        .await?;
        let campaigns: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM campaigns WHERE status IN ('sending', 'scheduled')",
        )
        .fetch_one(&mut *conn)
        .await?;
        let expiring_30 = crate::analytics::points_db::expiring_within(&mut *conn, now, 30).await?;
        Ok(Today {
            currency,
            day: span(&mut *conn, &today, &today, location).await?,
            week: span(&mut *conn, &monday, &today, location).await?,
            today,
            monday,
            open_cases,
            overdue_cases,
            new_cases,
            campaigns,
            expiring_30,
            location,
            locations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attention_lists_what_is_there_most_urgent_first() {
        let mut t = Today {
            currency: Currency::Eur,
            today: "2026-12-05".into(),
            monday: "2026-11-30".into(),
            day: Span::default(),
            week: Span::default(),
            open_cases: 3,
            overdue_cases: 0,
            new_cases: 2,
            campaigns: 0,
            expiring_30: 150,
            location: None,
            locations: Vec::new(),
        };
        assert_eq!(
            t.attention(),
            [Attention::NewCases(2), Attention::ExpiringPoints(150)]
        );
        t.overdue_cases = 1;
        t.expiring_30 = 0;
        assert_eq!(
            t.attention(),
            [Attention::OverdueCases(1), Attention::NewCases(2)]
        );
    }
}
