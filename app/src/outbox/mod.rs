//! The outbox: every message that leaves the process is first a row here, written in the
//! transaction of the change that causes it. Workers (in the server) claim due rows with a
//! lease, compose each one ([`compose`]), hand it to the transport and mark it sent only once
//! the other side accepted it. A row whose lease ran out (its worker died) is claimed again;
//! temporary failures come back later, with back-off; `dedupe_key` keeps one logical message
//! one row.

pub mod compose;
pub mod context;
pub mod sms;

use sqlx::SqliteConnection;

use crate::{campaigns::db::finish_done, db::Stamp};

/// A claimed row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    /// Row id.
    pub id: i64,
    /// `campaign`, `test`, `confirm_email`.
    pub kind: String,
    /// The campaign, for campaign and test messages.
    pub campaign_id: Option<i64>,
    /// The recipient's account.
    pub user_id: Option<i64>,
    /// `email` or `sms`.
    pub channel: String,
    /// Where it goes.
    pub address: String,
    /// Its language.
    pub language: String,
    /// The secret in its links.
    pub token: String,
    /// Tries so far, this one included.
    pub attempts: i64,
    /// What the composer should add (`phone_not_saved` on a confirmation).
    pub note: Option<String>,
    /// The campaign whose messages it carries when not its own (an A/B test's variant B).
    pub message_from: Option<i64>,
}

/// Whether a row of `kind` is marketing: sent only while the member consents, with an
/// unsubscribe link (a campaign's or a journey's message; not a test or an account notice).
pub fn is_marketing(kind: &str) -> bool {
    matches!(kind, "campaign" | "journey")
}

/// Tries before a temporary failure becomes permanent.
pub const MAX_ATTEMPTS: i64 = 8;

/// Wait before try `attempts + 1`: 1, 2, 4 … minutes, at most 2 hours.
pub fn backoff_secs(attempts: i64) -> i64 {
    60 * (1_i64 << attempts.clamp(1, 8).saturating_sub(1)).min(120)
}

/// Claims up to `limit` due rows on `channel` (`email`, `sms`: each transport takes only its
/// own) for `lease_secs`: queued rows whose time has come and rows whose lease ran out,
/// skipping campaigns that are not sending (paused, cancelled), and marketing to members in
/// the channel's quiet hours on their own clock (those rows wait).
pub async fn claim(
    tx: &mut SqliteConnection,
    channel: &str,
    now: Stamp,
    lease_secs: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let shop = crate::campaigns::db::shop_tz(&mut *tx).await?;
    let quiet = crate::journeys::rules::quiet_zones(&mut *tx, channel, &shop, now).await?;
    let quiet = serde_json::to_string(&quiet).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query_as(
        "UPDATE outbox SET status = 'sending', lease_until = $1, attempts = attempts + 1
         WHERE id IN (
             SELECT o.id FROM outbox o LEFT JOIN campaigns c ON c.id = o.campaign_id
             WHERE o.status IN ('queued', 'sending') AND o.next_attempt_at <= $2
               AND (o.status = 'queued' OR o.lease_until <= $2)
               AND (o.kind <> 'campaign' OR c.status = 'sending') AND o.channel = $4
               AND NOT (o.kind IN ('campaign', 'journey') AND $5 <> '[]'
                        AND coalesce((SELECT u.time_zone FROM users u WHERE u.id = o.user_id), $6)
                            IN (SELECT value FROM json_each($5)))
             ORDER BY o.next_attempt_at, o.id LIMIT $3)
         RETURNING id, kind, campaign_id, user_id, channel, address, language, token, attempts,
             note, message_from",
    )
    .bind(now.plus_secs(lease_secs))
    .bind(now)
    .bind(limit)
    .bind(channel)
    .bind(quiet)
    .bind(shop)
    .fetch_all(tx)
    .await
}

/// Queues again every row a process had claimed (at start-up, when no worker of this process
/// holds a lease; one server runs per database). A message that was on the wire when the last
/// process died may go twice; none is lost. How many.
pub async fn recover(tx: &mut SqliteConnection) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE outbox SET status = 'queued', lease_until = NULL WHERE status = 'sending'",
    )
    .execute(tx)
    .await?
    .rows_affected())
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the other side.
    Sent,
    /// Try again later (4xx, timeouts, connection trouble).
    Retry(String),
    /// Given up (5xx); `bounce`: the address does not exist, suppress it.
    Failed { error: String, bounce: bool },
    /// Not sent: consent withdrawn, address suppressed or account closed by now.
    Suppressed,
    /// Not sent now: its campaign was paused meanwhile (queued again, this try not counted).
    Held,
    /// Not sent: its campaign was cancelled meanwhile.
    Cancelled,
    /// Not sent: the member had as many marketing messages as the frequency cap allows.
    Capped,
}

