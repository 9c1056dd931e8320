//! Sending a campaign: the checks before it goes, queueing one outbox row per reachable
//! member in one transaction, scheduling, pause/resume/cancel and finishing.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{
    Channel, Segment, Status,
    db::{default_language, editable, messages, segment, status, when},
    sql,
};
use crate::{
    db::Stamp,
    error::{AppError, Msg},
};

/// Checks that a campaign can go: not a journey's, a segment, its messages ready. Its
/// segment and channel.
async fn ready(tx: &mut SqliteConnection, id: i64) -> Result<(Segment, Channel), AppError> {
    not_a_journeys(tx, id).await?;
    let (segment_id, channel): (Option<i64>, String) =
        sqlx::query_as("SELECT segment_id, channel FROM campaigns WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let channel = Channel::parse(&channel).unwrap_or(Channel::Email);
    let segment = match segment_id {
        Some(s) => segment(tx, s).await?,
        None => None,
    }
    .ok_or_else(|| AppError::field("segment_id", Msg::SegmentRequired))?;
    messages_ready(tx, id, channel).await?;
    Ok((segment, channel))
}

/// Checks that campaign `id`'s messages can go: one in the default language, no problems
/// (and a subject, for email).
pub async fn messages_ready(
    tx: &mut SqliteConnection,
    id: i64,
    channel: Channel,
) -> Result<(), AppError> {
    let messages = messages(tx, id).await?;
    let default = default_language(tx).await?;
    if !messages.iter().any(|m| m.language == default) {
        return Err(AppError::Conflict {
            message_key: Msg::MessageMissing,
        });
    }
    if messages.iter().any(|m| {
        !m.problems.is_empty() || (channel == Channel::Email && m.subject.trim().is_empty())
    }) {
        return Err(AppError::Conflict {
            message_key: Msg::CampaignProblems,
        });
    }
    Ok(())
}

/// A campaign that holds a journey's messages is sent by its journey only.
async fn not_a_journeys(tx: &mut SqliteConnection, id: i64) -> Result<(), AppError> {
    let journeys: i64 = sqlx::query_scalar("SELECT count(*) FROM journeys WHERE campaign_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if journeys > 0 {
        return Err(AppError::Conflict {
            message_key: Msg::CampaignLocked,
        });
    }
    Ok(())
}

/// Sends a draft or scheduled campaign now: one outbox row per reachable member of its
/// segment (to their email address or phone, by the campaign's channel) and a short link per
/// address its messages name, written in this transaction. How many were queued.
pub async fn queue(
    tx: &mut SqliteConnection,
    id: i64,
    base_url: &str,
    now: Stamp,
) -> Result<i64, AppError> {
    editable(tx, id).await?;
    let (segment, channel) = ready(tx, id).await?;
    let targets = crate::outbox::compose::link_targets(tx, id, base_url).await?;
    super::links::make(tx, id, &targets, now).await?;
    let when = when(tx, now, &segment.rules).await?;
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT OR IGNORE INTO outbox (kind, campaign_id, user_id, channel, address, language,
             dedupe_key, token, status, next_attempt_at, created_at)
         SELECT 'campaign', ",
    );
    let address = match channel {
        Channel::Email => "u.email",
        Channel::Sms => "u.phone",
    };
    q.push_bind(id)
        .push(", u.id, ")
        .push_bind(channel.as_str())
        .push(format!(", {address}, u.language, 'campaign:' || "))
        .push_bind(id)
        .push(" || ':' || u.id, lower(hex(randomblob(16))), 'queued', ")
        .push_bind(now)
        .push(", ")
        .push_bind(now);
    sql::push_from(&mut q, &segment.rules, segment.match_all, &when);
    sql::push_reachable(&mut q, channel);
    // In member order: the covering index yields members in language order, and rows written
    // in that order land all over the outbox's indexes (twice the time at 100,000).
    q.push(" ORDER BY u.id");
    let queued =
        i64::try_from(q.build().execute(&mut *tx).await?.rows_affected()).unwrap_or(i64::MAX);
    sqlx::query(
        "UPDATE campaigns SET status = 'sending', queued = $1, send_at = NULL, updated_at = $2
         WHERE id = $3",
    )
    .bind(queued)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    finish_done(tx, now).await?;
    Ok(queued)
}

/// Schedules a campaign for `at` (checked like a send now).
pub async fn schedule(
    tx: &mut SqliteConnection,
    id: i64,
    at: Stamp,
    now: Stamp,
) -> Result<(), AppError> {
    editable(tx, id).await?;
    ready(tx, id).await?;
    sqlx::query(
        "UPDATE campaigns SET status = 'scheduled', send_at = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(at)
    .bind(now)
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

/// Pause, resume or cancel. Pausing holds unsent messages (workers skip them); cancelling
/// drops them; a scheduled campaign may be cancelled or taken back to draft by pausing.
pub async fn control(
    tx: &mut SqliteConnection,
    id: i64,
    to: Status,
    now: Stamp,
) -> Result<Status, AppError> {
    not_a_journeys(tx, id).await?;
    let from = status(tx, id).await?;
    let next = match (from, to) {
        (Status::Sending, Status::Paused) => Status::Paused,
        (Status::Scheduled, Status::Paused) => Status::Draft,
        (Status::Paused, Status::Sending) => Status::Sending,
        (
            Status::Sending | Status::Paused | Status::Scheduled | Status::Draft,
            Status::Cancelled,
        ) => Status::Cancelled,
        _ => {
            return Err(AppError::Conflict {
                message_key: Msg::CampaignLocked,
            });
        }
    };
    sqlx::query("UPDATE campaigns SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(next.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if next == Status::Cancelled {
        sqlx::query(
            "UPDATE outbox SET status = 'cancelled', lease_until = NULL
             WHERE campaign_id = $1 AND kind = 'campaign' AND status = 'queued'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE campaigns SET finished_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    finish_done(tx, now).await?;
    Ok(next)
}

/// Marks sending campaigns with nothing left to send finished.
pub async fn finish_done(tx: &mut SqliteConnection, now: Stamp) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE campaigns SET status = 'finished', finished_at = $1
         WHERE status = 'sending' AND NOT EXISTS (
             SELECT 1 FROM outbox o WHERE o.campaign_id = campaigns.id AND o.kind = 'campaign'
               AND o.status IN ('queued', 'sending'))",
    )
    .bind(now)
    .execute(tx)
    .await?
    .rows_affected())
}

/// Queues the scheduled campaigns whose time has come (the job; idempotent: a queued
/// campaign is no longer scheduled). How many started.
pub async fn start_due(
    tx: &mut SqliteConnection,
    base_url: &str,
    now: Stamp,
) -> Result<u64, AppError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM campaigns WHERE status = 'scheduled' AND send_at <= $1 ORDER BY send_at",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let mut started = 0;
    for id in due {
        match queue(tx, id, base_url, now).await {
            Ok(_) => started += 1,
            // Changed since it was scheduled (a segment deleted, a message broken): back to
            // draft, so staff see it did not go.
            Err(AppError::Conflict { .. } | AppError::Validation { .. }) => {
                sqlx::query("UPDATE campaigns SET status = 'draft', updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(started)
}
