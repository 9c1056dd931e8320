//! `/print/letters/:id`: a campaign's printed letters, one A4 page each, for members who get
//! offers neither by email nor by text message (see [`super::letters`]). On screen, what
//! they are and whom they go to above the letters; printed, only the letters, the address
//! where a window envelope (DIN 5008) shows it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::letters::{Letter, Letters, campaign_letters};
use crate::{
    i18n::{Locale, LocaleExt as _, format, parse_locale, t, t_string, td_string, use_i18n},
    ui::{Loading, error_view},
};

/// The page.
#[component]
pub fn LettersPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|i| i.parse::<i64>().ok()))
        .unwrap_or(0);
    let data = Resource::new(|| (), move |_| campaign_letters(id));
    view! {
        <div class="print-controls">
            <p><A href=format!("/console/campaigns/{id}")>{t!(i18n, campaigns.back_to_campaign)}</A></p>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <h1>{t!(i18n, campaigns.letters_title)}</h1>
                        <p class="form-error" role="alert">{error_view(&e, true)}</p>
                    }.into_any(),
                    Ok(l) => view! { <LettersView l /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LettersView(l: Letters) -> impl IntoView {
    let i18n = use_i18n();
    let title = format!(
        "{} · {}",
        t_string!(i18n, campaigns.letters_title),
        l.campaign
    );
    let lede = t_string!(i18n, campaigns.letters_lede)
        .replace("{count}", &l.total.to_string())
        .replace("{segment}", &l.segment);
    let shown = l.letters.len();
    let more = (l.total > shown as i64)
        .then(|| t_string!(i18n, campaigns.letters_more).replace("{shown}", &shown.to_string()));
    let Letters {
        shop,
        logo,
        today,
        my_data_url,
        letters,
        ..
    } = l;
    view! {
        <Title text=title.clone() />
        <div class="print-controls">
            <h1>{title}</h1>
            <p class="lede">{lede}</p>
            {more.map(|m| view! { <p class="hint">{m}</p> })}
            {if letters.is_empty() {
                view! { <p>{t!(i18n, campaigns.letters_none)}</p> }.into_any()
            } else {
                view! { <p class="hint">{t!(i18n, campaigns.letters_hint)}</p> }.into_any()
            }}
        </div>
        {letters
            .into_iter()
            .map(|letter| {
                view! { <LetterSheet letter shop=shop.clone() logo=logo.clone() today=today.clone() my_data_url=my_data_url.clone() /> }
            })
            .collect_view()}
    }
}

/// One letter, in its own language whatever the reader's.
#[component]
fn LetterSheet(
    letter: Letter,
    shop: String,
    logo: Option<String>,
    today: String,
    my_data_url: String,
) -> impl IntoView {
    let own = parse_locale(&letter.language).unwrap_or(Locale::en);
    let why = td_string!(own, campaigns.letters_why)
        .replace("{shop}", &shop)
        .replace("{url}", &my_data_url);
    let lines = |text: String| {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.push(view! { <br /> }.into_any());
            }
            out.push(line.to_owned().into_any());
        }
        out
    };
    let address = std::iter::once(letter.name)
        .chain(letter.address)
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <article class="letter" lang=letter.language.clone()>
            <header class="letter-head">
                {match logo {
                    Some(src) => view! { <img class="print-logo" src=src alt=shop.clone() /> }.into_any(),
                    None => view! { <p class="print-shop">{shop.clone()}</p> }.into_any(),
                }}
                <p class="letter-date">{format::date(own.as_str(), &today)}</p>
            </header>
            <address class="letter-to">{lines(address)}</address>
            {(!letter.subject.is_empty()).then(|| view! { <h2>{letter.subject.clone()}</h2> })}
            {letter.paragraphs.into_iter().map(|p| view! { <p>{lines(p)}</p> }).collect_view()}
            <p class="letter-foot">{why}</p>
        </article>
    }
}