/// Records what became of claimed rows, and finishes campaigns with nothing left to send.
/// Only rows still leased (`sending`) change: a row cancelled meanwhile stays cancelled.
pub async fn record(
    tx: &mut SqliteConnection,
    results: &[(Claimed, Outcome)],
    now: Stamp,
) -> Result<(), sqlx::Error> {
    // Sent, the usual answer: one statement for all of them.
    let sent: Vec<i64> = results
        .iter()
        .filter(|(_, o)| *o == Outcome::Sent)
        .map(|(row, _)| row.id)
        .collect();
    if !sent.is_empty() {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL
             WHERE id IN (SELECT value FROM json_each($2)) AND status = 'sending'",
        )
        .bind(now)
        .bind(serde_json::to_string(&sent).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
        .execute(&mut *tx)
        .await?;
    }
    for (row, outcome) in results {
        match outcome {
            Outcome::Sent => {}
            Outcome::Retry(error) if row.attempts < MAX_ATTEMPTS => {
                sqlx::query(
                    "UPDATE outbox SET status = 'queued', lease_until = NULL, last_error = $1,
                         next_attempt_at = $2
                     WHERE id = $3 AND status = 'sending'",
                )
                .bind(error)
                .bind(now.plus_secs(backoff_secs(row.attempts)))
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
            }
            Outcome::Retry(error) | Outcome::Failed { error, .. } => {
                sqlx::query(
                    "UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = $1,
                         bounced = $3
                     WHERE id = $2 AND status = 'sending'",
                )
                .bind(error)
                .bind(row.id)
                .bind(matches!(outcome, Outcome::Failed { bounce: true, .. }))
                .execute(&mut *tx)
                .await?;
                if matches!(outcome, Outcome::Failed { bounce: true, .. }) {
                    suppress(tx, &row.channel, &row.address, "hard_bounce", now).await?;
                }
            }
            Outcome::Suppressed | Outcome::Cancelled | Outcome::Capped => {
                sqlx::query(
                    "UPDATE outbox SET status = $1, lease_until = NULL, last_error = $2
                     WHERE id = $3 AND status = 'sending'",
                )
                .bind(if *outcome == Outcome::Cancelled {
                    "cancelled"
                } else {
                    "suppressed"
                })
                .bind((*outcome == Outcome::Capped).then_some("frequency cap"))
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
            }
            Outcome::Held => {
                sqlx::query(
                    "UPDATE outbox SET status = 'queued', lease_until = NULL, attempts = attempts - 1
                     WHERE id = $1 AND status = 'sending'",
                )
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    // Only a failure can push a campaign over the threshold: look at those campaigns alone.
    let mut failing: Vec<i64> = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Failed { .. } | Outcome::Retry(_)))
        .filter_map(|(row, _)| row.campaign_id.filter(|_| row.kind == "campaign"))
        .collect();
    failing.dedup();
    for campaign in failing {
        pause_failing(tx, campaign, now).await?;
    }
    finish_done(tx, now).await?;
    Ok(())
}

/// Failures, out of at least this many finished messages, that pause a campaign.
const PAUSE_AFTER: i64 = 20;
/// The share of failures (percent) that pauses a campaign.
const PAUSE_PERCENT: i64 = 50;

/// Pauses campaign `id` while sending if its failure rate passed the threshold (a broken
/// transport or a bad list), so staff can look before the rest fails too. Temporary failures
/// waiting for their next try count as failures here.
async fn pause_failing(tx: &mut SqliteConnection, id: i64, now: Stamp) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE campaigns SET status = 'paused', updated_at = $1
         WHERE id = $2 AND status = 'sending' AND (
             SELECT count(*) >= $3 AND 100 * sum(status = 'failed' OR last_error IS NOT NULL) >= $4 * count(*)
             FROM outbox WHERE campaign_id = $2 AND kind = 'campaign'
               AND (status IN ('sent', 'failed') OR last_error IS NOT NULL))",
    )
    .bind(now)
    .bind(id)
    .bind(PAUSE_AFTER)
    .bind(PAUSE_PERCENT)
    .execute(tx)
    .await?;
    Ok(())
}

/// Adds an address to the suppression list (kept if already there).
pub async fn suppress(
    tx: &mut SqliteConnection,
    channel: &str,
    address: &str,
    reason: &str,
    now: Stamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO suppressions (channel, address, reason, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (channel, address) DO NOTHING",
    )
    .bind(channel)
    .bind(address)
    .bind(reason)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// A random token for a message's links.
pub fn new_token() -> String {
    use rand::RngCore as _;
    let mut bytes = [0_u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Queues one message outside a campaign (a test send, an address confirmation) to `address`
/// on `channel`. Its `dedupe_key` makes queueing it twice queue it once.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn queue_one(
    tx: &mut SqliteConnection,
    kind: &str,
    campaign_id: Option<i64>,
    user_id: i64,
    channel: &str,
    address: &str,
    language: &str,
    dedupe_key: &str,
    now: Stamp,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO outbox (kind, campaign_id, user_id, channel, address, language,
             dedupe_key, token, status, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $9, $4, $5, $6, $7, 'queued', $8, $8)",
    )
    .bind(kind)
    .bind(campaign_id)
    .bind(user_id)
    .bind(address)
    .bind(language)
    .bind(dedupe_key)
    .bind(new_token())
    .bind(now)
    .bind(channel)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
