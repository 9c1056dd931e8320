//! What a journey brought: its first message's results (and, for the results download, a
//! step's by its campaign).

use sqlx::SqliteConnection;

use super::{Row, row};
use crate::{
    campaigns::results_db::touches,
    error::AppError,
    journeys::{Results, Trigger},
};

/// What the journey whose messages campaign `campaign_id` holds brought: its first
/// message's or a step's (`None`: no journey's).
pub async fn results_of_campaign(
    conn: &mut SqliteConnection,
    campaign_id: i64,
) -> Result<Option<Results>, AppError> {
    let trigger: Option<String> =
        sqlx::query_scalar("SELECT trigger FROM journeys WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(t) = trigger.as_deref().and_then(Trigger::parse) {
        let j = row(&mut *conn, t).await?;
        return Ok(Some(results(conn, &j).await?));
    }
    // A step's messages.
    let step: Option<(String, i64)> = sqlx::query_as(
        "SELECT j.trigger, s.position FROM journey_steps s JOIN journeys j ON j.id = s.journey_id
         WHERE s.campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&mut *conn)
    .await?;
    match step {
        Some((t, position)) => match Trigger::parse(&t) {
            Some(t) => Ok(Some(super::step(conn, t, position).await?.0.results)),
            None => Ok(None),
        },
        None => Ok(None),
    }
}

/// What journey `j` brought, with purchases counted within its window after a message (last
/// touch: no later marketing message to the member before the purchase).
pub(super) async fn results(conn: &mut SqliteConnection, j: &Row) -> Result<Results, sqlx::Error> {
    let mut r = Results::default();
    (r.entered, r.held_out) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(held_out), 0) FROM journey_entries WHERE journey_id = $1",
    )
    .bind(j.id)
    .fetch_one(&mut *conn)
    .await?;
    let statuses: Vec<(String, bool, i64)> = sqlx::query_as(
        "SELECT o.status, e.left_at IS NOT NULL, count(*) FROM journey_entries e
         JOIN outbox o ON o.id = e.outbox_id
         WHERE e.journey_id = $1 GROUP BY 1, 2",
    )
    .bind(j.id)
    .fetch_all(&mut *conn)
    .await?;
    tally(&mut r, statuses);
    let window = j.settings.window_days;
    r.held_out_bought = sqlx::query_scalar(
        "SELECT count(*) FROM journey_entries e
         WHERE e.journey_id = $1 AND e.held_out = 1 AND EXISTS (
             SELECT 1 FROM purchases p WHERE p.member_id = e.user_id
               AND p.created_at > e.entered_at
               AND p.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', e.entered_at, $2))",
    )
    .bind(j.id)
    .bind(format!("+{window} days"))
    .fetch_one(&mut *conn)
    .await?;
    touches(conn, &mut r, j.campaign_id, "journey", window).await?;
    Ok(r)
}

/// Adds messages counted by `(status, entry left, count)` to `r`'s figures (a message
/// dropped because its member left counts as `left`).
pub(super) fn tally(r: &mut Results, statuses: Vec<(String, bool, i64)>) {
    for (status, left, n) in statuses {
        match status.as_str() {
            "queued" | "sending" => r.queued += n,
            "sent" => r.sent += n,
            "cancelled" if left => r.left += n,
            _ => r.not_sent += n,
        }
    }
}
