//! Journey queries: settings, the job that enters members and queues their messages, and
//! the results.

use sqlx::SqliteConnection;

use super::{
    Journey, Results, Settings, Trigger,
    steps::{Step, StepSettings},
};
use crate::{
    campaigns::{Channel, sql::reachable},
    db::{Stamp, days},
    error::AppError,
};

mod results;
mod steps;

pub use results::results_of_campaign;
use results::{results, tally};

/// A journey's row: id, trigger, its campaign, channel, settings, checked-until.
struct Row {
    id: i64,
    trigger: Trigger,
    campaign_id: i64,
    channel: Channel,
    settings: Settings,
    checked_until: Option<Stamp>,
}

async fn row(conn: &mut SqliteConnection, trigger: Trigger) -> Result<Row, AppError> {
    type Raw = (
        i64,
        i64,
        String,
        bool,
        i64,
        Option<i64>,
        i64,
        i64,
        Option<Stamp>,
    );
    let raw: Option<Raw> = sqlx::query_as(
        "SELECT j.id, j.campaign_id, c.channel, j.enabled, j.wait_days, j.reentry_days,
                j.holdout_pct, j.window_days, j.checked_until
         FROM journeys j JOIN campaigns c ON c.id = j.campaign_id WHERE j.trigger = $1",
    )
    .bind(trigger.as_str())
    .fetch_optional(conn)
    .await?;
    let (
        id,
        campaign_id,
        channel,
        enabled,
        wait_days,
        reentry_days,
        holdout_pct,
        window_days,
        checked_until,
    ) = raw.ok_or(AppError::NotFound)?;
    Ok(Row {
        id,
        trigger,
        campaign_id,
        channel: Channel::parse(&channel).unwrap_or(Channel::Email),
        settings: Settings {
            enabled,
            wait_days,
            reentry_days,
            holdout_pct,
            window_days,
        },
        checked_until,
    })
}

