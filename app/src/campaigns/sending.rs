//! Sending a campaign: the checks before it goes, queueing one outbox row per reachable
//! member in one transaction, scheduling, pause/resume/cancel and finishing.

use sqlx::SqliteConnection;

use super::{
    Channel, Segment, Status,
    audience::{Audience, hold_out},
    db::{default_language, editable, messages, segment, status, when},
    results::MIN_HOLDOUT_AUDIENCE,
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

/// A campaign that holds a journey's messages is sent by its journey only, and a test's
/// variant B by the campaign it is tested in.
pub(super) async fn not_a_journeys(tx: &mut SqliteConnection, id: i64) -> Result<(), AppError> {
    let journeys: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM journey_campaigns WHERE campaign_id = $1)
              + (SELECT count(*) FROM campaigns WHERE ab_variant = $1)",
    )
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
    let (share, hours, variant): (i64, i64, Option<i64>) =
        sqlx::query_as("SELECT ab_pct, ab_hours, ab_variant FROM campaigns WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let variant = variant.filter(|_| share > 0);
    for c in std::iter::once(id).chain(variant) {
        if c != id {
            messages_ready(tx, c, channel)
                .await
                .map_err(|_| AppError::Conflict {
                    message_key: Msg::VariantNotReady,
                })?;
        }
        let targets = crate::outbox::compose::link_targets(tx, c, base_url).await?;
        super::links::make(tx, c, &targets, now).await?;
    }
    let when = when(tx, now, &segment.rules).await?;
    let audience = Audience {
        id,
        segment: &segment,
        channel,
        when: &when,
        now,
    };
    let reachable = audience.reachable(tx).await?;
    let held = hold_out(tx, &audience, reachable).await?;
    let queued = match variant {
        // A test: each variant to its share; the rest waits for the winner.
        Some(b) if reachable >= MIN_HOLDOUT_AUDIENCE => {
            sqlx::query("UPDATE campaigns SET ab_decide_at = $1 WHERE id = $2")
                .bind(now.plus_secs(hours * 3600))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audience.write(tx, None, held, held + share).await?
                + audience
                    .write(tx, Some(b), held + share, held + 2 * share)
                    .await?
        }
        _ => {
            // Too few members for a test: everyone gets A, recorded as not tested.
            if variant.is_some() {
                sqlx::query("UPDATE campaigns SET ab_winner = 'a' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            audience.write(tx, None, 0, 100).await?
        }
    };
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

/// Queues A/B-tested campaign `id`'s winner (`from`: variant B's campaign, `None`: A) for
/// the reachable members of its segment now who were neither tested nor held back. A segment
/// deleted or a message broken since it was sent leaves the rest unsent. How many.
pub async fn queue_rest(
    tx: &mut SqliteConnection,
    id: i64,
    from: Option<i64>,
    now: Stamp,
) -> Result<i64, AppError> {
    let (segment, channel) = match ready(tx, id).await {
        Ok(ready) => ready,
        Err(AppError::Conflict { .. } | AppError::Validation { .. }) => return Ok(0),
        Err(e) => return Err(e),
    };
    let (share, held): (i64, i64) = sqlx::query_as(
        "SELECT ab_pct, CASE WHEN EXISTS (SELECT 1 FROM campaign_holdouts WHERE campaign_id = $1)
                             THEN holdout_pct ELSE 0 END
         FROM campaigns WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let when = when(tx, now, &segment.rules).await?;
    let audience = Audience {
        id,
        segment: &segment,
        channel,
        when: &when,
        now,
    };
    let queued = audience.write(tx, from, held + 2 * share, 100).await?;
    sqlx::query("UPDATE campaigns SET queued = queued + $1 WHERE id = $2")
        .bind(queued)
        .bind(id)
        .execute(&mut *tx)
        .await?;
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
         WHERE status = 'sending' AND (ab_decide_at IS NULL OR ab_winner IS NOT NULL)
           AND NOT EXISTS (
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
