//! Background jobs. The sweep runs every domain's expiry in turn: point lots that expired
//! leave balances, ended qualification periods are reviewed, unused reward codes expire
//! (points back where the reward says so). Each step is idempotent and catches up after
//! downtime; each writes in batches, so a long catch-up never holds the writer for long.

use crate::db::Stamp;

use crate::{db::Db, error::AppError, loyalty::engine as loyalty, rewards::engine as rewards};

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Lots that expired.
    pub lots: u64,
    /// Points that left balances.
    pub points: i64,
    /// Members whose tier was reviewed.
    pub reviews: u64,
    /// Of those, downgrades.
    pub downgrades: u64,
    /// Reward codes that expired unused.
    pub codes: u64,
    /// Points given back for them.
    pub returned: i64,
}

/// Expires what has expired by `now` (points and unused reward codes) and reviews the tiers
/// whose period has ended. Safe to run twice or concurrently.
pub async fn sweep(db: &Db, now: Stamp) -> Result<Sweep, AppError> {
    let (lots, points) = loyalty::expire_lots(db, now).await?;
    let (reviews, downgrades) = loyalty::review_tiers(db, now).await?;
    let (codes, returned) = rewards::expire_codes(db, now).await?;
    Ok(Sweep {
        lots,
        points,
        reviews,
        downgrades,
        codes,
        returned,
    })
}