/// Journey `trigger` with its messages and results.
pub async fn get(conn: &mut SqliteConnection, trigger: Trigger) -> Result<Journey, AppError> {
    let row = row(&mut *conn, trigger).await?;
    let campaign = crate::campaigns::db::get(&mut *conn, row.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let results = results(&mut *conn, &row).await?;
    let steps = steps::list(&mut *conn, &row).await?;
    let currency = crate::loyalty::db::program::settings(&mut *conn)
        .await?
        .currency;
    Ok(Journey {
        trigger,
        settings: row.settings,
        campaign,
        results,
        steps,
        currency,
    })
}

/// Saves step `position` of journey `trigger` (`None`: adds one after the last). Its
/// position.
pub async fn save_step(
    tx: &mut SqliteConnection,
    trigger: Trigger,
    position: Option<i64>,
    settings: &StepSettings,
    now: Stamp,
) -> Result<i64, AppError> {
    let j = row(&mut *tx, trigger).await?;
    steps::save(tx, &j, position, settings, now).await
}

/// Removes journey `trigger`'s last step while no member has reached it.
pub async fn remove_step(tx: &mut SqliteConnection, trigger: Trigger) -> Result<(), AppError> {
    let j = row(&mut *tx, trigger).await?;
    steps::remove_last(tx, &j).await
}

/// Step `position` of journey `trigger` with its messages (the campaign that holds them).
pub async fn step(
    conn: &mut SqliteConnection,
    trigger: Trigger,
    position: i64,
) -> Result<(Step, crate::campaigns::Campaign), AppError> {
    let j = row(&mut *conn, trigger).await?;
    let step = steps::list(&mut *conn, &j)
        .await?
        .into_iter()
        .find(|s| s.position == position)
        .ok_or(AppError::NotFound)?;
    let campaign = crate::campaigns::db::get(&mut *conn, step.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((step, campaign))
}

/// Every journey: trigger, switched on, what it brought.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<(Trigger, bool, Results)>, AppError> {
    let mut out = Vec::new();
    for trigger in Trigger::ALL {
        let row = row(&mut *conn, trigger).await?;
        let results = results(&mut *conn, &row).await?;
        out.push((trigger, row.settings.enabled, results));
    }
    Ok(out)
}

/// Saves journey `trigger`'s settings. Switching it on needs its messages ready (one in the
/// shop's language, no problems) and enters whoever qualifies now; switching it off drops
/// its messages not sent yet. How many members entered.
pub async fn save(
    tx: &mut SqliteConnection,
    trigger: Trigger,
    settings: Settings,
    base_url: &str,
    now: Stamp,
) -> Result<u64, AppError> {
    let before = row(&mut *tx, trigger).await?;
    if settings.enabled {
        crate::campaigns::db::messages_ready(&mut *tx, before.campaign_id, before.channel).await?;
    }
    sqlx::query(
        "UPDATE journeys SET enabled = $1, wait_days = $2, reentry_days = $3, holdout_pct = $4,
             window_days = $5, updated_at = $6,
             checked_until = CASE WHEN enabled = 1 AND $1 THEN checked_until END
         WHERE id = $7",
    )
    .bind(settings.enabled)
    .bind(settings.wait_days)
    .bind(settings.reentry_days)
    .bind(settings.holdout_pct)
    .bind(settings.window_days)
    .bind(now)
    .bind(before.id)
    .execute(&mut *tx)
    .await?;
    if !settings.enabled {
        sqlx::query(
            "UPDATE outbox SET status = 'cancelled', lease_until = NULL
             WHERE kind = 'journey' AND status = 'queued' AND campaign_id IN (
                 SELECT campaign_id FROM journey_campaigns WHERE journey_id = $1)",
        )
        .bind(before.id)
        .execute(&mut *tx)
        .await?;
        return Ok(0);
    }
    // As saved (`checked_until` may have been cleared).
    let j = row(&mut *tx, trigger).await?;
    run(tx, &j, base_url, now).await
}

/// The job: runs every switched-on journey at `now`. How many members entered.
pub async fn run_all(
    tx: &mut SqliteConnection,
    base_url: &str,
    now: Stamp,
) -> Result<u64, AppError> {
    let mut entered = 0;
    for trigger in Trigger::ALL {
        let j = row(&mut *tx, trigger).await?;
        if j.settings.enabled {
            entered += run(tx, &j, base_url, now).await?;
        }
    }
    Ok(entered)
}

/// Enters the members who crossed the trigger's moment since the journey last looked and
/// are reachable on its channel, unless the re-entry rule keeps them out, and queues a
/// message for each entry outside the control group; first, members who reached the goal
/// while their message waited leave. Running it twice at the same `now` changes nothing the
/// second time. How many entered.
async fn run(
    tx: &mut SqliteConnection,
    j: &Row,
    base_url: &str,
    now: Stamp,
) -> Result<u64, AppError> {
    let s = j.settings;
    if j.trigger.goal_is_purchase() {
        leave_on_purchase(&mut *tx, j, now).await?;
    }
    let (lo, hi, moment) = super::occasions::bounds(
        &mut *tx,
        j.trigger,
        j.settings.wait_days,
        j.checked_until,
        now,
    )
    .await?;
    let reentry_after = s.reentry_days.map(|d| now - days(d));
    // The control group: a fixed share of member ids (7,919 is prime to 100, so every
    // hundred consecutive ids hold exactly `holdout_pct` of them). A member with several
    // occasions in one run enters once (the first key), as the re-entry rule would have it
    // had they come one after the other.
    let entered = sqlx::query(&format!(
        "INSERT OR IGNORE INTO journey_entries (journey_id, user_id, entry_key, entered_at, held_out)
         SELECT $1, u.id, c.entry_key, $2, (u.id * 7919) % 100 < $3
         FROM (SELECT user_id, min(entry_key) AS entry_key FROM ({}) GROUP BY user_id) c
         JOIN users u ON u.id = c.user_id
         WHERE u.role = 'member' AND u.closed_at IS NULL AND u.disabled_at IS NULL AND {}
           AND NOT EXISTS (SELECT 1 FROM journey_entries e
                           WHERE e.journey_id = $1 AND e.user_id = u.id
                             AND ($6 IS NULL OR e.entered_at > $6))
         ORDER BY u.id",
        super::occasions::crossed(j.trigger, j.channel),
        reachable(j.channel)
    ))
    .bind(j.id)
    .bind(now)
    .bind(s.holdout_pct)
    .bind(lo)
    .bind(hi)
    .bind(reentry_after)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("UPDATE journeys SET checked_until = $1 WHERE id = $2 AND (checked_until IS NULL OR checked_until < $1)")
        .bind(moment)
        .bind(j.id)
        .execute(&mut *tx)
        .await?;
    if entered > 0 {
        queue(&mut *tx, j, base_url, now).await?;
    }
    steps::run(tx, j, base_url, now).await?;
    Ok(entered)
}

/// Members of journey `j` who bought after entering while one of its messages to them still
/// waits (held by quiet hours, or behind a long queue) leave it: the message is dropped.
async fn leave_on_purchase(
    tx: &mut SqliteConnection,
    j: &Row,
    now: Stamp,
) -> Result<(), sqlx::Error> {
    // Each entry's messages: the first, and its steps'.
    const MESSAGES: &str = "messages(entry_id, outbox_id) AS (
             SELECT id, outbox_id FROM journey_entries WHERE journey_id = $1 AND outbox_id IS NOT NULL
             UNION ALL
             SELECT r.entry_id, r.outbox_id FROM journey_step_runs r
             JOIN journey_steps s ON s.id = r.step_id
             WHERE s.journey_id = $1 AND r.outbox_id IS NOT NULL)";
    sqlx::query(&format!(
        "WITH {MESSAGES}
         UPDATE journey_entries SET left_at = $2
         WHERE id IN (
             SELECT e.id FROM messages m JOIN outbox o ON o.id = m.outbox_id
             JOIN journey_entries e ON e.id = m.entry_id
             JOIN member_stats s ON s.member_id = e.user_id
             WHERE o.status = 'queued' AND e.left_at IS NULL
               AND s.last_purchase_at > e.entered_at)"
    ))
    .bind(j.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "WITH {MESSAGES}
         UPDATE outbox SET status = 'cancelled', lease_until = NULL
         WHERE status = 'queued' AND id IN (
             SELECT m.outbox_id FROM messages m JOIN journey_entries e ON e.id = m.entry_id
             WHERE e.left_at = $2)"
    ))
    .bind(j.id)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// One outbox row per entry that has none and is not in the control group (the entry's id
