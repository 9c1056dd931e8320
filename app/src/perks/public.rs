//! `/offers/:id`: a member offer's public page — what it gives, when, and for whom (every
//! member, or the members of some tiers) — so a shared link or a poster's QR code shows it to
//! anyone, with a way to join or sign in. Offers for picked members, switched off or over are
//! not found. Shared links show it as a card (Open Graph and Twitter tags).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use serde::{Deserialize, Serialize};

use super::types::OfferKind;
use crate::{
    error::AppError,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    loyalty::rules::Currency,
    social::{ShareLinks, SocialMeta},
    ui::{Loading, PageTitle, error_view},
};

/// An offer as its public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferPage {
    /// Id.
    pub id: i64,
    /// Title in the reader's language.
    pub title: String,
    /// Description in the reader's language.
    pub description: String,
    /// First day, if any.
    pub starts_on: Option<String>,
    /// Last day, if any.
    pub ends_on: Option<String>,
    /// What it gives.
    pub kind: OfferKind,
    /// Its value (by kind).
    pub value: i64,
    /// The shop's currency.
    pub currency: Currency,
    /// The tiers it is for, by name (empty: every member).
    pub tiers: Vec<String>,
    /// The shop's name.
    pub shop: String,
    /// The page's address.
    pub url: String,
    /// Whether a member is reading.
    pub member: bool,
    /// Whether nobody is signed in.
    pub visitor: bool,
}

/// Offer `id` as anyone may see it: active, not over, for every member or for tiers.
#[server(prefix = "/api", endpoint = "perks/public_offer")]
pub async fn public_offer(id: i64) -> Result<OfferPage, AppError> {
    use crate::server::*;
    let st = state()?;
    let language = current_language();
    let mut conn = st.db.reader.acquire().await?;
    let mut offer = super::engine::public_offer(&mut conn, id, st.clock.now())
        .await?
        .ok_or(AppError::NotFound)?;
    let texts = crate::texts::db::Localised::load(&mut conn, &language).await?;
    texts.both(
        crate::texts::Kind::Offer,
        offer.id,
        &mut offer.title,
        &mut offer.description,
    );
    let program = crate::loyalty::db::program::program(&mut conn).await?;
    let tiers = program
        .tiers
        .into_iter()
        .filter(|t| offer.tiers.contains(&t.id))
        .map(|mut t| {
            texts.tier(&mut t);
            t.name
        })
        .collect();
    let shop = crate::brand::db::brand(&mut conn)
        .await?
        .shown_name()
        .to_owned();
    Ok(OfferPage {
        id: offer.id,
        title: offer.title,
        description: offer.description,
        starts_on: offer.starts_on,
        ends_on: offer.ends_on,
        kind: offer.kind,
        value: offer.value,
        currency: program.settings.currency,
        tiers,
        shop,
        url: format!("{}/offers/{}", st.base_url.trim_end_matches('/'), offer.id),
        member: caller().is_some_and(|u| u.role == crate::accounts::Role::Member),
        visitor: caller().is_none(),
    })
}

/// The public page of an offer.
#[component]
pub fn OfferPublicPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let number = id.parse::<i64>().unwrap_or(0);
    let offer = Resource::new(move || i18n.get_locale(), move |_| public_offer(number));
    view! {
        <SocialMeta what="offer" slug=id />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match offer.await {
                    Err(e) => view! {
                        <PageTitle>{t!(i18n, perks.public_title)}</PageTitle>
                        <p class="form-error" role="alert">{error_view(&e, true)}</p>
                    }.into_any(),
                    Ok(o) => view! { <OfferView o /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OfferView(o: OfferPage) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let gives = super::pages::gives(l, o.kind, o.value, o.currency);
    let dates = format::date_range(l, o.starts_on.as_deref(), o.ends_on.as_deref());
    let who = if o.tiers.is_empty() {
        t_string!(i18n, perks.public_everyone).to_owned()
    } else {
        t_string!(i18n, perks.public_tiers).replace("{tiers}", &o.tiers.join(", "))
    };
    // Members go to their offers, visitors may join or sign in; staff need neither.
    let next = if o.member {
        Some(view! { <p><A href="/">{t!(i18n, perks.public_see_yours)}</A></p> }.into_any())
    } else {
        o.visitor.then(|| {
            view! {
                <p>
                    <A href="/join">{t!(i18n, perks.public_join)}</A> " · "
                    <A href="/sign-in">{t!(i18n, perks.public_sign_in)}</A>
                </p>
            }
            .into_any()
        })
    };
    let (title, share) = (o.title.clone(), o.title.clone());
    view! {
        <PageTitle>{title}</PageTitle>
        <p class="lede">{o.shop.clone()} " · " {t!(i18n, perks.public_title)}</p>
        <section class="card" aria-labelledby="offer-about">
            <h2 id="offer-about">{gives}</h2>
            {(!o.description.is_empty()).then(|| view! { <p class="prose">{o.description.clone()}</p> })}
            <p>{who}</p>
            {dates.map(|d| view! { <p>{d}</p> })}
            {next}
        </section>
        <section class="card" aria-labelledby="offer-share">
            <h2 id="offer-share">{t!(i18n, perks.public_share)}</h2>
            <ShareLinks url=o.url.clone() text=share />
        </section>
    }
}
