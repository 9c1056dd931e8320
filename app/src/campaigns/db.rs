//! Queries for segments and campaigns, and queueing a campaign into the outbox.

use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{
    Campaign, CampaignSummary, Channel, Message, Preview, Progress, Rule, SampleMember, Segment,
    Status, sql, template,
};
use crate::{
    db::{Stamp, local_time_of},
    error::{AppError, Msg},
    i18n::LANGUAGES,
};

/// The shop's time zone.
pub async fn shop_tz(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT time_zone FROM program_settings WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map(|tz| tz.unwrap_or_else(|| "UTC".to_owned()))
}

/// The moment `now` in the shop's zone.
pub async fn when(conn: &mut SqliteConnection, now: Stamp) -> Result<sql::When, sqlx::Error> {
    Ok(sql::When {
        now,
        tz: shop_tz(conn).await?,
    })
}

fn segment_of(row: &sqlx::sqlite::SqliteRow) -> Result<Segment, sqlx::Error> {
    let rules: String = row.try_get("rules")?;
    Ok(Segment {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        match_all: row.try_get("match_all")?,
        rules: serde_json::from_str(&rules).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    })
}

/// Every saved segment, by name.
pub async fn segments(conn: &mut SqliteConnection) -> Result<Vec<Segment>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, match_all, rules FROM segments ORDER BY name, id")
        .fetch_all(conn)
        .await?;
    rows.iter().map(segment_of).collect()
}

/// One segment.
pub async fn segment(conn: &mut SqliteConnection, id: i64) -> Result<Option<Segment>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, match_all, rules FROM segments WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(segment_of).transpose()
}

/// Tiers and locations, (id, name), for the editor's selects.
pub async fn choices(
    conn: &mut SqliteConnection,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), sqlx::Error> {
    let tiers = sqlx::query_as("SELECT id, name FROM tiers ORDER BY threshold")
        .fetch_all(&mut *conn)
        .await?;
    let locations = sqlx::query_as("SELECT id, name FROM locations ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    Ok((tiers, locations))
}

/// Saves a segment (new when `id` is `None`); its id, or `None` when `id` names none.
pub async fn save_segment(
    tx: &mut SqliteConnection,
    id: Option<i64>,
    name: &str,
    match_all: bool,
    rules: &[Rule],
    by: i64,
    now: Stamp,
) -> Result<Option<i64>, AppError> {
    let json = serde_json::to_string(rules).map_err(|_| AppError::Internal)?;
    let saved = match id {
        Some(id) => {
            sqlx::query_scalar(
                "UPDATE segments SET name = $1, match_all = $2, rules = $3, updated_at = $4
             WHERE id = $5 RETURNING id",
            )
            .bind(name)
            .bind(match_all)
            .bind(&json)
            .bind(now)
            .bind(id)
            .fetch_optional(tx)
            .await?
        }
        None => Some(
            sqlx::query_scalar(
                "INSERT INTO segments (name, match_all, rules, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(name)
            .bind(match_all)
            .bind(&json)
            .bind(by)
            .bind(now)
            .fetch_one(tx)
            .await?,
        ),
    };
    Ok(saved)
}

/// How many members match now, how many of them email may reach, and the first ten.
pub async fn preview(
    conn: &mut SqliteConnection,
    rules: &[Rule],
    match_all: bool,
    when: &sql::When,
) -> Result<Preview, sqlx::Error> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM users u WHERE ");
    sql::push_members(&mut q, rules, match_all, when);
    let count: i64 = q.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM users u WHERE ");
    sql::push_members(&mut q, rules, match_all, when);
    sql::push_reachable(&mut q, Channel::Email);
    let email_reachable: i64 = q.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT u.id, u.preferred_name AS name, u.email, u.language FROM users u WHERE ",
    );
    sql::push_members(&mut q, rules, match_all, when);
    q.push(" ORDER BY u.id LIMIT 10");
    let sample: Vec<SampleMember> = q.build_query_as().fetch_all(&mut *conn).await?;
    Ok(Preview {
        count,
        email_reachable,
        sample,
    })
}

