//! A campaign's messages: saving one language's, and each with its template problems.

use sqlx::SqliteConnection;

use super::{Message, db::editable, template};
use crate::{db::Stamp, error::AppError, i18n::LANGUAGES};

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
pub fn problems(
    subject: &str,
    preheader: &str,
    body: &str,
    chosen: template::Chosen,
) -> Vec<(String, super::Problem)> {
    [
        ("subject", subject),
        ("preheader", preheader),
        ("body", body),
    ]
    .into_iter()
    .flat_map(|(field, source)| {
        template::check(source, chosen)
            .into_iter()
            .map(move |p| (field.to_owned(), p))
    })
    .collect()
}

/// What campaign `id` has chosen for its messages to name.
pub async fn chosen(conn: &mut SqliteConnection, id: i64) -> Result<template::Chosen, sqlx::Error> {
    // The offer-starting journey's messages name the offer each member entered for.
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT c.offer_id IS NOT NULL OR EXISTS (
                    SELECT 1 FROM journey_campaigns j WHERE j.campaign_id = c.id AND j.trigger = 'offer_starting'),
                c.reward_id IS NOT NULL
         FROM campaigns c WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    let (offer, reward) = row.unwrap_or_default();
    Ok(template::Chosen { offer, reward })
}

/// The messages of a campaign, each with its problems.
pub async fn messages(conn: &mut SqliteConnection, id: i64) -> Result<Vec<Message>, sqlx::Error> {
    let chosen = chosen(conn, id).await?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT language, subject, preheader, body FROM campaign_messages WHERE campaign_id = $1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Message> = rows
        .into_iter()
        .map(|(language, subject, preheader, body)| Message {
            problems: problems(&subject, &preheader, &body, chosen),
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
