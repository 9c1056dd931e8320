//! The roll-ups and their check. Each is a table kept by triggers and a view that computes the
//! same rows from the ledger (`<table>_recomputed`); `check` compares the two and `rebuild`
//! replaces a table with its view's rows (after a restore, or if `check` ever finds drift).
//!
//! - `member_stats`: per member, purchases, spend and refunds, the first and last purchase and
//!   the five latest (segments: "3 purchases in 90 days" is a column).
//! - `member_locations`: per location and member, purchases, spend, refunds and the last
//!   purchase (segments: "bought at this location"; per-location figures).
//! - `recency_frequency`: members by the day of their last purchase and their purchases, with
//!   their spend after refunds (RFM quintiles and groups); recomputed from `member_stats`.
//! - `location_recency_frequency`: the same per location, from `member_locations` (RFM at
//!   one location: recency, frequency and spend there).
//! - `location_tiers`: per location and tier, the members who bought there holding it now
//!   (program effect at one location); from `member_locations` and `member_tiers`.
//! - `users.last_purchase_at`: the last purchase on the member row (segments by inactivity).
//!
//! In the shop's time (local months and days, see `shop_time`):
//! - `member_months`: per member and month, purchases, spend and refunds.
//! - `cohort_months`: per join cohort (the month members joined) and month, how many of its
//!   members bought, and their purchases, spend and refunds (cohort retention).
//! - `cohorts`: members who joined per month.
//! - `location_days`: per day and location, purchases, spend and refunds.
//! - `month_totals`: per month, how many members bought and how many of them more than once,
//!   their purchases, spend and refunds (retention at a glance).
//! - `member_location_months`: per location, member and month, the member's purchases there.
//! - `location_months`: per location and month, what `month_totals` is for the whole shop
//!   (retention at a glance for one location).
//! - `location_cohorts`: per location and join cohort, the cohort's members who have bought
//!   there; `location_cohort_months`: per location, cohort and month, how many of them bought
//!   there (retention by join month at one location).
//! - `point_months`: per month and kind of movement, points credited and debited (points
//!   economy: issued, redeemed, expired; their sum is what members hold).
//! - `reward_months`: per month and reward, codes issued, their points and how many were used.
//! - `point_location_months`: per location, month and kind, the points of movements made at
//!   the location (a purchase's points and its refunds'); `reward_location_months`: per
//!   location, month of use and reward, codes used there and their points (the points economy
//!   at one location).
//! - `day_totals`: per day, members who joined and points issued and redeemed (the console
//!   home's today and this week).
//! - `tier_months`: per month and move between tiers, how many members moved.
//! - `coupon_months`: per month next-visit discounts were issued and location of the purchase
//!   that gave them, how many were issued, voided and used, and what the visits that used them
//!   paid and had refunded.
//! - `perk_returns`: per day, location and combination of perks the member held as they left
//!   a purchase (`purchases.perks_held`), purchases and how many were followed by another of
//!   the same member within 30 days (at any location).
//! - `guest_months`: per location and month, sales to customers who are not members (the
//!   counter's `guest_sales`), what they came to and their refunds (members' share of revenue).
//! - `service_days`: per day, recommendation-score group and case state, members' feedback
//!   and how much of it was followed by a purchase within 30 days (read from
//!   `feedback_returns`, which is rebuilt first).
//!
//! In UTC:
//! - `lot_expiry_days`: per day, the open points that expire on it.
//! - `feedback_returns`: per answer a member gave, their first purchase in the 30 days after.

use sqlx::SqliteConnection;

/// The triggers that keep the roll-ups (the ledger benchmark measures writes without them).
pub const TRIGGERS: [&str; 45] = [
    "purchases_last_purchase",
    "purchases_member_stats",
    "purchases_member_stats_refund",
    "purchases_member_locations",
    "purchases_member_locations_refund",
    "purchases_shop_time",
    "purchases_shop_time_refund",
    "users_cohort",
    "member_stats_rf_insert",
    "member_stats_rf_update",
    "member_stats_rf_delete",
    "member_locations_rf_insert",
    "member_locations_rf_update",
    "member_locations_rf_delete",
    "point_movements_months",
    "point_lots_expiry_insert",
    "point_lots_expiry_update",
    "point_lots_expiry_delete",
    "reward_codes_months",
    "reward_codes_months_used",
    "users_join_day",
    "point_movements_day",
    "tier_changes_months",
    "coupons_months_insert",
    "coupons_months_update",
    "purchases_coupon_months_refund",
    "purchases_feedback_return",
    "feedback_return_insert",
    "feedback_service_day",
    "cases_service_day_insert",
    "cases_service_day_update",
    "purchases_perk_returns",
    "purchases_perk_returns_held",
    "purchases_location_months",
    "purchases_location_months_refund",
    "guest_sales_months",
    "guest_sales_months_refund",
    "point_movements_location_months",
    "reward_codes_location_used",
    "reward_codes_location_inserted",
    "member_locations_tiers_insert",
    "member_locations_tiers_delete",
    "member_tiers_locations_insert",
    "member_tiers_locations_update",
    "member_tiers_locations_delete",
];

