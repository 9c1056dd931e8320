//! `/contests/:slug`: a contest's public page in the reader's language — what it is, when,
//! how to enter and what the winners get; a member enters with one button while it is open;
//! after the draw, how many entered, whether the reader won, and what anyone needs to check
//! the draw. Shared links show it as a card (Open Graph and Twitter tags), and plain share
//! links pass it on.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    Public, Stage,
    api::{EnterContest, contest_page},
    page::{prize_words, stage_name, way_name},
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    social::{ShareLinks, SocialMeta},
    ui::{FormError, Loading, PageTitle, error_view, last_error},
};

/// The public page of a contest.
#[component]
pub fn ContestPublicPage() -> impl IntoView {
    let i18n = use_i18n();
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let enter = ServerAction::<EnterContest>::new();
    let page = {
        let slug = slug.clone();
        Resource::new(
            move || (enter.version().get(), i18n.get_locale()),
            move |_| contest_page(slug.clone()),
        )
    };
    view! {
        <SocialMeta what="contest" slug=slug.clone() />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! {
                        <PageTitle>{t!(i18n, contests.title)}</PageTitle>
                        <p class="form-error" role="alert">{error_view(&e, true)}</p>
                    }.into_any(),
                    Ok(p) => view! { <ContestView p enter /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContestView(p: Public, enter: ServerAction<EnterContest>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let c = p.contest;
    let error = last_error(enter);
    let period = format::date_range(l, Some(&c.starts_on), Some(&c.ends_on)).unwrap_or_default();
    let on_page = c.ways.iter().any(|w| w == "page");
    let ways = c
        .ways
        .iter()
        .map(|w| view! { <li>{way_name(w)}</li> })
        .collect_view();
    let entry = match (p.stage, p.entered) {
        (Stage::Open, Some(true)) => Some(
            view! { <p class="notice" role="status">{t!(i18n, contests.you_entered)}</p> }
                .into_any(),
        ),
        (Stage::Open, Some(false)) if on_page => Some(
            view! {
                <ActionForm action=enter attr:class="stack">
                    <FormError error />
                    <input type="hidden" name="slug" value=c.slug.clone() />
                    <button type="submit" class="button primary">{t!(i18n, contests.enter)}</button>
                </ActionForm>
            }
            .into_any(),
        ),
        (Stage::Open, None) if p.visitor => Some(
            view! {
                <p>
                    <A href="/sign-in">{t!(i18n, contests.sign_in)}</A> " · "
                    <A href="/join">{t!(i18n, contests.join)}</A>
                </p>
            }
            .into_any(),
        ),
        _ => None,
    };
    let result = c.drawn.clone().map(|d| {
        let won = p.won.map(|place| {
            view! { <p class="notice" role="status">{t_string!(i18n, contests.you_won).replace("{place}", &place.to_string())}</p> }
        });
        view! {
            <section class="card" aria-labelledby="contest-draw">
                <h2 id="contest-draw">{t!(i18n, contests.the_draw)}</h2>
                {won}
                <p>{t_string!(i18n, contests.drawn_on)
                    .replace("{date}", &format::date(l, &d.at))
                    .replace("{entrants}", &format::number(l, d.entrants))}</p>
                <dl class="facts audit">
                    <dt>{t!(i18n, contests.seed_hash)}</dt><dd><code class="hash">{c.seed_hash.clone()}</code></dd>
                    <dt>{t!(i18n, contests.seed)}</dt><dd><code class="hash">{d.seed}</code></dd>
                    <dt>{t!(i18n, contests.list_hash)}</dt><dd><code class="hash">{d.entrants_hash}</code></dd>
                </dl>
                <p class="hint">{t!(i18n, contests.how_checked)}</p>
            </section>
        }
    });
    let before = c.drawn.is_none().then(|| {
        view! {
            <p class="hint">{t!(i18n, contests.seed_fixed)} " " <code class="hash">{c.seed_hash.clone()}</code></p>
        }
    });
    let (title, share_text) = (c.title.clone(), c.title.clone());
    view! {
        <PageTitle>{title}</PageTitle>
        <p class="lede">{p.shop.clone()} " · " {period} " · " <span class="badge">{stage_name(p.stage)}</span></p>
        <section class="card" aria-labelledby="contest-about" lang=c.language.clone()>
            <h2 id="contest-about">{t!(i18n, contests.about)}</h2>
            {(!c.description.is_empty()).then(|| view! { <p class="prose">{c.description.clone()}</p> })}
            <h3>{t!(i18n, contests.ways)}</h3>
            <ul>{ways}</ul>
            <h3>{t!(i18n, contests.prize)}</h3>
            <p>{t_string!(i18n, contests.prize_for)
                .replace("{prize}", &prize_words(&c.prize))
                .replace("{winners}", &c.winners.to_string())}</p>
            {entry}
            {before}
        </section>
        {result}
        <section class="card" aria-labelledby="contest-share">
            <h2 id="contest-share">{t!(i18n, contests.share)}</h2>
            <ShareLinks url=p.url.clone() text=share_text />
        </section>
    }
}
