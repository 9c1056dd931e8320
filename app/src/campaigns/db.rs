//! Queries for segments and campaigns, and queueing a campaign into the outbox.

use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{
    CampaignSummary, Channel, Preview, Progress, Rule, SampleMember, Segment, Status, sql,
};
use crate::{
    db::Stamp,
    error::{AppError, Msg},
};

/// The shop's time zone.
pub async fn shop_tz(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT time_zone FROM program_settings WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map(|tz| tz.unwrap_or_else(|| "UTC".to_owned()))
}

/// The moment `now` in the shop's zone, with the RFM quintiles if `rules` name a group.
pub async fn when(
    conn: &mut SqliteConnection,
    now: Stamp,
    rules: &[Rule],
) -> Result<sql::When, sqlx::Error> {
    let rfm = if rules.iter().any(|r| matches!(r, Rule::RfmGroup { .. })) {
        let cells = crate::analytics::rfm_db::cells(&mut *conn, None).await?;
        crate::analytics::rfm_db::quintiles(&mut *conn, &cells, None).await?
    } else {
        None
    };
    Ok(sql::When {
        now,
        tz: shop_tz(conn).await?,
        rfm,
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
    // Both counts in one pass over the members.
    let mut q = QueryBuilder::<Sqlite>::new("SELECT count(*), coalesce(sum(");
    q.push(sql::reachable(Channel::Email)).push("), 0)");
    sql::push_from(&mut q, rules, match_all, when);
    let (count, email_reachable): (i64, i64) = q.build_query_as().fetch_one(&mut *conn).await?;
    let mut q =
        QueryBuilder::<Sqlite>::new("SELECT u.id, u.preferred_name AS name, u.email, u.language");
    sql::push_from(&mut q, rules, match_all, when);
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

/// Every campaign, newest first (not those that hold a journey's or a test's variant's
/// messages).
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<CampaignSummary>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, name, channel, status FROM campaigns
         WHERE id NOT IN (SELECT campaign_id FROM journey_campaigns)
           AND id NOT IN (SELECT ab_variant FROM campaigns WHERE ab_variant IS NOT NULL)
         ORDER BY id DESC",
    )
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
    .fetch_all(&mut *conn)
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
    p.clicked = sqlx::query_scalar(
        "SELECT count(DISTINCT c.outbox_id) FROM outbox o JOIN link_clicks c ON c.outbox_id = o.id
         WHERE o.campaign_id = $1 AND o.kind = 'campaign'",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    p.delivered = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE campaign_id = $1 AND kind = 'campaign'
           AND status = 'sent' AND delivered_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(conn)
    .await?;
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
    // A test's variant B follows the campaign it is tested in.
    let status: Option<String> = sqlx::query_scalar(
        "SELECT coalesce((SELECT a.status FROM campaigns a WHERE a.ab_variant = c.id), c.status)
         FROM campaigns c WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(tx)
    .await?;
    status
        .and_then(|s| Status::parse(&s))
        .ok_or(AppError::NotFound)
}

pub(super) async fn editable(tx: &mut SqliteConnection, id: i64) -> Result<(), AppError> {
    if status(tx, id).await?.editable() {
        Ok(())
    } else {
        Err(AppError::Conflict {
            message_key: Msg::CampaignLocked,
        })
    }
}

/// A campaign's settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Its name.
    pub name: String,
    /// Its segment.
    pub segment_id: Option<i64>,
    /// The offer its messages name.
    pub offer_id: Option<i64>,
    /// The reward they name.
    pub reward_id: Option<i64>,
    /// Percent of the reachable members kept as the control group.
    pub holdout_pct: i64,
    /// Days after a message in which a purchase counts for it.
    pub window_days: i64,
    /// Its A/B test.
    pub ab: super::ab::Settings,
}

/// Renames a campaign, sets its segment, offer and reward (while it may change).
pub async fn update(
    tx: &mut SqliteConnection,
    id: i64,
    settings: &Settings,
    now: Stamp,
) -> Result<(), AppError> {
    editable(tx, id).await?;
    if let Some(segment) = settings.segment_id {
        segment_exists(tx, segment).await?;
    }
    for (table, field, value) in [
        ("offers", "offer_id", settings.offer_id),
        ("rewards", "reward_id", settings.reward_id),
    ] {
        if let Some(v) = value {
            let found: Option<i64> =
                sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = $1"))
                    .bind(v)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(AppError::field(field, Msg::ChoiceInvalid));
            }
        }
    }
    sqlx::query(
        "UPDATE campaigns SET name = $1, segment_id = $2, offer_id = $3, reward_id = $4,
             updated_at = $5, holdout_pct = $7, window_days = $8 WHERE id = $6",
    )
    .bind(&settings.name)
    .bind(settings.segment_id)
    .bind(settings.offer_id)
    .bind(settings.reward_id)
    .bind(now)
    .bind(id)
    .bind(settings.holdout_pct)
    .bind(settings.window_days)
    .execute(&mut *tx)
    .await?;
    super::ab_db::save(tx, id, &settings.ab, now).await?;
    Ok(())
}

pub use super::campaign_db::get;
pub use super::messages_db::{chosen, messages, problems, save_message};
pub use super::sending::{control, finish_done, messages_ready, queue, schedule, start_due};
