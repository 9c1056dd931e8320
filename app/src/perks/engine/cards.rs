//! Punch cards: the programs, a member's stamps, and stamping a purchase (a full card issues its reward's code).

use super::*;

pub(super) const CARD_COLUMNS: &str =
    "SELECT c.id, c.name, c.stamps_needed, c.reward_id, r.name AS reward,
    c.per_item, c.min_amount, c.active FROM punch_cards c JOIN rewards r ON r.id = c.reward_id";

/// Every punch card (`active_only`: those stamping).
pub async fn cards(
    conn: &mut SqliteConnection,
    active_only: bool,
) -> Result<Vec<PunchCard>, sqlx::Error> {
    let filter = if active_only { " WHERE c.active" } else { "" };
    let sql = format!("{CARD_COLUMNS}{filter} ORDER BY c.id");
    let load = sqlx::query_as(&sql).fetch_all(conn);
    crate::db::cached(("cards", i64::from(active_only)), load).await
}

/// Adds (`id` 0) or replaces a punch card. Returns its id.
pub async fn save_card(
    conn: &mut SqliteConnection,
    c: &PunchCard,
    at: Stamp,
) -> Result<i64, AppError> {
    // The same values either way; an insert adds `created_at`, an update names the row.
    let sql = if c.id == 0 {
        "INSERT INTO punch_cards (name, stamps_needed, reward_id, per_item, min_amount, active,
           created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    } else {
        "UPDATE punch_cards SET name = $1, stamps_needed = $2, reward_id = $3, per_item = $4,
           min_amount = $5, active = $6 WHERE id = $7 RETURNING id"
    };
    let query = sqlx::query_scalar::<_, i64>(sql)
        .bind(&c.name)
        .bind(c.stamps_needed)
        .bind(c.reward_id)
        .bind(c.per_item)
        .bind(c.min_amount)
        .bind(c.active);
    let query = if c.id == 0 {
        query.bind(at)
    } else {
        query.bind(c.id)
    };
    let result = query.fetch_one(&mut *conn).await;
    result.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::field("name", Msg::NameTaken)
        } else {
            e.into()
        }
    })
}

/// A member's place on every active card.
pub async fn progress_of(
    conn: &mut SqliteConnection,
    member_id: i64,
) -> Result<Vec<PunchProgress>, sqlx::Error> {
    let mut out = Vec::new();
    for c in cards(conn, true).await? {
        let (stamps, completed): (i64, i64) = sqlx::query_as(
            "SELECT stamps, completed FROM punch_progress WHERE card_id = $1 AND member_id = $2",
        )
        .bind(c.id)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or((0, 0));
        out.push(PunchProgress {
            card: c,
            stamps,
            completed,
        });
    }
    Ok(out)
}

/// Stamps every active card this purchase qualifies for; a full card issues its reward's code
/// (no points taken) and the stamps left over start the next card. What the purchase added to
/// each card, and the codes it filled, are recorded so a refund can take them back.
pub(super) async fn stamp_cards(
    conn: &mut SqliteConnection,
    member_id: i64,
    purchase_id: i64,
    paid_minor: i64,
    items: i64,
    now: Stamp,
    applied: &mut Applied,
) -> Result<(), AppError> {
    for card in cards(conn, true).await? {
        let adding = if card.per_item {
            items
        } else {
            i64::from(paid_minor >= card.min_amount)
        };
        if adding <= 0 {
            continue;
        }
        // The stamps are added relatively first, which also locks the member's row on the
        // card: a concurrent purchase by the same member waits rather than overwriting.
        let total: i64 = sqlx::query_scalar(
            "INSERT INTO punch_progress (card_id, member_id, stamps, completed) VALUES ($1, $2, $3, 0)
             ON CONFLICT (card_id, member_id) DO UPDATE SET stamps = punch_progress.stamps + $3
             RETURNING stamps",
        )
        .bind(card.id)
        .bind(member_id)
        .bind(adding)
        .fetch_one(&mut *conn)
        .await?;
        let before = total - adding;
        let (mut stamps, filled) = stamp(before, adding, card.stamps_needed);
        // A full card gives its reward like a redemption would: only while the reward is
        // offered and in stock. Otherwise the card is held full, and the next qualifying
        // purchase tries again.
        let mut given = 0;
        if filled > 0 {
            let (reward, _) = rewards::get(conn, card.reward_id)
                .await?
                .ok_or(AppError::Internal)?;
            let today = local_day(&pdb::settings(conn).await?.time_zone, now)
                .0
                .to_string();
            while given < filled
                && crate::rewards::types::blocked(&reward, None, &today, i64::MAX, None).is_none()
                && rewards::try_take_stock(conn, &reward).await?
            {
                let code = rewards::issue_code(conn, &reward, member_id, 0, None, now).await?;
                sqlx::query(
                    "UPDATE reward_codes SET source_purchase_id = $1, source_card_id = $2 WHERE id = $3",
                )
                .bind(purchase_id)
                .bind(card.id)
                .bind(code.id)
                .execute(&mut *conn)
                .await?;
                applied.codes.push(reward.name.clone());
                given += 1;
            }
            if given < filled {
                stamps = card.stamps_needed;
            }
        }
        // Full cards leave the row as codes (and what a held-full card cannot take is
        // dropped), again relative to what is there.
        if total != stamps || given > 0 {
            sqlx::query(
                "UPDATE punch_progress SET stamps = stamps - $1, completed = completed + $2
                 WHERE card_id = $3 AND member_id = $4",
            )
            .bind(total - stamps)
            .bind(given)
            .bind(card.id)
            .bind(member_id)
            .execute(&mut *conn)
            .await?;
        }
        // What this purchase counted on the card: a card held full counts only up to full.
        let counted = stamps + given * card.stamps_needed - before;
        if counted > 0 {
            sqlx::query(
                "INSERT INTO purchase_stamps (purchase_id, card_id, stamps) VALUES ($1, $2, $3)",
            )
            .bind(purchase_id)
            .bind(card.id)
            .bind(counted)
            .execute(&mut *conn)
            .await?;
        }
        applied
            .stamps
            .push((card.name.clone(), stamps, card.stamps_needed));
    }
    Ok(())
}