/// A roll-up row that differs from the ledger's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Which roll-up.
    pub rollup: &'static str,
    /// The row's key (a member id; a cohort and month; a day and location).
    pub key: String,
}

/// A roll-up table with a `<table>_recomputed` view of the same columns.
pub struct Table {
    pub name: &'static str,
    /// What names a row in a report.
    key: &'static str,
    /// Kept in the shop's time (rebuilt when its time zone changes).
    pub shop_time: bool,
}

const fn table(name: &'static str, key: &'static str, shop_time: bool) -> Table {
    Table {
        name,
        key,
        shop_time,
    }
}

/// In rebuild order: `recency_frequency` is read from `member_stats`,
/// `location_recency_frequency` and `location_tiers` from `member_locations`.
pub const TABLES: [Table; 26] = [
    table("member_stats", "member_id", false),
    table("recency_frequency", "day || ' ' || purchases", false),
    table("member_locations", "member_id", false),
    table(
        "location_recency_frequency",
        "location_id || ' ' || day || ' ' || purchases",
        false,
    ),
    table("location_tiers", "location_id || ' ' || tier_id", false),
    table("member_months", "member_id || ' ' || month", true),
    table("cohort_months", "cohort || ' ' || month", true),
    table("cohorts", "cohort", true),
    table("location_days", "day || ' ' || location_id", true),
    table("month_totals", "month", true),
    table(
        "member_location_months",
        "location_id || ' ' || member_id || ' ' || month",
        true,
    ),
    table("location_months", "location_id || ' ' || month", true),
    table("location_cohorts", "location_id || ' ' || cohort", true),
    table(
        "location_cohort_months",
        "location_id || ' ' || cohort || ' ' || month",
        true,
    ),
    table("guest_months", "location_id || ' ' || month", true),
    table("point_months", "month || ' ' || kind", true),
    table("lot_expiry_days", "day", false),
    table("reward_months", "month || ' ' || reward_id", true),
    table(
        "point_location_months",
        "location_id || ' ' || month || ' ' || kind",
        true,
    ),
    table(
        "reward_location_months",
        "location_id || ' ' || month || ' ' || reward_id",
        true,
    ),
    table("day_totals", "day", true),
    table(
        "tier_months",
        "month || ' ' || from_tier || ' ' || to_tier",
        true,
    ),
    table("coupon_months", "month || ' ' || location_id", true),
    table(
        "perk_returns",
        "day || ' ' || location_id || ' ' || perks",
        true,
    ),
    table("feedback_returns", "feedback_id", false),
    table("service_days", "day || ' ' || grp || ' ' || state", true),
];

/// At most this many drifting rows are reported per roll-up.
const REPORTED: i64 = 100;

/// Every roll-up row that differs from its recomputation (missing or extra rows included),
/// at most 100 per roll-up.
pub async fn check(conn: &mut SqliteConnection) -> Result<Vec<Drift>, sqlx::Error> {
    let mut out = Vec::new();
    for Table { name, key, .. } in TABLES {
        let keys: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT CAST({key} AS TEXT) FROM (SELECT * FROM {name} EXCEPT SELECT * FROM {name}_recomputed)
             UNION
             SELECT CAST({key} AS TEXT) FROM (SELECT * FROM {name}_recomputed EXCEPT SELECT * FROM {name})
             ORDER BY 1 LIMIT $1"
        ))
        .bind(REPORTED)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(keys.into_iter().map(|key| Drift { rollup: name, key }));
    }
    let last: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u LEFT JOIN member_stats_recomputed r ON r.member_id = u.id
         WHERE u.last_purchase_at IS NOT r.last_purchase_at ORDER BY 1 LIMIT $1",
    )
    .bind(REPORTED)
    .fetch_all(&mut *conn)
    .await?;
    out.extend(last.into_iter().map(|key| Drift {
        rollup: "users.last_purchase_at",
        key: key.to_string(),
    }));
    Ok(out)
}

/// Recomputes the roll-up tables `which` picks from the ledger (inside the caller's write
/// transaction).
pub async fn rebuild_tables(
    conn: &mut SqliteConnection,
    which: impl Fn(&Table) -> bool,
) -> Result<(), sqlx::Error> {
    for Table { name, .. } in TABLES.iter().filter(|t| which(t)) {
        sqlx::query(&format!("DELETE FROM {name}"))
            .execute(&mut *conn)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO {name} SELECT * FROM {name}_recomputed"
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Recomputes every roll-up from the ledger (inside the caller's write transaction).
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    rebuild_tables(conn, |_| true).await?;
    sqlx::query(
        "UPDATE users SET last_purchase_at =
             (SELECT s.last_purchase_at FROM member_stats s WHERE s.member_id = users.id)
         WHERE last_purchase_at IS NOT
             (SELECT s.last_purchase_at FROM member_stats s WHERE s.member_id = users.id)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
