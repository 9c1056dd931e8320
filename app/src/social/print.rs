//! `/print/join`, `/print/feedback/:slug`, `/print/contest/:slug`, `/print/offer/:id` and
//! `/print/campaign/:id`: a poster (A4) or a table card (A6) for the join page, a feedback
//! form, a contest, a member offer or a campaign — the shop, a title, a line, the QR code and the address — in any
//! of the five languages (`?lang=`), whatever the reader's own. On screen the choices sit
//! above the sheet; printed, only the sheet is on the page, sized by the print styles.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::public_card;
use crate::{
    i18n::{LANGUAGES, Locale, parse_locale, t, t_string, td_string, use_i18n},
    ui::{Loading, error_view},
};

/// The print page of `/print/join`, `/print/feedback/:slug` or `/print/contest/:slug`.
#[component]
pub fn PrintPage() -> impl IntoView {
    let i18n = use_i18n();
    let slug = use_params_map().with_untracked(|p| p.get("slug"));
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let what = if path.starts_with("/print/contest/") {
        "contest"
    } else if path.starts_with("/print/campaign/") {
        "campaign"
    } else if path.starts_with("/print/offer/") {
        "offer"
    } else if slug.is_some() {
        "feedback"
    } else {
        "join"
    };
    let query = use_query_map();
    let size = move || {
        query.with(|q| match q.get("size").as_deref() {
            Some("a6") => "a6",
            _ => "a4",
        })
    };
    let lang = move || query.with(|q| q.get("lang").unwrap_or_default());
    let slug = slug.unwrap_or_default();
    // A campaign's poster may be refused: the way back to it.
    let back = (what == "campaign").then(|| format!("/console/campaigns/{slug}"));
    let card = Resource::new(
        move || (lang(), i18n.get_locale()),
        move |(lang, _)| public_card(what.to_owned(), slug.clone(), lang),
    );
    view! {
        <Transition fallback=Loading>
            {move || { let back = back.clone(); Suspend::new(async move {
                let c = match card.await {
                    Ok(c) => c,
                    Err(e) => return view! {
                        {back.map(|href| view! { <p><a href=href>{t!(i18n, campaigns.back_to_campaign)}</a></p> })}
                        <p class="form-error" role="alert">{error_view(&e, true)}</p>
                    }.into_any(),
                };
                let (size, chosen) = (size(), c.language.clone());
                let here = |size: &str, lang: &str| format!("?size={size}&lang={lang}");
                let sizes = [("a4", t_string!(i18n, social.poster)), ("a6", t_string!(i18n, social.table_card))]
                    .into_iter()
                    .map(|(s, name)| {
                        let current = (s == size).then_some("page");
                        view! { <li><a href=here(s, &chosen) aria-current=current>{name}</a></li> }
                    })
                    .collect_view();
                let languages = LANGUAGES
                    .iter()
                    .map(|(code, name)| {
                        let current = (*code == chosen).then_some("page");
                        view! { <li><a href=here(size, code) hreflang=*code aria-current=current>{*name}</a></li> }
                    })
                    .collect_view();
                // The sheet's own language, like the rest of the sheet.
                let sheet = parse_locale(&c.language).unwrap_or(Locale::en);
                let alt = td_string!(sheet, social.qr_alt).replace("{url}", &c.url);
                view! {
                    <Title text=c.title.clone() />
                    <div class="print-controls">
                        <p class="lede">{t!(i18n, social.print_lede)}</p>
                        <ul class="choice-links" aria-label=move || t_string!(i18n, social.size)>{sizes}</ul>
                        <ul class="choice-links" aria-label=move || t_string!(i18n, social.language)>{languages}</ul>
                        <p class="hint">{t!(i18n, social.print_hint)}</p>
                    </div>
                    <article class=format!("print-sheet {size}") lang=c.language.clone()>
                        {c.logo.clone().map(|src| view! { <img class="print-logo" src=src alt="" /> })}
                        <p class="print-shop">{c.shop.clone()}</p>
                        <h1>{c.title.clone()}</h1>
                        <p class="print-text">{c.text.clone()}</p>
                        <img class="print-qr" src=c.qr.clone() alt=alt width="176" height="176" />
                        <p class="print-url">{c.url.clone()}</p>
                    </article>
                }
                .into_any()
            })}}
        </Transition>
    }
}