/// is the row's dedupe key: one message per entry, whatever runs twice).
async fn queue(
    tx: &mut SqliteConnection,
    j: &Row,
    base_url: &str,
    now: Stamp,
) -> Result<(), AppError> {
    let targets = crate::outbox::compose::link_targets(&mut *tx, j.campaign_id, base_url).await?;
    crate::campaigns::links::make(&mut *tx, j.campaign_id, &targets, now).await?;
    let address = match j.channel {
        Channel::Email => "u.email",
        Channel::Sms => "u.phone",
    };
    sqlx::query(&format!(
        "INSERT OR IGNORE INTO outbox (kind, campaign_id, user_id, channel, address, language,
             dedupe_key, token, status, next_attempt_at, created_at)
         SELECT 'journey', $1, u.id, $2, {address}, u.language, 'journey:' || e.id,
                lower(hex(randomblob(16))), 'queued', $3, $3
         FROM journey_entries e JOIN users u ON u.id = e.user_id
         WHERE e.journey_id = $4 AND e.outbox_id IS NULL AND e.held_out = 0
           AND {address} IS NOT NULL"
    ))
    .bind(j.campaign_id)
    .bind(j.channel.as_str())
    .bind(now)
    .bind(j.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE journey_entries SET outbox_id =
             (SELECT o.id FROM outbox o WHERE o.dedupe_key = 'journey:' || journey_entries.id)
         WHERE journey_id = $1 AND outbox_id IS NULL AND held_out = 0",
    )
    .bind(j.id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
