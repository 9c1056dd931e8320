//! What the shop shows outside: cards for links shared on social media (Open Graph and
//! Twitter tags in the page's language on the public join and feedback pages), share links
//! that are plain links (no third-party script), and printable posters and table cards with
//! a QR code for the join page and each feedback form (`print`).

use leptos::prelude::*;
use leptos_meta::Meta;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, i18n::use_i18n};

mod print;

pub use print::PrintPage;

/// A public page as a card: what a shared link or a printed poster says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// The shop's name.
    pub shop: String,
    /// The shop's logo, an absolute address (none: no logo).
    pub logo: Option<String>,
    /// Title, in `language`.
    pub title: String,
    /// A line under it.
    pub text: String,
    /// The page's public address.
    pub url: String,
    /// Its QR code (SVG), a path on this server.
    pub qr: String,
    /// The language of the texts.
    pub language: String,
}

/// The card of a public page: `what` is `join`, `feedback`, `contest` or `offer` (then `slug`
/// names the form, the contest or the offer's id), in
/// `lang` (empty: the visitor's language). Anyone may read it: the pages are public. A
/// campaign's (`campaign`, `slug` its id) is for managers only, and leads to its offer's
/// page or the join page.
#[server(prefix = "/api", endpoint = "social/card")]
pub async fn public_card(
    what: String,
    #[server(default)] slug: String,
    #[server(default)] lang: String,
) -> Result<Card, AppError> {
    use crate::i18n::{Locale, LocaleExt as _, parse_locale, td_string};
    let st = crate::server::state()?;
    let language = match lang.trim() {
        "" => crate::server::current_language(),
        l => parse_locale(l)
            .ok_or(AppError::NotFound)?
            .as_str()
            .to_owned(),
    };
    let l = parse_locale(&language).unwrap_or(Locale::en);
    let mut conn = st.db.reader.acquire().await?;
    let brand = crate::brand::db::brand(&mut conn).await?;
    let base = st.base_url.trim_end_matches('/').to_owned();
    let shop = brand.shown_name().to_owned();
    let (mut language, mut l) = (language, l);
    let (title, text, path, qr) = match what.as_str() {
        "join" => (
            td_string!(l, social.join_title).replace("{shop}", &shop),
            td_string!(l, social.join_text).to_owned(),
            "/join".to_owned(),
            "/qr/join.svg".to_owned(),
        ),
        "feedback" => {
            let form =
                crate::feedback::engine::form_view(&mut conn, ("slug", slug.trim()), &language)
                    .await?
                    .filter(|f| f.active)
                    .ok_or(AppError::NotFound)?;
            let text = match form.texts.intro.trim() {
                "" => td_string!(l, social.feedback_text).to_owned(),
                intro => intro.to_owned(),
            };
            (
                form.texts.title.clone(),
                text,
                format!("/feedback/{}", form.slug),
                format!("/qr/feedback/{}.svg", form.slug),
            )
        }
        "contest" => {
            let contest = crate::contests::db::by_slug(&mut conn, slug.trim(), &language)
                .await?
                .ok_or(AppError::NotFound)?;
            let text = match contest.description.trim() {
                "" => td_string!(l, contests.card_text).to_owned(),
                d => d.chars().take(200).collect(),
            };
            (
                contest.title,
                text,
                format!("/contests/{}", contest.slug),
                format!("/qr/contest/{}.svg", contest.slug),
            )
        }
        "offer" => {
            let id: i64 = slug.trim().parse().map_err(|_| AppError::NotFound)?;
            let mut offer = crate::perks::engine::public_offer(&mut conn, id, st.clock.now())
                .await?
                .ok_or(AppError::NotFound)?;
            crate::texts::db::Localised::load(&mut conn, &language)
                .await?
                .both(
                    crate::texts::Kind::Offer,
                    id,
                    &mut offer.title,
                    &mut offer.description,
                );
            let text = match offer.description.trim() {
                "" => td_string!(l, perks.public_card_text).to_owned(),
                d => d.chars().take(200).collect(),
            };
            (
                offer.title,
                text,
                format!("/offers/{id}"),
                format!("/qr/offer/{id}.svg"),
            )
        }
        "campaign" => {
            crate::server::require(crate::accounts::Role::Manager)?;
            let id: i64 = slug.trim().parse().map_err(|_| AppError::NotFound)?;
            let base = &st.base_url;
            let now = st.clock.now();
            let p = crate::campaigns::poster::poster(&mut conn, id, &language, base, now).await?;
            l = parse_locale(&p.language).unwrap_or(Locale::en);
            language = p.language;
            let text = p
                .text
                .unwrap_or_else(|| td_string!(l, social.join_text).to_owned());
            (p.title, text, p.path, p.qr)
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(Card {
        logo: brand.logo_url().map(|l| format!("{base}{l}")),
        shop,
        title,
        text,
        url: format!("{base}{path}"),
        qr,
        language,
    })
}

/// A public address's last part made from `name`: lower-case ASCII letters and digits, words
/// joined by `-`; `fallback` when nothing is left.
pub fn slug_of(name: &str, fallback: &str) -> String {
    let slug = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug.chars()
            .take(50)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }
}

/// The Open Graph locale of a language code (`sv` → `sv_SE`).
pub fn og_locale(language: &str) -> &'static str {
    match language {
        "sv" => "sv_SE",
        "nb" => "nb_NO",
        "lv" => "lv_LV",
        "pt" => "pt_BR",
        _ => "en_GB",
    }
}

