//! A/B tests in the database: setting one up (variant B, a campaign that only holds B's
//! messages, copied from A's), which members each variant's test goes to, what each did, and
//! the job that picks the winner and queues it for the rest.

use sqlx::SqliteConnection;

use super::ab::{Arm, Metric, Settings, Test, Variant, winner};
use crate::{db::Stamp, error::AppError};

/// Sets campaign `id`'s test; with a share, variant B is created the first time (named after
/// the campaign, with a copy of A's messages) and kept pointing at A's offer and reward.
pub async fn save(
    tx: &mut SqliteConnection,
    id: i64,
    s: &Settings,
    now: Stamp,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE campaigns SET ab_pct = $1, ab_hours = $2, ab_metric = $3 WHERE id = $4")
        .bind(s.share_pct)
        .bind(s.hours)
        .bind(s.metric.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if s.share_pct == 0 {
        return Ok(());
    }
    let variant: Option<i64> = sqlx::query_scalar("SELECT ab_variant FROM campaigns WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let variant = match variant {
        Some(v) => v,
        None => {
            let v: i64 = sqlx::query_scalar(
                "INSERT INTO campaigns (name, channel, status, created_by, created_at, updated_at)
                 SELECT substr(name, 1, 76) || ' · B', channel, 'draft', created_by, $2, $2
                 FROM campaigns WHERE id = $1 RETURNING id",
            )
            .bind(id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO campaign_messages (campaign_id, language, subject, preheader, body)
                 SELECT $2, language, subject, preheader, body FROM campaign_messages
                 WHERE campaign_id = $1",
            )
            .bind(id)
            .bind(v)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE campaigns SET ab_variant = $1 WHERE id = $2")
                .bind(v)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            v
        }
    };
    sqlx::query(
        "UPDATE campaigns SET offer_id = a.offer_id, reward_id = a.reward_id
         FROM (SELECT offer_id, reward_id FROM campaigns WHERE id = $1) a WHERE campaigns.id = $2",
    )
    .bind(id)
    .bind(variant)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The campaign whose variant B campaign `id` is, with its name.
pub async fn variant_of(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM campaigns WHERE ab_variant = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Campaign `id`'s test: settings, variant, when it is decided, the winner and each variant's
/// test messages (sent before the decision).
pub async fn test(
    conn: &mut SqliteConnection,
    id: i64,
    window_days: i64,
    tz: &str,
) -> Result<Test, sqlx::Error> {
    type Raw = (
        i64,
        i64,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let (share_pct, hours, metric, variant, decide_at, won): Raw = sqlx::query_as(
        "SELECT ab_pct, ab_hours, ab_metric, ab_variant, ab_decide_at, ab_winner
         FROM campaigns WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (a, b) = arms(conn, id, window_days).await?;
    Ok(Test {
        settings: Settings {
            share_pct,
            hours,
            metric: Metric::parse(&metric).unwrap_or_default(),
        },
        variant,
        decide_at: decide_at.map(|t| crate::db::local_time_of(tz, &t)),
        winner: won.map(|w| if w == "b" { Variant::B } else { Variant::A }),
        a,
        b,
    })
}

/// What each variant's test messages did: those written when the campaign was sent (the rest
/// are written when the winner is chosen, at its decision time or later).
async fn arms(
    conn: &mut SqliteConnection,
    id: i64,
    window_days: i64,
) -> Result<(Arm, Arm), sqlx::Error> {
    let rows: Vec<(bool, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT s.message_from IS NOT NULL, coalesce(sum(s.status = 'sent'), 0),
                coalesce(sum(EXISTS (SELECT 1 FROM link_clicks k WHERE k.outbox_id = s.id)), 0),
                coalesce(sum(s.status = 'sent' AND EXISTS (
                    SELECT 1 FROM purchases p WHERE p.member_id = s.user_id AND {} AND {})), 0)
         FROM outbox s JOIN campaigns c ON c.id = s.campaign_id
         WHERE s.campaign_id = $1 AND s.kind = 'campaign' AND c.ab_decide_at IS NOT NULL
           AND s.created_at < c.ab_decide_at
         GROUP BY 1",
        super::results_db::within("p.created_at"),
        super::results_db::last_touch("p.created_at"),
    ))
    .bind(id)
    .bind("campaign")
    .bind(format!("+{window_days} days"))
    .fetch_all(conn)
    .await?;
    let (mut a, mut b) = (Arm::default(), Arm::default());
    for (is_b, sent, clicked, bought) in rows {
        let arm = if is_b { &mut b } else { &mut a };
        *arm = Arm {
            sent,
            clicked,
            bought,
        };
    }
    Ok((a, b))
}

/// Chooses the winner of every test whose wait is over (its campaign sending; a paused one
/// waits) and queues it for the members of the segment who got neither variant nor were held
/// back. Idempotent: a decided test is not decided again, and a member gets one row. How many
/// were decided.
pub async fn decide_due(tx: &mut SqliteConnection, now: Stamp) -> Result<u64, AppError> {
    let due: Vec<(i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, window_days, ab_metric, ab_variant FROM campaigns
         WHERE ab_decide_at <= $1 AND ab_winner IS NULL AND status = 'sending'
         ORDER BY ab_decide_at",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let mut decided = 0;
    for (id, window_days, metric, variant) in due {
        let (a, b) = arms(&mut *tx, id, window_days).await?;
        let won = winner(a, b, Metric::parse(&metric).unwrap_or_default());
        sqlx::query("UPDATE campaigns SET ab_winner = $1 WHERE id = $2")
            .bind(won.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let from = match won {
            Variant::A => None,
            Variant::B => variant,
        };
        super::sending::queue_rest(tx, id, from, now).await?;
        decided += 1;
    }
    super::sending::finish_done(tx, now).await?;
    Ok(decided)
}
