//! Webhook queries: subscriptions, the delivery log, and the worker's claim and outcome (the
//! deliveries themselves are written by the triggers of migration 53).

use sqlx::SqliteConnection;

use super::{DeliveryInfo, DeliveryState, Event, WebhookInfo};
use crate::db::{Stamp, seconds};

/// A new signing secret: `whsec_` and 64 hex digits.
pub fn new_secret() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", data_encoding::HEXLOWER.encode(&bytes))
}

/// Stores a webhook. Returns its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    url: &str,
    events: &[Event],
    secret: &str,
    by: Option<i64>,
    now: Stamp,
) -> Result<i64, sqlx::Error> {
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    sqlx::query_scalar(
        "INSERT INTO webhooks (url, events, secret, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(url)
    .bind(names.join(" "))
    .bind(secret)
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The active webhooks, newest first.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<WebhookInfo>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, url, events, created_at FROM webhooks WHERE active = 1 ORDER BY id DESC",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, url, events, created_at)| WebhookInfo {
            id,
            url,
            events: Event::list(&events),
            created_at,
        })
        .collect())
}

/// Stops webhook `id`: no new deliveries, pending ones are not sent. False if none is active.
pub async fn remove(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE webhooks SET active = 0 WHERE id = $1 AND active = 1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct LogRow {
    id: i64,
    url: String,
    event: String,
    created_at: String,
    attempts: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    delivered: bool,
    failed: bool,
}

/// The newest `limit` deliveries of active webhooks, newest first.
pub async fn deliveries(
    conn: &mut SqliteConnection,
    limit: i64,
) -> Result<Vec<DeliveryInfo>, sqlx::Error> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "SELECT d.id, w.url, d.event, d.created_at, d.attempts, d.last_status, d.last_error,
                d.delivered_at IS NOT NULL AS delivered, d.failed_at IS NOT NULL AS failed
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE w.active = 1 ORDER BY d.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DeliveryInfo {
            id: r.id,
            url: r.url,
            event: r.event,
            created_at: r.created_at,
            attempts: r.attempts,
            last_status: r.last_status,
            last_error: r.last_error,
            state: match (r.delivered, r.failed) {
                (true, _) => DeliveryState::Delivered,
                (_, true) => DeliveryState::Failed,
                _ => DeliveryState::Pending,
            },
        })
        .collect())
}

/// Sends delivery `id` again from `now` (another day of tries), whatever became of it.
/// False if there is no such delivery of an active webhook.
pub async fn resend(conn: &mut SqliteConnection, id: i64, now: Stamp) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries
         SET delivered_at = NULL, failed_at = NULL, lease_until = NULL, retry_from = $1,
             next_attempt_at = $1
         WHERE id = $2 AND webhook_id IN (SELECT id FROM webhooks WHERE active = 1)",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A delivery the worker claimed.
#[derive(Debug, Clone)]
pub struct Due {
    /// The delivery.
    pub id: i64,
    /// Where to.
    pub url: String,
    /// The signing key.
    pub secret: String,
    /// The event's name.
    pub event: String,
    /// The JSON body.
    pub body: String,
    /// Tries before this one.
    pub attempts: i64,
    /// Tries stop a day after this.
    pub retry_from: Stamp,
}

/// How long a claimed delivery is the claimer's: another worker (after a restart) may take it
/// once this has passed without an outcome.
pub const LEASE_SECS: i64 = 60;

/// A claimed row: id, webhook, event, body, attempts, retry_from.
type Claimed = (i64, i64, String, String, i64, Stamp);

/// Claims up to `limit` deliveries of active webhooks due at `now`, for `LEASE_SECS`.
pub async fn claim(
    conn: &mut SqliteConnection,
    now: Stamp,
    limit: i64,
) -> Result<Vec<Due>, sqlx::Error> {
    let rows: Vec<Claimed> = sqlx::query_as(
        "UPDATE webhook_deliveries SET lease_until = $2
         WHERE id IN (
             SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $1
               AND (d.lease_until IS NULL OR d.lease_until <= $1) AND w.active = 1
             ORDER BY d.next_attempt_at, d.id LIMIT $3)
         RETURNING id, webhook_id, event, body, attempts, retry_from",
    )
    .bind(now)
    .bind(now + seconds(LEASE_SECS))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut due = Vec::with_capacity(rows.len());
    for (id, webhook_id, event, body, attempts, retry_from) in rows {
        let (url, secret): (String, String) =
            sqlx::query_as("SELECT url, secret FROM webhooks WHERE id = $1")
                .bind(webhook_id)
                .fetch_one(&mut *conn)
                .await?;
        due.push(Due {
            id,
            url,
            secret,
            event,
            body,
            attempts,
            retry_from,
        });
    }
    Ok(due)
}

/// What one try came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The HTTP status, if the receiver answered.
    pub status: Option<u16>,
    /// Why there is no (2xx) answer: refused address, timeout, connection error.
    pub error: Option<String>,
    /// How long the try took.
    pub duration_ms: i64,
}

impl Outcome {
    /// Whether the receiver accepted the delivery.
    pub fn accepted(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// How long after a failed try the next comes: 30 s, doubling, at most two hours.
pub fn pause_after(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (30_i64 << doublings).min(7_200)
}

/// How long deliveries are tried.
pub const RETRY_FOR_SECS: i64 = 86_400;

/// Records try `outcome` of claimed delivery `due` at `now`: delivered, or the next try
/// scheduled, or given up once a day has passed since `retry_from`.
pub async fn finish(
    conn: &mut SqliteConnection,
    due: &Due,
    outcome: &Outcome,
    now: Stamp,
) -> Result<DeliveryState, sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(due.id)
    .bind(now)
    .bind(outcome.status)
    .bind(&outcome.error)
    .bind(outcome.duration_ms)
    .execute(&mut *conn)
    .await?;
    let attempts = due.attempts + 1;
    let state = if outcome.accepted() {
        DeliveryState::Delivered
    } else if (now - due.retry_from).as_secs() >= RETRY_FOR_SECS {
        DeliveryState::Failed
    } else {
        DeliveryState::Pending
    };
    sqlx::query(
        "UPDATE webhook_deliveries
         SET attempts = $1, last_status = $2, last_error = $3, lease_until = NULL,
             delivered_at = CASE WHEN $4 = 'delivered' THEN $5 END,
             failed_at = CASE WHEN $4 = 'failed' THEN $5 END,
             next_attempt_at = $6
         WHERE id = $7",
    )
    .bind(attempts)
    .bind(outcome.status)
    .bind(&outcome.error)
    .bind(match state {
        DeliveryState::Delivered => "delivered",
        DeliveryState::Failed => "failed",
        DeliveryState::Pending => "pending",
    })
    .bind(now)
    .bind(now + seconds(pause_after(attempts)))
    .bind(due.id)
    .execute(conn)
    .await?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_from_thirty_seconds_to_two_hours() {
        let pauses: Vec<i64> = (1..=10).map(pause_after).collect();
        assert_eq!(pauses, [30, 60, 120, 240, 480, 960, 1920, 3840, 7200, 7200]);
        // About twenty tries fit in the day.
        let mut spent = 0;
        let tries = (1..).take_while(|&n| {
            spent += pause_after(n);
            spent < RETRY_FOR_SECS
        });
        assert_eq!(tries.count(), 18);
    }
}
