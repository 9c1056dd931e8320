//! Text messages: a claimed SMS row turned into the text to send (checked again like an email:
//! consent, suppressions, the campaign still sending), and what the gateway tells us later —
//! delivery receipts and replies that ask to stop.

use sqlx::SqliteConnection;

use super::{
    Claimed,
    compose::{Recipient, Skip, locale, no_message, read},
    context::{Cache, Member, Shared, for_preview},
    suppress,
};
use crate::{
    campaigns::{
        prefs::{RequestProof, set_channels},
        template,
    },
    db::Stamp,
    error::AppError,
    i18n::td_string,
};

/// A text ready for the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The recipient's phone number (E.164).
    pub to: String,
    /// The text.
    pub body: String,
    /// Where the gateway reports delivery (`/sms/status/<token>`).
    pub status_url: String,
}

/// Campaign `campaign_id`'s text for `to` in their language (or the default's): the body
/// rendered with their values, its addresses as short links when `to.message` is set, and for
/// marketing the line that says how to stop. `(language used, text)`.
pub async fn render(
    conn: &mut SqliteConnection,
    campaign_id: i64,
    to: Recipient<'_>,
    base_url: &str,
    marketing: bool,
    now: Stamp,
) -> Result<Result<(String, String), Skip>, sqlx::Error> {
    Ok(for_preview(conn, campaign_id, to.user_id, base_url, now)
        .await?
        .and_then(|(shared, member)| render_with(&shared, &member, to, base_url, marketing)))
}

/// The text for `member` (`to`) from what its campaign shares.
fn render_with(
    shared: &Shared,
    member: &Member,
    to: Recipient<'_>,
    base_url: &str,
    marketing: bool,
) -> Result<(String, String), Skip> {
    let Some(message) = shared.message(to.language) else {
        return Err(no_message());
    };
    let values = shared.vars(member, base_url, to.token);
    let text = template::render(&message.body, &values)
        .map_err(|p| Skip::Broken(format!("{p:?}")))?
        .trim()
        .to_owned();
    let mut text = shared.shorten(text, base_url, to.message);
    let used = message.language.clone();
    if marketing {
        text.push('\n');
        text.push_str(td_string!(locale(&used), campaigns.sms_stop_line));
    }
    Ok((used, text))
}

/// The text for a claimed row (what its campaign shares from `cache`), or why it is not sent.
pub async fn compose(
    conn: &mut SqliteConnection,
    cache: &mut Cache,
    row: &Claimed,
    base_url: &str,
    now: Stamp,
) -> Result<Result<Text, Skip>, sqlx::Error> {
    let marketing = match row.kind.as_str() {
        "campaign" | "journey" => true,
        "test" => false,
        other => return Ok(Err(Skip::Broken(format!("no text for {other}")))),
    };
    let (shared, member) = match read(conn, cache, row, base_url, now).await? {
        Ok(both) => both,
        Err(skip) => return Ok(Err(skip)),
    };
    let to = Recipient {
        user_id: row.user_id.unwrap_or_default(),
        language: &row.language,
        token: &row.token,
        message: marketing.then_some(row.id),
    };
    let rendered = render_with(&shared, &member, to, base_url, marketing);
    Ok(rendered.map(|(used, text)| Text {
        to: row.address.clone(),
        body: if marketing {
            text
        } else {
            format!(
                "[{}] {text}",
                td_string!(locale(&used), campaigns.test_prefix)
            )
        },
        status_url: format!("{base_url}/sms/status/{}", row.token),
    }))
}

/// A reply that asked to stop, from `phone`: the number is suppressed for marketing texts
/// (whoever has it now or later) and its member, if any, loses SMS consent, recorded as an
/// event with source `sms_reply`. Whether a member had that number.
pub async fn stop(tx: &mut SqliteConnection, phone: &str, now: Stamp) -> Result<bool, AppError> {
    suppress(tx, "sms", phone, "unsubscribed", now).await?;
    let member: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE phone = $1 AND closed_at IS NULL")
            .bind(phone)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(id) = member else {
        return Ok(false);
    };
    set_channels(
        tx,
        id,
        None,
        Some(false),
        "sms_reply",
        &RequestProof::default(),
        now,
    )
    .await?;
    Ok(true)
}

/// Gateway error codes that mean the number will never take a text (unknown or unreachable
/// destination, a landline, not a valid number): the number is suppressed like a hard bounce.
const HARD: &[&str] = &["21211", "21614", "30005", "30006"];

/// Whether a gateway error code means the number can never take a text.
pub fn is_hard(code: &str) -> bool {
    HARD.contains(&code)
}

/// A delivery receipt for the message with `token`: `delivered` stamps it, `undelivered` or
/// `failed` keeps the gateway's word (and suppresses the number on a hard error code); other
/// states (queued, sent) change nothing. Whether the token names a text.
pub async fn delivery(
    tx: &mut SqliteConnection,
    token: &str,
    status: &str,
    code: Option<&str>,
    now: Stamp,
) -> Result<bool, sqlx::Error> {
    let address: Option<String> =
        sqlx::query_scalar("SELECT address FROM outbox WHERE token = $1 AND channel = 'sms'")
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(address) = address else {
        return Ok(false);
    };
    match status {
        "delivered" => {
            sqlx::query(
                "UPDATE outbox SET delivered_at = coalesce(delivered_at, $1) WHERE token = $2",
            )
            .bind(now)
            .bind(token)
            .execute(&mut *tx)
            .await?;
        }
        "undelivered" | "failed" => {
            let error = match code {
                Some(code) => format!("{status} {code}"),
                None => status.to_owned(),
            };
            sqlx::query("UPDATE outbox SET delivery_error = $1 WHERE token = $2")
                .bind(error)
                .bind(token)
                .execute(&mut *tx)
                .await?;
            if code.is_some_and(is_hard) {
                sqlx::query("UPDATE outbox SET bounced = 1 WHERE token = $1")
                    .bind(token)
                    .execute(&mut *tx)
                    .await?;
                suppress(tx, "sms", &address, "hard_bounce", now).await?;
            }
        }
        _ => {}
    }
    Ok(true)
}
