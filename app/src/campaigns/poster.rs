//! A campaign's poster or table card (`/print/campaign/:id`, managers): its subject as the
//! title and its preheader as the line, for everyone — so they may name the shop, the
//! campaign's offer and reward, but no member's own values — with a QR code to the offer's
//! public page when the campaign names an offer that has one, else to the join page.

use sqlx::SqliteConnection;

use crate::{
    campaigns::template,
    db::Stamp,
    error::{AppError, Msg},
    outbox::context::Shared,
};

/// What a campaign's poster says: its language, title, line, page and QR code (paths).
pub struct Poster {
    /// The language of its message (the one asked for, or the shop's).
    pub language: String,
    /// The subject.
    pub title: String,
    /// The preheader (`None`: it has none).
    pub text: Option<String>,
    /// Where the QR code leads.
    pub path: String,
    /// The QR code.
    pub qr: String,
}

/// Campaign `id`'s poster in `language` (or the shop's language when it has no message in
/// it). A journey's campaign or a test variant has none (its messages are per member).
pub async fn poster(
    conn: &mut SqliteConnection,
    id: i64,
    language: &str,
    base_url: &str,
    now: Stamp,
) -> Result<Poster, AppError> {
    let offer: Option<i64> = sqlx::query_scalar("SELECT offer_id FROM campaigns WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    super::sending::not_a_journeys(&mut *conn, id).await?;
    let shared = Shared::load(&mut *conn, id, base_url).await?;
    let message = shared.message(language).ok_or(AppError::Conflict {
        message_key: Msg::MessageMissing,
    })?;
    let vars = shared.vars_for_everyone(base_url);
    // Refused for a member's own value only when it renders for a member (else the
    // message has problems of its own, which its page names).
    let render = |text: &str| {
        template::render_for_everyone(text, &vars).map_err(|_| AppError::Conflict {
            message_key: match template::render(text, &template::sample()) {
                Ok(_) => Msg::PosterPersonal,
                Err(_) => Msg::CampaignProblems,
            },
        })
    };
    let (title, text) = (render(&message.subject)?, render(&message.preheader)?);
    let public = match offer {
        Some(o) => crate::perks::engine::public_offer(&mut *conn, o, now)
            .await?
            .map(|_| o),
        None => None,
    };
    let (path, qr) = match public {
        Some(o) => (format!("/offers/{o}"), format!("/qr/offer/{o}.svg")),
        None => ("/join".to_owned(), "/qr/join.svg".to_owned()),
    };
    Ok(Poster {
        language: message.language.clone(),
        title,
        text: Some(text).filter(|t| !t.trim().is_empty()),
        path,
        qr,
    })
}
