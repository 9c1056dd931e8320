//! Turns a claimed outbox row into the email to send, at send time: consent, confirmation and
//! suppressions are checked again (a member who unsubscribed after the campaign was queued is
//! not mailed), and the message is rendered with the member's values in their language, or the
//! shop's default when the campaign has none in theirs.

use sqlx::SqliteConnection;

use std::sync::Arc;

use super::{
    Claimed,
    context::{Cache, Member, Shared, chosen, for_preview, no_member, offer_url},
};
use crate::{
    brand::db::brand,
    campaigns::{
        Rendered,
        template::{self, Content, Footer},
    },
    db::Stamp,
    i18n::{Locale, parse_locale, td_string},
};

/// Whether a message is marketing (consent needed, unsubscribe headers) or a service
/// message (a test send, an address confirmation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Offers and news.
    Marketing,
    /// What the recipient asked for.
    Service,
}

/// An email ready for the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Recipient.
    pub to: String,
    /// Marketing or service (which sender address, which headers).
    pub purpose: Purpose,
    /// Subject.
    pub subject: String,
    /// The HTML part.
    pub html: String,
    /// The plain-text part.
    pub text: String,
    /// The one-click unsubscribe address (RFC 8058), for marketing.
    pub unsubscribe_url: Option<String>,
    /// A stable `Message-ID` (one per outbox row: a resend after a crash carries the same id).
    pub message_id: String,
}

/// Why a row is not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Consent withdrawn, address unconfirmed or suppressed, account closed.
    Suppressed,
    /// Its campaign was paused after the row was claimed: back in the queue.
    Held,
    /// Its campaign was cancelled after the row was claimed.
    Cancelled,
    /// The member reached the channel's frequency cap.
    Capped,
    /// Nothing to send (campaign or message gone, a template that no longer renders).
    Broken(String),
}

pub(super) fn locale(code: &str) -> Locale {
    parse_locale(code).unwrap_or(Locale::en)
}

/// Who a campaign's message is rendered for.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    /// The member.
    pub user_id: i64,
    /// Their language.
    pub language: &'a str,
    /// The message's token (its preference page).
    pub token: &'a str,
    /// The outbox row: set, addresses become short links that count its clicks.
    pub message: Option<i64>,
}

