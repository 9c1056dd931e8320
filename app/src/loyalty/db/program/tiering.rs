//! What every domain that moves points needs to know about the program: when a credit earned
//! now expires, the points a member earned in a qualification period and their tier now.
//! Shared by the engines below the checkout (loyalty, perks, rewards, feedback).

use super::*;
use crate::db::Stamp;

/// When a credit earned at `now` expires under `settings`.
pub fn expiry_of(settings: &Settings, now: Stamp) -> Option<Stamp> {
    settings
        .expiry_months
        .map(|m| now.plus_months(i64::from(m)))
}

/// Points earned by purchases within the qualification period ending at `end`.
pub async fn earned_in_period(
    conn: &mut SqliteConnection,
    member_id: i64,
    months: u32,
    end: Stamp,
) -> Result<i64, sqlx::Error> {
    earned_between(conn, member_id, end.plus_months(-i64::from(months)), end).await
}

/// The member's tier now (a member without a tier record is in the tier their points
/// support) and the points they earned in the current period.
pub async fn current_tier(
    conn: &mut SqliteConnection,
    member_id: i64,
    settings: &Settings,
    tiers: &[Tier],
    now: Stamp,
) -> Result<(Option<i64>, i64), sqlx::Error> {
    let earned = earned_in_period(conn, member_id, settings.qualification_months, now).await?;
    let tier = match member_tier(conn, member_id).await? {
        Some((tier, _)) => tier,
        None => crate::loyalty::rules::supported(tiers, earned).map(|t| t.id),
    };
    Ok((tier, earned))
}
