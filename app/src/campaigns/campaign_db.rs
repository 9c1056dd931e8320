//! Reading a whole campaign for its page: settings, messages, progress, results and its
//! A/B test.

use sqlx::SqliteConnection;

use super::{
    Campaign, Channel, Status,
    db::{default_language, messages, progress, shop_tz},
};
use crate::{db::local_time_of, i18n::LANGUAGES};

/// A whole campaign.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Campaign>, sqlx::Error> {
    type Row = (
        String,
        String,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.name, c.channel, c.segment_id,
                coalesce((SELECT a.status FROM campaigns a WHERE a.ab_variant = c.id), c.status),
                c.send_at, s.name, c.offer_id,
                c.reward_id, c.holdout_pct, c.window_days
             FROM campaigns c LEFT JOIN segments s ON s.id = c.segment_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((
        name,
        channel,
        segment_id,
        status,
        send_at,
        segment_name,
        offer_id,
        reward_id,
        holdout_pct,
        window_days,
    )) = row
    else {
        return Ok(None);
    };
    let offers = sqlx::query_as("SELECT id, title FROM offers ORDER BY id DESC LIMIT 200")
        .fetch_all(&mut *conn)
        .await?;
    let rewards = sqlx::query_as("SELECT id, name FROM rewards ORDER BY name LIMIT 200")
        .fetch_all(&mut *conn)
        .await?;
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
        offer_id,
        reward_id,
        offers,
        rewards,
        holdout_pct,
        window_days,
        results: super::results_db::campaign(conn, id, window_days).await?,
        ab: super::ab_db::test(conn, id, window_days, &tz).await?,
        variant_of: super::ab_db::variant_of(conn, id).await?,
        currency: crate::loyalty::db::program::settings(conn).await?.currency,
    }))
}