/// The shop's default language.
pub async fn default_language(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    crate::texts::db::default_language(conn).await
}

/// Every campaign, newest first.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<CampaignSummary>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, name, channel, status FROM campaigns ORDER BY id DESC")
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, name, channel, status) in rows {
        out.push(CampaignSummary {
            id,
            name,
            channel: Channel::parse(&channel).unwrap_or(Channel::Email),
            status: Status::parse(&status).unwrap_or(Status::Draft),
            progress: progress(conn, id).await?,
        });
    }
    Ok(out)
}

/// Where a campaign's messages are.
pub async fn progress(conn: &mut SqliteConnection, id: i64) -> Result<Progress, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM outbox WHERE campaign_id = $1 AND kind = 'campaign'
         GROUP BY status",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let mut p = Progress::default();
    for (status, n) in rows {
        match status.as_str() {
            "queued" | "sending" => p.queued += n,
            "sent" => p.sent += n,
            "failed" => p.failed += n,
            "suppressed" => p.suppressed += n,
            _ => p.cancelled += n,
        }
    }
    Ok(p)
}

/// A new draft; its id.
pub async fn create(
    tx: &mut SqliteConnection,
    name: &str,
    channel: Channel,
    segment_id: Option<i64>,
    by: i64,
    now: Stamp,
) -> Result<i64, AppError> {
    if let Some(segment) = segment_id {
        segment_exists(tx, segment).await?;
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO campaigns (name, channel, segment_id, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, $5, $5) RETURNING id",
    )
    .bind(name)
    .bind(channel.as_str())
    .bind(segment_id)
    .bind(by)
    .bind(now)
    .fetch_one(tx)
    .await?)
}

async fn segment_exists(tx: &mut SqliteConnection, id: i64) -> Result<(), AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM segments WHERE id = $1")
        .bind(id)
        .fetch_optional(tx)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::field("segment_id", Msg::ChoiceInvalid))
}

/// A campaign's status, or `NotFound`.
pub async fn status(tx: &mut SqliteConnection, id: i64) -> Result<Status, AppError> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM campaigns WHERE id = $1")
        .bind(id)
        .fetch_optional(tx)
        .await?;
    status
        .and_then(|s| Status::parse(&s))
        .ok_or(AppError::NotFound)
}

async fn editable(tx: &mut SqliteConnection, id: i64) -> Result<(), AppError> {
    if status(tx, id).await?.editable() {
        Ok(())
    } else {
        Err(AppError::Conflict {
            message_key: Msg::CampaignLocked,
        })
    }
}

