//! A journey's steps after its first message: saving them, running them in the journey job,
//! and what each did.

use sqlx::SqliteConnection;

use super::{Row, tally};
use crate::{
    campaigns::{Channel, db::messages_ready, results_db::touches},
    db::{Stamp, days},
    error::{AppError, Msg},
    journeys::{
        Results,
        steps::{Action, Condition, MAX_STEPS, Step, StepSettings},
    },
};

/// A step's row.
struct StepRow {
    id: i64,
    position: i64,
    settings: StepSettings,
    campaign_id: i64,
}

async fn rows(conn: &mut SqliteConnection, journey_id: i64) -> Result<Vec<StepRow>, sqlx::Error> {
    type Raw = (i64, i64, i64, String, String, Option<String>, i64);
    let raw: Vec<Raw> = sqlx::query_as(
        "SELECT id, position, wait_days, condition, action, tag, campaign_id FROM journey_steps
         WHERE journey_id = $1 ORDER BY position",
    )
    .bind(journey_id)
    .fetch_all(conn)
    .await?;
    Ok(raw
        .into_iter()
        .map(
            |(id, position, wait_days, condition, action, tag, campaign_id)| StepRow {
                id,
                position,
                settings: StepSettings {
                    wait_days,
                    condition: Condition::parse(&condition).unwrap_or(Condition::Always),
                    action: match (action.as_str(), tag) {
                        ("tag", Some(tag)) => Action::Tag(tag),
                        _ => Action::Send,
                    },
                },
                campaign_id,
            },
        )
        .collect())
}