/// The addresses campaign `id`'s messages link to: written in them, and its offer's and
/// reward's (short links are made for these when it is queued).
pub async fn link_targets(
    conn: &mut SqliteConnection,
    id: i64,
    base_url: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM campaign_messages WHERE campaign_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let (offer, reward) = chosen(conn, id, base_url).await?;
    // The offer-starting journey names each member's own offer: every active one.
    let announced: Vec<i64> = sqlx::query_scalar(
        "SELECT f.id FROM offers f
         JOIN journey_campaigns j ON j.campaign_id = $1 AND j.trigger = 'offer_starting'
         WHERE f.active = 1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut urls: Vec<String> = bodies
        .iter()
        .flat_map(|b| crate::campaigns::links::written_urls(b))
        .chain(offer.map(|o| o.url))
        .chain(reward.map(|r| r.url))
        .chain(announced.into_iter().map(|f| offer_url(base_url, f)))
        .collect();
    urls.sort();
    urls.dedup();
    Ok(urls)
}

pub(super) fn no_message() -> Skip {
    Skip::Broken("no message in the member's or the default language".into())
}

/// Renders campaign `campaign_id`'s message for `to` in their language (or the default's).
pub async fn render_campaign(
    conn: &mut SqliteConnection,
    campaign_id: i64,
    to: Recipient<'_>,
    base_url: &str,
    now: Stamp,
) -> Result<Result<Rendered, Skip>, sqlx::Error> {
    Ok(for_preview(conn, campaign_id, to.user_id, base_url, now)
        .await?
        .and_then(|(shared, member)| render_with(&shared, &member, to, base_url)))
}

/// Campaign message for `member` (`to`) from what its campaign shares.
fn render_with(
    shared: &Shared,
    member: &Member,
    to: Recipient<'_>,
    base_url: &str,
) -> Result<Rendered, Skip> {
    let Some(message) = shared.message(to.language) else {
        return Err(no_message());
    };
    let vars = shared.vars(member, base_url, to.token);
    let rendered = (|| {
        Ok::<_, crate::campaigns::Problem>((
            template::render(&message.subject, &vars)?,
            template::render(&message.preheader, &vars)?,
            template::render(&message.body, &vars)?,
        ))
    })();
    let (subject, preheader, body) = rendered.map_err(|p| Skip::Broken(format!("{p:?}")))?;
    let body = shared.shorten(body, base_url, to.message);
    let l = locale(&message.language);
    // Only a message on its way has an open to record (not a preview or a test).
    let pixel = to.message.map(|_| format!("{base_url}/o/p/{}", to.token));
    let footer = Footer {
        why: td_string!(l, campaigns.footer_why),
        unsubscribe: td_string!(l, campaigns.footer_unsubscribe),
        preferences_url: &vars.preferences_url,
        pixel_url: pixel.as_deref(),
    };
    let brand = &shared.brand;
    let logo = brand.logo_url().map(|path| format!("{base_url}{path}"));
    let content = Content {
        language: &message.language,
        subject: &subject,
        preheader: &preheader,
        body: &body,
    };
    let email = template::email(brand, logo.as_deref(), content, footer);
    Ok(Rendered {
        language: message.language.clone(),
        subject: email.subject,
        preheader,
        html: email.html,
        text: email.text,
    })
}

/// The email for a claimed row, or why it is not sent.
pub async fn compose(
    conn: &mut SqliteConnection,
    cache: &mut Cache,
    row: &Claimed,
    base_url: &str,
    host: &str,
    now: Stamp,
) -> Result<Result<Composed, Skip>, sqlx::Error> {
    let message_id = format!(
        "<outbox-{}.{}@{host}>",
        row.id,
        &row.token[..8.min(row.token.len())]
    );
    let user_id = row.user_id.unwrap_or_default();
    match row.kind.as_str() {
        "campaign" | "journey" | "test" => {
            let marketing = super::is_marketing(&row.kind);
            let (shared, member) = match read(conn, cache, row, base_url, now).await? {
                Ok(both) => both,
                Err(skip) => return Ok(Err(skip)),
            };
            let to = Recipient {
                user_id,
                language: &row.language,
                token: &row.token,
                message: marketing.then_some(row.id),
            };
            let rendered = render_with(&shared, &member, to, base_url);
            Ok(rendered.map(|r| Composed {
                to: row.address.clone(),
                purpose: if marketing {
                    Purpose::Marketing
                } else {
                    Purpose::Service
                },
                subject: if marketing {
                    r.subject
                } else {
                    format!(
                        "[{}] {}",
                        td_string!(locale(&row.language), campaigns.test_prefix),
                        r.subject
                    )
                },
                html: r.html,
                text: r.text,
                unsubscribe_url: marketing.then(|| format!("{base_url}/u/{}", row.token)),
                message_id,
            }))
        }
        "confirm_email" => {
            let l = locale(&row.language);
            let service = Service {
                subject: td_string!(l, campaigns.confirm_subject).to_owned(),
                lead: td_string!(l, campaigns.confirm_body).to_owned(),
                after: (row.note.as_deref() == Some("phone_not_saved"))
                    .then(|| td_string!(l, campaigns.confirm_phone_left_out)),
                link: format!("{base_url}/confirm/{}", row.token),
                ignore: td_string!(l, campaigns.confirm_ignore),
                why: td_string!(l, campaigns.confirm_why).to_owned(),
            };
            Ok(Ok(service.compose(conn, row, base_url, message_id).await?))
        }
        "account_exists" => {
            let l = locale(&row.language);
            let service = Service {
                subject: td_string!(l, campaigns.exists_subject).to_owned(),
                lead: td_string!(l, campaigns.exists_body).to_owned(),
                after: None,
                link: format!("{base_url}/sign-in"),
                ignore: td_string!(l, campaigns.exists_ignore),
                why: td_string!(l, campaigns.exists_why).to_owned(),
            };
            Ok(Ok(service.compose(conn, row, base_url, message_id).await?))
        }
        "contest_win" => {
            let Some(service) = contest_win(conn, row, base_url).await? else {
                return Ok(Err(Skip::Broken("no contest".into())));
            };
            Ok(Ok(service.compose(conn, row, base_url, message_id).await?))
        }
        other => Ok(Err(Skip::Broken(format!("unknown kind {other}")))),
    }
}

/// What a campaign row's message is made of — its campaign's shared part (from `cache`) and
/// its recipient now — or why it is not sent: a campaign row goes only while its campaign is
/// sending and its recipient reachable.
pub async fn read(
    conn: &mut SqliteConnection,
    cache: &mut Cache,
    row: &Claimed,
    base_url: &str,
    now: Stamp,
) -> Result<Result<(Arc<Shared>, Member), Skip>, sqlx::Error> {
    let Some(campaign) = row.campaign_id else {
        return Ok(Err(Skip::Broken("no campaign".into())));
    };
    let member = cache.member(conn, row, now).await?;
    let marketing = super::is_marketing(&row.kind);
    let member = match member {
        Some(m) => match m.gate().filter(|_| marketing) {
            None => m,
            Some(skip) => return Ok(Err(skip)),
        },
        None if marketing => return Ok(Err(Skip::Suppressed)),
        None => return Ok(Err(no_member())),
    };
    let messages = row.message_from.unwrap_or(campaign);
    Ok(Ok((cache.shared(conn, messages, base_url).await?, member)))
}

/// A service message about the account (not marketing): a lead, one link, what to do when
/// it was not you, and why it came.
struct Service {
    subject: String,
    lead: String,
    /// A paragraph after the link (a phone number left out at sign-up).
    after: Option<&'static str>,
    link: String,
    ignore: &'static str,
    why: String,
}

impl Service {
    async fn compose(
        self,
        conn: &mut SqliteConnection,
        row: &Claimed,
        base_url: &str,
        message_id: String,
    ) -> Result<Composed, sqlx::Error> {
        let l = locale(&row.language);
        let brand = brand(conn).await?;
        let mut body = format!("{}\n\n{}\n\n", self.lead, self.link);
        if let Some(after) = self.after {
            body.push_str(after);
            body.push_str("\n\n");
        }
        body.push_str(self.ignore);
        let footer = Footer {
            why: &self.why,
            unsubscribe: td_string!(l, campaigns.footer_preferences),
            preferences_url: &format!("{base_url}/me/data"),
            pixel_url: None,
        };
        let content = Content {
            language: &row.language,
            subject: &self.subject,
            preheader: "",
            body: &body,
        };
        let logo = brand.logo_url().map(|path| format!("{base_url}{path}"));
        let email = template::email(&brand, logo.as_deref(), content, footer);
        Ok(Composed {
            to: row.address.clone(),
            purpose: Purpose::Service,
            subject: email.subject,
            html: email.html,
            text: email.text,
            unsubscribe_url: None,
            message_id,
        })
    }
}

/// A winner's message: the contest the row's key names (`contest:<id>:<member>`), in the
/// row's language, with the prize and where it is. `None` when that contest is gone.
async fn contest_win(
    conn: &mut SqliteConnection,
    row: &Claimed,
    base_url: &str,
) -> Result<Option<Service>, sqlx::Error> {
    let l = locale(&row.language);
    let key: String = sqlx::query_scalar("SELECT dedupe_key FROM outbox WHERE id = $1")
        .bind(row.id)
        .fetch_one(&mut *conn)
        .await?;
    let id = key.split(':').nth(1).and_then(|id| id.parse::<i64>().ok());
    let Some(contest) = (match id {
        Some(id) => crate::contests::db::by_id(conn, id, &row.language).await?,
        None => None,
    }) else {
        return Ok(None);
    };
    let (prize, path) = match &contest.prize {
        crate::contests::Prize::Points(points) => (
            td_string!(l, contests.prize_points).replace(
                "{points}",
                &crate::i18n::format::number(&row.language, *points),
            ),
            "/me/history",
        ),
        crate::contests::Prize::Reward(_, name) => (
            td_string!(l, contests.prize_reward).replace("{reward}", name),
            "/me/rewards",
        ),
    };
    Ok(Some(Service {
        subject: td_string!(l, contests.win_subject).replace("{title}", &contest.title),
        lead: td_string!(l, contests.win_body)
            .replace("{title}", &contest.title)
            .replace("{prize}", &prize),
        after: None,
        link: format!("{base_url}{path}"),
        ignore: td_string!(l, contests.win_thanks),
        why: td_string!(l, contests.win_why).replace("{title}", &contest.title),
    }))
}
