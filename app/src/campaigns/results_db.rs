//! Reading a campaign's or a journey's results from the outbox, the clicks, the ledger and
//! the purchases. A purchase counts for the last message (campaign or journey) the member was
//! sent before it, if it came within the window after that message.

use sqlx::SqliteConnection;

use super::results::Results;

/// A `sent` CTE: campaign `$1`'s messages of kind `$2` that were sent.
const SENT: &str = "sent AS (
    SELECT o.id AS outbox_id, o.user_id, o.sent_at FROM outbox o
    WHERE o.campaign_id = $1 AND o.kind = $2 AND o.status = 'sent')";

/// No later message to the member between the message in `s` and the moment `at`.
pub(super) fn last_touch(at: &str) -> String {
    format!(
        "NOT EXISTS (
             SELECT 1 FROM outbox l WHERE l.user_id = s.user_id
               AND l.kind IN ('campaign', 'journey') AND l.status = 'sent'
               AND l.sent_at > s.sent_at AND l.sent_at < {at})"
    )
}

/// `at` falls within the window (`$3`, a SQLite modifier such as `+5 days`) after `s`.
pub(super) fn within(at: &str) -> String {
    format!("{at} > s.sent_at AND {at} <= strftime('%Y-%m-%dT%H:%M:%SZ', s.sent_at, $3)")
}

/// Fills what the messages of kind `kind` (`campaign`, `journey`) held by campaign
/// `campaign_id` did once sent: bounces, unsubscribes, clicks, and the purchases and
/// redemptions attributed to them within `window_days`.
pub async fn touches(
    conn: &mut SqliteConnection,
    r: &mut Results,
    campaign_id: i64,
    kind: &str,
    window_days: i64,
) -> Result<(), sqlx::Error> {
    (r.bounced, r.unsubscribed) = sqlx::query_as(
        "SELECT coalesce(sum(bounced), 0), count(unsubscribed_at) FROM outbox
         WHERE campaign_id = $1 AND kind = $2",
    )
    .bind(campaign_id)
    .bind(kind)
    .fetch_one(&mut *conn)
    .await?;
    r.clicked = sqlx::query_scalar(
        "SELECT count(DISTINCT c.outbox_id) FROM outbox o JOIN link_clicks c ON c.outbox_id = o.id
         WHERE o.campaign_id = $1 AND o.kind = $2",
    )
    .bind(campaign_id)
    .bind(kind)
    .fetch_one(&mut *conn)
    .await?;
    let window = format!("+{window_days} days");
    (r.bought, r.purchases, r.revenue_minor, r.points) = sqlx::query_as(&format!(
        "WITH {SENT},
         hits AS (
             SELECT s.outbox_id, p.amount_minor - p.refunded_minor AS net,
                    p.points - p.points_refunded AS points
             FROM sent s JOIN purchases p ON p.member_id = s.user_id AND {}
             WHERE {})
         SELECT count(DISTINCT outbox_id), count(*), coalesce(sum(net), 0),
                coalesce(sum(points), 0)
         FROM hits",
        within("p.created_at"),
        last_touch("p.created_at"),
    ))
    .bind(campaign_id)
    .bind(kind)
    .bind(&window)
    .fetch_one(&mut *conn)
    .await?;
    r.redeemed = sqlx::query_scalar(&format!(
        "WITH {SENT}
         SELECT coalesce(sum(-m.amount), 0) FROM sent s
         JOIN point_movements m ON m.member_id = s.user_id AND m.kind = 'redeem' AND {}
         WHERE {}",
        within("m.created_at"),
        last_touch("m.created_at"),
    ))
    .bind(campaign_id)
    .bind(kind)
    .bind(&window)
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Campaign `id`'s results: its messages, its control group and what both did within
/// `window_days`.
pub async fn campaign(
    conn: &mut SqliteConnection,
    id: i64,
    window_days: i64,
) -> Result<Results, sqlx::Error> {
    let mut r = Results::default();
    let p = super::db::progress(&mut *conn, id).await?;
    (r.queued, r.sent) = (p.queued, p.sent);
    r.not_sent = p.failed + p.suppressed + p.cancelled;
    (r.held_out, r.held_out_bought) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(EXISTS (
             SELECT 1 FROM purchases p WHERE p.member_id = h.user_id AND p.created_at > h.held_at
               AND p.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', h.held_at, $2))), 0)
         FROM campaign_holdouts h WHERE h.campaign_id = $1",
    )
    .bind(id)
    .bind(format!("+{window_days} days"))
    .fetch_one(&mut *conn)
    .await?;
    r.entered = r.queued + r.sent + r.not_sent + r.held_out;
    touches(conn, &mut r, id, "campaign", window_days).await?;
    Ok(r)
}