/// Plain share links for `url` with `text`: `(name, address)` for email, WhatsApp, Facebook
/// and X. Following one opens that service with the link filled in; nothing of theirs loads
/// on our pages.
pub fn share_links(url: &str, text: &str) -> Vec<(&'static str, String)> {
    let enc = |s: &str| encode(s);
    let both = enc(&format!("{text} {url}"));
    vec![
        (
            "Email",
            format!("mailto:?subject={}&body={both}", enc(text)),
        ),
        ("WhatsApp", format!("https://wa.me/?text={both}")),
        (
            "Facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={}", enc(url)),
        ),
        (
            "X",
            format!(
                "https://x.com/intent/post?text={}&url={}",
                enc(text),
                enc(url)
            ),
        ),
    ]
}

/// `s` percent-encoded for a query string (everything but RFC 3986's unreserved characters).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The card tags of the public page `what` (`join`, `feedback` with `slug`) in the visitor's
/// language, for the page's `<head>`.
#[component]
pub fn SocialMeta(what: &'static str, #[prop(optional, into)] slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let card = Resource::new(
        move || i18n.get_locale(),
        move |_| public_card(what.to_owned(), slug.clone(), String::new()),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                card.await.ok().map(|c| view! {
                    <Meta property="og:type" content="website" />
                    <Meta property="og:site_name" content=c.shop.clone() />
                    <Meta property="og:title" content=c.title.clone() />
                    <Meta property="og:description" content=c.text.clone() />
                    <Meta property="og:url" content=c.url.clone() />
                    <Meta property="og:locale" content=og_locale(&c.language) />
                    {c.logo.clone().map(|logo| view! { <Meta property="og:image" content=logo /> })}
                    <Meta name="twitter:card" content="summary" />
                    <Meta name="twitter:title" content=c.title.clone() />
                    <Meta name="twitter:description" content=c.text.clone() />
                    <Meta name="description" content=c.text />
                })
            })}
        </Suspense>
    }
}

/// Share links for `url` (see [`share_links`]), labelled for screen readers.
#[component]
pub fn ShareLinks(url: String, text: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="share-links" aria-label=move || crate::i18n::t_string!(i18n, social.share)>
            {share_links(&url, &text).into_iter().map(|(name, href)| view! {
                <li><a href=href target="_blank" rel="noopener noreferrer">{name}</a></li>
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_links_carry_the_address_encoded_and_no_script() {
        let links = share_links("https://shop.example/join?ref=AB12", "Join us & save");
        let names: Vec<_> = links.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["Email", "WhatsApp", "Facebook", "X"]);
        assert_eq!(
            links[2].1,
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fshop.example%2Fjoin%3Fref%3DAB12"
        );
        assert_eq!(
            links[0].1,
            "mailto:?subject=Join%20us%20%26%20save&body=Join%20us%20%26%20save%20https%3A%2F%2Fshop.example%2Fjoin%3Fref%3DAB12"
        );
        assert!(
            links[3]
                .1
                .ends_with("&url=https%3A%2F%2Fshop.example%2Fjoin%3Fref%3DAB12")
        );
        assert_eq!(encode("Līga å"), "L%C4%ABga%20%C3%A5");
    }

    #[test]
    fn each_language_has_its_open_graph_locale() {
        let got: Vec<_> = ["en", "sv", "nb", "lv", "pt"].map(og_locale).into();
        assert_eq!(got, ["en_GB", "sv_SE", "nb_NO", "lv_LV", "pt_BR"]);
    }
}
