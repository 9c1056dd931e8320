//! Turns a claimed outbox row into the email to send, at send time: consent, confirmation and
//! suppressions are checked again (a member who unsubscribed after the campaign was queued is
//! not mailed), and the message is rendered with the member's values in their language, or the
//! shop's default when the campaign has none in theirs.

use sqlx::SqliteConnection;

use super::{Claimed, gate};
use crate::{
    brand::db::brand,
    campaigns::{
        Rendered,
        db::default_language,
        template::{self, Content, Footer, Linked, Vars},
    },
    db::{Stamp, local_day},
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

/// The offer and reward campaign `id` names, with where members read about them.
async fn chosen(
    conn: &mut SqliteConnection,
    id: i64,
    base_url: &str,
) -> Result<(Option<Linked>, Option<Linked>), sqlx::Error> {
    let offer: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT o.id, o.title, o.description FROM campaigns c JOIN offers o ON o.id = c.offer_id
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let reward: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT r.id, r.name, r.description FROM campaigns c JOIN rewards r ON r.id = c.reward_id
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok((
        offer.map(|(id, title, description)| Linked {
            title,
            description,
            url: format!("{base_url}/#offer-{id}"),
        }),
        reward.map(|(id, title, description)| Linked {
            title,
            description,
            url: format!("{base_url}/me/rewards#reward-{id}"),
        }),
    ))
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
    let mut urls: Vec<String> = bodies
        .iter()
        .flat_map(|b| crate::campaigns::links::written_urls(b))
        .chain(offer.map(|o| o.url))
        .chain(reward.map(|r| r.url))
        .collect();
    urls.sort();
    urls.dedup();
    Ok(urls)
}

/// The member's values for templates.
pub(super) async fn vars(
    conn: &mut SqliteConnection,
    campaign_id: i64,
    user_id: i64,
    shop: &str,
    base_url: &str,
    token: &str,
    now: Stamp,
) -> Result<Vars, sqlx::Error> {
    let (name, points, tier): (String, i64, Option<String>) = sqlx::query_as(
        "SELECT u.preferred_name, coalesce(b.balance, 0), t.name
         FROM users u LEFT JOIN member_balances b ON b.member_id = u.id
         LEFT JOIN member_tiers mt ON mt.member_id = u.id LEFT JOIN tiers t ON t.id = mt.tier_id
         WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let expiring: Option<(i64, String)> = sqlx::query_as(
        "SELECT sum(remaining), expires_at FROM point_lots
         WHERE member_id = $1 AND remaining > 0 AND expires_at > $2
         GROUP BY expires_at ORDER BY expires_at LIMIT 1",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let tz = crate::campaigns::db::shop_tz(conn).await?;
    let (expiring_points, expiring_on) = match expiring {
        Some((n, at)) => {
            let day = at
                .parse::<Stamp>()
                .map_or(at.clone(), |t| local_day(&tz, t).0.to_string());
            (n, day)
        }
        None => (0, String::new()),
    };
    let (offer, reward) = chosen(conn, campaign_id, base_url).await?;
    Ok(Vars {
        offer,
        reward,
        preferred_name: name,
        points,
        tier: tier.unwrap_or_default(),
        expiring_points,
        expiring_on,
        shop: shop.to_owned(),
        portal_url: format!("{base_url}/"),
        preferences_url: format!("{base_url}/u/{token}"),
    })
}

/// Campaign `campaign_id`'s message in `language`, or in the shop's default language when it
/// has none in that one: `(language used, subject, preheader, body)`.
pub(super) async fn message_for(
    conn: &mut SqliteConnection,
    campaign_id: i64,
    language: &str,
) -> Result<Option<(String, String, String, String)>, sqlx::Error> {
    let default = default_language(conn).await?;
    sqlx::query_as(
        "SELECT language, subject, preheader, body FROM campaign_messages
         WHERE campaign_id = $1 AND language IN ($2, $3)
         ORDER BY language = $2 DESC LIMIT 1",
    )
    .bind(campaign_id)
    .bind(language)
    .bind(&default)
    .fetch_optional(conn)
    .await
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
    let Recipient {
        user_id,
        language,
        token,
        message: outbox_id,
    } = to;
    let Some((used, subject, preheader, body)) = message_for(conn, campaign_id, language).await?
    else {
        return Ok(Err(no_message()));
    };
    let brand = brand(conn).await?;
    let vars = vars(
        conn,
        campaign_id,
        user_id,
        brand.shown_name(),
        base_url,
        token,
        now,
    )
    .await?;
    let rendered = (|| {
        Ok::<_, crate::campaigns::Problem>((
            template::render(&subject, &vars)?,
            template::render(&preheader, &vars)?,
            template::render(&body, &vars)?,
        ))
    })();
    let (subject, preheader, mut body) = match rendered {
        Ok(r) => r,
        Err(p) => return Ok(Err(Skip::Broken(format!("{p:?}")))),
    };
    if let Some(outbox_id) = outbox_id {
        let links = crate::campaigns::links::of_campaign(conn, campaign_id).await?;
        body = crate::campaigns::links::shorten(&body, &links, base_url, outbox_id);
    }
    let l = locale(&used);
    let footer = Footer {
        why: td_string!(l, campaigns.footer_why),
        unsubscribe: td_string!(l, campaigns.footer_unsubscribe),
        preferences_url: &vars.preferences_url,
    };
    let logo = brand.logo_url().map(|path| format!("{base_url}{path}"));
    let content = Content {
        language: &used,
        subject: &subject,
        preheader: &preheader,
        body: &body,
    };
    let email = template::email(&brand, logo.as_deref(), content, footer);
    Ok(Ok(Rendered {
        language: used,
        subject: email.subject,
        preheader,
        html: email.html,
        text: email.text,
    }))
}

/// The email for a claimed row, or why it is not sent.
pub async fn compose(
    conn: &mut SqliteConnection,
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
        "campaign" | "test" => {
            let marketing = row.kind == "campaign";
            if let Some(skip) = gate(conn, row).await? {
                return Ok(Err(skip));
            }
            let Some(campaign) = row.campaign_id else {
                return Ok(Err(Skip::Broken("no campaign".into())));
            };
            let to = Recipient {
                user_id,
                language: &row.language,
                token: &row.token,
                message: marketing.then_some(row.id),
            };
            let rendered = render_campaign(conn, campaign, to, base_url, now).await?;
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
                subject: td_string!(l, campaigns.confirm_subject),
                lead: td_string!(l, campaigns.confirm_body),
                link: format!("{base_url}/confirm/{}", row.token),
                ignore: td_string!(l, campaigns.confirm_ignore),
                why: td_string!(l, campaigns.confirm_why),
            };
            Ok(Ok(service.compose(conn, row, base_url, message_id).await?))
        }
        "account_exists" => {
            let l = locale(&row.language);
            let service = Service {
                subject: td_string!(l, campaigns.exists_subject),
                lead: td_string!(l, campaigns.exists_body),
                link: format!("{base_url}/sign-in"),
                ignore: td_string!(l, campaigns.exists_ignore),
                why: td_string!(l, campaigns.exists_why),
            };
            Ok(Ok(service.compose(conn, row, base_url, message_id).await?))
        }
        other => Ok(Err(Skip::Broken(format!("unknown kind {other}")))),
    }
}

/// A service message about the account (not marketing): a lead, one link, what to do when
/// it was not you, and why it came.
struct Service {
    subject: &'static str,
    lead: &'static str,
    link: String,
    ignore: &'static str,
    why: &'static str,
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
        let body = format!("{}\n\n{}\n\n{}", self.lead, self.link, self.ignore);
        let footer = Footer {
            why: self.why,
            unsubscribe: td_string!(l, campaigns.footer_preferences),
            preferences_url: &format!("{base_url}/me/data"),
        };
        let content = Content {
            language: &row.language,
            subject: self.subject,
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