/// Whether campaign `id`'s messages are ready to go on `channel` (one in the shop's
/// language, no problems).
async fn ready(conn: &mut SqliteConnection, id: i64, channel: Channel) -> Result<bool, AppError> {
    match messages_ready(conn, id, channel).await {
        Ok(()) => Ok(true),
        Err(AppError::Conflict { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Journey `j`'s steps with what each did.
pub(super) async fn list(conn: &mut SqliteConnection, j: &Row) -> Result<Vec<Step>, AppError> {
    let mut out = Vec::new();
    for s in rows(&mut *conn, j.id).await? {
        let ready = ready(&mut *conn, s.campaign_id, j.channel).await?;
        let mut r = Results::default();
        let outcomes: Vec<(String, i64)> = sqlx::query_as(
            "SELECT outcome, count(*) FROM journey_step_runs WHERE step_id = $1 GROUP BY 1",
        )
        .bind(s.id)
        .fetch_all(&mut *conn)
        .await?;
        let count = |o: &str| outcomes.iter().find(|(k, _)| k == o).map_or(0, |(_, n)| *n);
        r.entered = outcomes.iter().map(|(_, n)| n).sum();
        let statuses: Vec<(String, bool, i64)> = sqlx::query_as(
            "SELECT o.status, e.left_at IS NOT NULL, count(*) FROM journey_step_runs r
             JOIN outbox o ON o.id = r.outbox_id JOIN journey_entries e ON e.id = r.entry_id
             WHERE r.step_id = $1 GROUP BY 1, 2",
        )
        .bind(s.id)
        .fetch_all(&mut *conn)
        .await?;
        tally(&mut r, statuses);
        r.left += count("left");
        touches(
            &mut *conn,
            &mut r,
            s.campaign_id,
            "journey",
            j.settings.window_days,
        )
        .await?;
        out.push(Step {
            position: s.position,
            campaign_id: s.campaign_id,
            ready,
            results: r,
            stopped: count("stopped"),
            tagged: count("tagged"),
            unreachable: count("unreachable"),
            window_days: j.settings.window_days,
            settings: s.settings,
        });
    }
    Ok(out)
}

/// Saves step `position` of journey `j` (`None`: a new step after the last), making the
/// campaign for its messages when it is new. Its position.
pub(super) async fn save(
    tx: &mut SqliteConnection,
    j: &Row,
    position: Option<i64>,
    settings: &StepSettings,
    now: Stamp,
) -> Result<i64, AppError> {
    let tag = match &settings.action {
        Action::Tag(tag) => Some(tag.as_str()),
        Action::Send => None,
    };
    let action = if tag.is_some() { "tag" } else { "send" };
    let position = match position {
        Some(p) => {
            let found = sqlx::query(
                "UPDATE journey_steps SET wait_days = $1, condition = $2, action = $3, tag = $4,
                     updated_at = $5
                 WHERE journey_id = $6 AND position = $7",
            )
            .bind(settings.wait_days)
            .bind(settings.condition.as_str())
            .bind(action)
            .bind(tag)
            .bind(now)
            .bind(j.id)
            .bind(p)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if found == 0 {
                return Err(AppError::NotFound);
            }
            p
        }
        None => {
            let p: i64 = sqlx::query_scalar(
                "SELECT coalesce(max(position), 0) + 1 FROM journey_steps WHERE journey_id = $1",
            )
            .bind(j.id)
            .fetch_one(&mut *tx)
            .await?;
            if p > MAX_STEPS {
                return Err(AppError::Conflict {
                    message_key: Msg::StepsFull,
                });
            }
            let campaign: i64 = sqlx::query_scalar(
                "INSERT INTO campaigns (name, channel, status, created_at, updated_at)
                 SELECT substr(name, 1, 70) || ' · ' || $2, channel, 'draft', $3, $3
                 FROM campaigns WHERE id = $1 RETURNING id",
            )
            .bind(j.campaign_id)
            .bind(p + 1)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO journey_steps (journey_id, position, wait_days, condition, action,
                     tag, campaign_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(j.id)
            .bind(p)
            .bind(settings.wait_days)
            .bind(settings.condition.as_str())
            .bind(action)
            .bind(tag)
            .bind(campaign)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            p
        }
    };
    Ok(position)
}

/// Removes journey `j`'s last step, with its messages and test sends, while no member has
/// reached it (then it stays, for what it did).
pub(super) async fn remove_last(tx: &mut SqliteConnection, j: &Row) -> Result<(), AppError> {
    let last: Option<(i64, bool)> = sqlx::query_as(
        "SELECT s.campaign_id, EXISTS (SELECT 1 FROM journey_step_runs r WHERE r.step_id = s.id)
         FROM journey_steps s WHERE s.journey_id = $1 ORDER BY s.position DESC LIMIT 1",
    )
    .bind(j.id)
    .fetch_optional(&mut *tx)
    .await?;
    let (campaign, reached) = last.ok_or(AppError::NotFound)?;
    if reached {
        return Err(AppError::Conflict {
            message_key: Msg::StepReached,
        });
    }
    for sql in [
        "DELETE FROM link_clicks WHERE outbox_id IN (SELECT id FROM outbox WHERE campaign_id = $1)
             OR link_id IN (SELECT id FROM links WHERE campaign_id = $1)",
        "DELETE FROM outbox WHERE campaign_id = $1",
        "DELETE FROM links WHERE campaign_id = $1",
        "DELETE FROM campaign_messages WHERE campaign_id = $1",
        "DELETE FROM journey_steps WHERE campaign_id = $1",
        "DELETE FROM campaigns WHERE id = $1",
    ] {
        sqlx::query(sql).bind(campaign).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Runs journey `j`'s steps at `now`, in order: each takes the entries whose step before it
/// went at least its wait ago (the first message once sent; a step's message once sent, its
/// tag once put on) — but not before the step existed less its wait, and only a member's
/// latest entry — and records what it did for each, at most once per entry and step, so a
/// second run at the same `now` changes nothing. A message step whose messages are not
/// ready holds its members (and so every step after it) until they are.
pub(super) async fn run(
    tx: &mut SqliteConnection,
    j: &Row,
    base_url: &str,
    now: Stamp,
) -> Result<(), AppError> {
    let address = match j.channel {
        Channel::Email => "u.email",
        Channel::Sms => "u.phone",
    };
    let bought = "EXISTS (SELECT 1 FROM member_stats s
                          WHERE s.member_id = e.user_id AND s.last_purchase_at > e.entered_at)";
    // The journey's messages to this entry so far …
    let messages = "SELECT e.outbox_id UNION ALL
                    SELECT x.outbox_id FROM journey_step_runs x
                    WHERE x.entry_id = e.id AND x.outbox_id IS NOT NULL";
    // … a click on any of them …
    let clicked = format!("EXISTS (SELECT 1 FROM link_clicks c WHERE c.outbox_id IN ({messages}))");
    // … and an open (its image loaded, or a click).
    let opened = format!(
        "(EXISTS (SELECT 1 FROM outbox m WHERE m.id IN ({messages}) AND m.opened_at IS NOT NULL)
          OR {clicked})"
    );
    let mut previous: Option<i64> = None;
    for s in rows(&mut *tx, j.id).await? {
        let send = s.settings.action == Action::Send;
        if send && !ready(&mut *tx, s.campaign_id, j.channel).await? {
            break;
        }
        let goes_on = match s.settings.condition {
            Condition::Always => "1".to_owned(),
            Condition::NoPurchase => format!("NOT {bought}"),
            Condition::NotClicked => format!("NOT {clicked}"),
            Condition::Clicked => clicked.clone(),
            Condition::NotOpened => format!("NOT {opened}"),
            Condition::Opened => opened.clone(),
        };
        // When the step before went, per entry.
        let before = if previous.is_none() {
            "SELECT e.id AS entry_id, o.sent_at AS at FROM journey_entries e
             JOIN outbox o ON o.id = e.outbox_id
             WHERE e.journey_id = $1 AND o.status = 'sent' AND $3 IS NULL"
        } else {
            "SELECT r.entry_id, CASE r.outcome WHEN 'tagged' THEN r.done_at ELSE o.sent_at END AS at
             FROM journey_step_runs r LEFT JOIN outbox o ON o.id = r.outbox_id
             WHERE r.step_id = $3 AND r.outcome IN ('sent', 'tagged')
               AND (r.outcome = 'tagged' OR o.status = 'sent')"
        };
        sqlx::query(&format!(
            "INSERT OR IGNORE INTO journey_step_runs (entry_id, step_id, outcome, done_at)
             SELECT e.id, $2, CASE WHEN $6 AND {bought} THEN 'left'
                                   WHEN NOT ({goes_on}) THEN 'stopped'
                                   WHEN $7 AND {address} IS NULL THEN 'unreachable'
                                   WHEN $7 THEN 'sent' ELSE 'tagged' END, $4
             FROM ({before}) b JOIN journey_entries e ON e.id = b.entry_id
             JOIN users u ON u.id = e.user_id
             JOIN journey_steps st ON st.id = $2
             WHERE b.at <= $5 AND e.left_at IS NULL AND e.journey_id = $1
               -- Not the journey's past: the step before went at most the wait before this
               -- step was made.
               AND b.at >= strftime('%Y-%m-%dT%H:%M:%SZ', st.created_at,
                                    '-' || st.wait_days || ' days')
               -- A member's latest entry only (a newer one supersedes it).
               AND NOT EXISTS (SELECT 1 FROM journey_entries n
                               WHERE n.journey_id = e.journey_id AND n.user_id = e.user_id
                                 AND n.id > e.id)
               AND NOT EXISTS (SELECT 1 FROM journey_step_runs r
                               WHERE r.step_id = $2 AND r.entry_id = e.id)"
        ))
        .bind(j.id)
        .bind(s.id)
        .bind(previous)
        .bind(now)
        .bind(now - days(s.settings.wait_days))
        .bind(j.trigger.goal_is_purchase())
        .bind(send)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE journey_entries SET left_at = $2 WHERE left_at IS NULL AND id IN (
                 SELECT entry_id FROM journey_step_runs
                 WHERE step_id = $1 AND outcome = 'left' AND done_at = $2)",
        )
        .bind(s.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        match &s.settings.action {
            Action::Tag(tag) => {
                sqlx::query(
                    "INSERT OR IGNORE INTO member_tags (member_id, tag, created_at)
                     SELECT e.user_id, $2, $3 FROM journey_step_runs r
                     JOIN journey_entries e ON e.id = r.entry_id
                     WHERE r.step_id = $1 AND r.outcome = 'tagged' AND r.done_at = $3",
                )
                .bind(s.id)
                .bind(tag)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            Action::Send => queue(&mut *tx, j, &s, address, base_url, now).await?,
        }
        previous = Some(s.id);
    }
    Ok(())
}

/// One outbox row per run of step `s` that was to send and has none (keyed
/// `journey:<entry>:<step>`: one message per entry and step, whatever runs twice).
async fn queue(
    tx: &mut SqliteConnection,
    j: &Row,
    s: &StepRow,
    address: &str,
    base_url: &str,
    now: Stamp,
) -> Result<(), AppError> {
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM journey_step_runs
         WHERE step_id = $1 AND outcome = 'sent' AND outbox_id IS NULL",
    )
    .bind(s.id)
    .fetch_one(&mut *tx)
    .await?;
    if waiting == 0 {
        return Ok(());
    }
    let targets = crate::outbox::compose::link_targets(&mut *tx, s.campaign_id, base_url).await?;
    crate::campaigns::links::make(&mut *tx, s.campaign_id, &targets, now).await?;
    sqlx::query(&format!(
        "INSERT OR IGNORE INTO outbox (kind, campaign_id, user_id, channel, address, language,
             dedupe_key, token, status, next_attempt_at, created_at)
         SELECT 'journey', $1, u.id, $2, {address}, u.language,
                'journey:' || e.id || ':' || r.step_id, lower(hex(randomblob(16))), 'queued', $3, $3
         FROM journey_step_runs r JOIN journey_entries e ON e.id = r.entry_id
         JOIN users u ON u.id = e.user_id
         WHERE r.step_id = $4 AND r.outcome = 'sent' AND r.outbox_id IS NULL
           AND {address} IS NOT NULL"
    ))
    .bind(s.campaign_id)
    .bind(j.channel.as_str())
    .bind(now)
    .bind(s.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE journey_step_runs SET outbox_id = (
             SELECT o.id FROM outbox o
             WHERE o.dedupe_key = 'journey:' || journey_step_runs.entry_id || ':' || journey_step_runs.step_id)
         WHERE step_id = $1 AND outcome = 'sent' AND outbox_id IS NULL",
    )
    .bind(s.id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
