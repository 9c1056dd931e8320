//! The program's part of the background sweep ([`crate::jobs::sweep`]): expired point lots
//! leave balances, ended qualification periods are reviewed. Idempotent; catches up after
//! downtime.

use super::*;

const BATCH: i64 = 200;

/// Empties the point lots that expired by `now`, a batch per write. Safe to run twice or
/// concurrently (each expiry has a unique key and re-reads its lot inside the write), and
/// catches up on everything due however long the server was down. Returns (lots, points).
pub async fn expire_lots(db: &Db, now: Stamp) -> Result<(u64, i64), AppError> {
    let (mut total_lots, mut total_points) = (0, 0);
    let at = now;
    loop {
        let (found, lots, points) = db
            .write(move |tx| {
                Box::pin(async move {
                    let due = db::expired_lots(tx, at, BATCH).await?;
                    let (mut lots, mut points) = (0, 0);
                    for &(lot, member_id) in &due {
                        db::lock_member(tx, member_id).await?;
                        let remaining = db::lot_remaining(tx, lot).await?.unwrap_or(0);
                        if remaining == 0 {
                            continue;
                        }
                        let key = format!("system:expiry:{lot}");
                        let new = NewMovement {
                            first_from: Some(lot),
                            ..NewMovement::plain(
                                member_id,
                                -remaining,
                                MovementKind::Expiry,
                                "",
                                Actor::System,
                                &key,
                                at,
                            )
                        };
                        db::append(tx, &new).await.map_err(|e| match e {
                            AppendError::Db(e) => e,
                            AppendError::Insufficient { balance } => sqlx::Error::Protocol(format!(
                                "member {member_id}: lot {lot} holds {remaining} but balance is {balance}"
                            )),
                        })?;
                        lots += 1;
                        points += remaining;
                    }
                    Ok((due.len(), lots, points))
                })
            })
            .await?;
        if found == 0 {
            break;
        }
        total_lots += lots;
        total_points += points;
    }
    Ok((total_lots, total_points))
}

/// Reviews the tiers whose qualification period ended by `now` (each review moves the review
/// date past `now`, so a second run finds nothing), a batch per write. Returns (reviews,
/// downgrades).
pub async fn review_tiers(db: &Db, now: Stamp) -> Result<(u64, u64), AppError> {
    let (mut total_reviews, mut total_downgrades) = (0, 0);
    let at = now;
    loop {
        let (found, reviews, downgrades) = db
            .write(move |tx| {
                Box::pin(async move {
                    let due = pdb::due_reviews(tx, at, BATCH).await?;
                    if due.is_empty() {
                        return Ok((0, 0, 0));
                    }
                    let settings = pdb::settings(tx).await?;
                    let tiers = pdb::tiers(tx).await?;
                    let (mut reviews, mut downgrades) = (0, 0);
                    for &member_id in &due {
                        let Some((mut tier, mut review)) = pdb::member_tier(tx, member_id).await?
                        else {
                            continue;
                        };
                        while review <= now {
                            let earned = earned_in_period(
                                tx,
                                member_id,
                                settings.qualification_months,
                                review,
                            )
                            .await?;
                            let kept =
                                rules::after_review(&tiers, tier, earned, settings.downgrade);
                            if kept != tier {
                                pdb::insert_tier_change(
                                    tx,
                                    &TierChange {
                                        member_id,
                                        from: tier,
                                        to: kept,
                                        reason: "downgrade",
                                        earned,
                                        at: review,
                                    },
                                )
                                .await?;
                                downgrades += 1;
                            }
                            tier = kept;
                            review = review.plus_months(i64::from(settings.qualification_months));
                        }
                        pdb::set_member_tier(tx, member_id, tier, review, at).await?;
                        reviews += 1;
                    }
                    Ok((due.len(), reviews, downgrades))
                })
            })
            .await?;
        if found == 0 {
            break;
        }
        total_reviews += reviews;
        total_downgrades += downgrades;
    }
    Ok((total_reviews, total_downgrades))
}