/// Renames a campaign and sets its segment (while it may change).
pub async fn update(
    tx: &mut SqliteConnection,
    id: i64,
    name: &str,
    segment_id: Option<i64>,
    now: Stamp,
) -> Result<(), AppError> {
    editable(tx, id).await?;
    if let Some(segment) = segment_id {
        segment_exists(tx, segment).await?;
    }
    sqlx::query("UPDATE campaigns SET name = $1, segment_id = $2, updated_at = $3 WHERE id = $4")
        .bind(name)
        .bind(segment_id)
        .bind(now)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Saves the message in `language`; an empty body removes it (the fallback shows).
pub async fn save_message(
    tx: &mut SqliteConnection,
    id: i64,
    message: &Message,
    now: Stamp,
) -> Result<(), AppError> {
    editable(tx, id).await?;
    if message.body.is_empty() {
        sqlx::query("DELETE FROM campaign_messages WHERE campaign_id = $1 AND language = $2")
            .bind(id)
            .bind(&message.language)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO campaign_messages (campaign_id, language, subject, preheader, body)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (campaign_id, language) DO UPDATE
             SET subject = excluded.subject, preheader = excluded.preheader, body = excluded.body",
        )
        .bind(id)
        .bind(&message.language)
        .bind(&message.subject)
        .bind(&message.preheader)
        .bind(&message.body)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE campaigns SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// The problems of one message, per field.
pub fn problems(subject: &str, preheader: &str, body: &str) -> Vec<(String, super::Problem)> {
    [
        ("subject", subject),
        ("preheader", preheader),
        ("body", body),
    ]
    .into_iter()
    .flat_map(|(field, source)| {
        template::check(source)
            .into_iter()
            .map(move |p| (field.to_owned(), p))
    })
    .collect()
}

/// The messages of a campaign, each with its problems.
pub async fn messages(conn: &mut SqliteConnection, id: i64) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT language, subject, preheader, body FROM campaign_messages WHERE campaign_id = $1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Message> = rows
        .into_iter()
        .map(|(language, subject, preheader, body)| Message {
            problems: problems(&subject, &preheader, &body),
            language,
            subject,
            preheader,
            body,
        })
        .collect();
    let order = |l: &str| LANGUAGES.iter().position(|(c, _)| *c == l);
    out.sort_by_key(|m| order(&m.language));
    Ok(out)
}

/// A whole campaign.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Campaign>, sqlx::Error> {
    type Row = (
        String,
        String,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.name, c.channel, c.segment_id, c.status, c.send_at, s.name
             FROM campaigns c LEFT JOIN segments s ON s.id = c.segment_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((name, channel, segment_id, status, send_at, segment_name)) = row else {
        return Ok(None);
    };
    let tz = shop_tz(conn).await?;
    let messages = messages(conn, id).await?;
    let default_language = default_language(conn).await?;
    let missing = LANGUAGES
        .iter()
        .map(|(code, _)| (*code).to_owned())
        .filter(|code| !messages.iter().any(|m| &m.language == code))
        .collect();
    Ok(Some(Campaign {
        id,
        name,
        channel: Channel::parse(&channel).unwrap_or(Channel::Email),
        segment_id,
        segment_name,
        status: Status::parse(&status).unwrap_or(Status::Draft),
        send_at: send_at.map(|t| local_time_of(&tz, &t)),
        default_language,
        messages,
        missing,
        progress: progress(conn, id).await?,
    }))
}

/// Checks that a campaign can go: a segment, a message in the default language, no problems.
async fn ready(tx: &mut SqliteConnection, id: i64) -> Result<Segment, AppError> {
    let segment_id: Option<i64> =
        sqlx::query_scalar("SELECT segment_id FROM campaigns WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let segment = match segment_id {
        Some(s) => segment(tx, s).await?,
        None => None,
    }
    .ok_or_else(|| AppError::field("segment_id", Msg::SegmentRequired))?;
    let messages = messages(tx, id).await?;
    let default = default_language(tx).await?;
    if !messages.iter().any(|m| m.language == default) {
        return Err(AppError::Conflict {
            message_key: Msg::MessageMissing,
        });
    }
    if messages
        .iter()
        .any(|m| !m.problems.is_empty() || m.subject.trim().is_empty())
    {
        return Err(AppError::Conflict {
            message_key: Msg::CampaignProblems,
        });
    }
    Ok(segment)
}

/// Sends a draft or scheduled campaign now: one outbox row per reachable member of its
/// segment, written in this transaction. How many were queued.
pub async fn queue(tx: &mut SqliteConnection, id: i64, now: Stamp) -> Result<i64, AppError> {
    editable(tx, id).await?;
    let segment = ready(tx, id).await?;
    let when = when(tx, now).await?;
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT OR IGNORE INTO outbox (kind, campaign_id, user_id, channel, address, language,
             dedupe_key, token, status, next_attempt_at, created_at)
         SELECT 'campaign', ",
    );
    q.push_bind(id)
        .push(", u.id, 'email', u.email, u.language, 'campaign:' || ")
        .push_bind(id)
        .push(" || ':' || u.id, lower(hex(randomblob(16))), 'queued', ")
        .push_bind(now)
        .push(", ")
        .push_bind(now)
        .push(" FROM users u WHERE ");
    sql::push_members(&mut q, &segment.rules, segment.match_all, &when);
    sql::push_reachable(&mut q, Channel::Email);
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
pub async fn start_due(tx: &mut SqliteConnection, now: Stamp) -> Result<u64, AppError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM campaigns WHERE status = 'scheduled' AND send_at <= $1 ORDER BY send_at",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let mut started = 0;
    for id in due {
        match queue(tx, id, now).await {
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
