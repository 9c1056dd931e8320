//! `/console/contests` (managers and owners): every contest with its period, ways to enter,
//! prize and entrants so far; after its last day a button draws it, and a drawn one shows its
//! winners, the published seed and entrant-list hash, and a button that re-runs the draw from
//! what was recorded. Below, the form that makes a contest.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::A;

use super::{
    Managed, Prize, Stage,
    api::{CheckDraw, DrawContest, SaveContest, contests},
};
use crate::{
    i18n::{LANGUAGES, LocaleExt as _, format, t, t_string, use_i18n},
    ui::{
        Field, FormError, Loading, PageTitle, SavedNotice, SelectField, TextAreaField, error_view,
        last_error,
    },
};

/// A way to enter, in words.
pub fn way_name(way: &str) -> &'static str {
    let i18n = use_i18n();
    match way {
        "purchase" => t_string!(i18n, contests.way_purchase),
        "referral" => t_string!(i18n, contests.way_referral),
        "feedback" => t_string!(i18n, contests.way_feedback),
        _ => t_string!(i18n, contests.way_page),
    }
}

/// The prize, in words (`500 points`, `a code for Free coffee`).
pub fn prize_words(prize: &Prize) -> String {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    match prize {
        Prize::Points(p) => {
            t_string!(i18n, contests.prize_points).replace("{points}", &format::number(l, *p))
        }
        Prize::Reward(_, name) => t_string!(i18n, contests.prize_reward).replace("{reward}", name),
    }
}

/// A stage, in words.
pub fn stage_name(stage: Stage) -> &'static str {
    let i18n = use_i18n();
    match stage {
        Stage::Upcoming => t_string!(i18n, contests.upcoming),
        Stage::Open => t_string!(i18n, contests.open),
        Stage::Ended => t_string!(i18n, contests.ended),
        Stage::Drawn => t_string!(i18n, contests.drawn),
    }
}

/// The contests page.
#[component]
pub fn ContestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveContest>::new();
    // Refetched after a change that worked: a refused form keeps what was typed.
    let changed = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let data = Resource::new(move || changed.get(), |_| contests());
    view! {
        <PageTitle>{t!(i18n, contests.title)}</PageTitle>
        <p class="lede">{t!(i18n, contests.lede)}</p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(v) => view! {
                        {v.contests.is_empty().then(|| view! { <p class="hint">{t!(i18n, contests.none)}</p> })}
                        <div class="contest-list">
                            {v.contests.into_iter().map(|m| view! { <ContestCard m changed /> }).collect_view()}
                        </div>
                        <AddContest rewards=v.rewards save />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContestCard(m: Managed, changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let c = m.contest;
    let draw = ServerAction::<DrawContest>::new();
    let check = ServerAction::<CheckDraw>::new();
    Effect::new(move |_| {
        if matches!(draw.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let draw_error = last_error(draw);
    let (heading, labelled) = (format!("contest-{}", c.id), format!("contest-{}", c.id));
    let (entrants, stage, no_winners) = (m.entrants, m.stage, m.winners.is_empty());
    let items = m
        .winners
        .into_iter()
        .map(|w| {
            view! {
                <li>
                    <A href=format!("/console/members/{}", w.member_id)>{w.name}</A>
                    " (" {way_name(&w.how)} ") " <code class="hash">{w.score}</code>
                </li>
            }
        })
        .collect_view();
    let ways = c
        .ways
        .iter()
        .map(|w| way_name(w))
        .collect::<Vec<_>>()
        .join(", ");
    let period = format::date_range(l, Some(&c.starts_on), Some(&c.ends_on)).unwrap_or_default();
    let checked = move || {
        check.value().get().map(|r| match r {
            Ok(k) if k.same() => {
                view! { <p class="notice" role="status">{t!(i18n, contests.check_same)}</p> }
                    .into_any()
            }
            Ok(_) => {
                view! { <p class="form-error" role="alert">{t!(i18n, contests.check_differs)}</p> }
                    .into_any()
            }
            Err(e) => {
                view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any()
            }
        })
    };
    view! {
        <section class="card" aria-labelledby=labelled>
            <h2 id=heading>{c.title.clone()}</h2>
            <p><span class="badge">{stage_name(stage)}</span> " " {period}</p>
            <dl class="facts">
                <dt>{t!(i18n, contests.ways)}</dt><dd>{ways}</dd>
                <dt>{t!(i18n, contests.prize)}</dt><dd>{prize_words(&c.prize)} " × " {c.winners}</dd>
                <dt>{t!(i18n, contests.entrants)}</dt><dd>{format::number(l, entrants)}</dd>
            </dl>
            <p>
                <A href=format!("/contests/{}", c.slug)>{t!(i18n, contests.public_page)}</A> " · "
                <a href=format!("/print/contest/{}", c.slug)>{t!(i18n, contests.poster)}</a>
            </p>
            {(stage == Stage::Ended).then(|| view! {
                <ActionForm action=draw attr:class="stack">
                    <FormError error=draw_error />
                    <input type="hidden" name="id" value=c.id />
                    <p class="hint">{t!(i18n, contests.draw_hint)}</p>
                    <button type="submit" class="button primary">{t!(i18n, contests.draw)}</button>
                </ActionForm>
            })}
            {c.drawn.clone().map(move |d| view! {
                <h3>{t!(i18n, contests.winners)}</h3>
                {no_winners.then(|| view! { <p class="hint">{t!(i18n, contests.no_entrants)}</p> })}
                <ol class="winners">{items}</ol>
                <dl class="facts audit">
                    <dt>{t!(i18n, contests.seed)}</dt><dd><code class="hash">{d.seed}</code></dd>
                    <dt>{t!(i18n, contests.list_hash)}</dt><dd><code class="hash">{d.entrants_hash}</code></dd>
                </dl>
                <ActionForm action=check attr:class="stack">
                    <input type="hidden" name="id" value=c.id />
                    <button type="submit" class="button">{t!(i18n, contests.check)}</button>
                </ActionForm>
                {checked}
            })}
        </section>
    }
}

/// The title and description fields per language: `(code, title field, description field)`.
const TEXT_FIELDS: [(&str, &str, &str); 5] = [
    ("en", "title_en", "description_en"),
    ("sv", "title_sv", "description_sv"),
    ("nb", "title_nb", "description_nb"),
    ("lv", "title_lv", "description_lv"),
    ("pt", "title_pt", "description_pt"),
];

#[component]
fn AddContest(rewards: Vec<(i64, String)>, save: ServerAction<SaveContest>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(save);
    let mine = i18n.get_locale_untracked().as_str();
    let texts = move |first: bool| {
        TEXT_FIELDS
            .iter()
            .filter(|(code, _, _)| (*code == mine) == first)
            .map(|&(code, title, description)| {
                let language = LANGUAGES.iter().find(|(c, _)| *c == code).map_or(code, |(_, n)| n);
                view! {
                    <fieldset lang=code>
                        <legend>{language}</legend>
                        <Field name=title id=title error>{t!(i18n, contests.title_label)}</Field>
                        <TextAreaField name=description id=description error>{t!(i18n, contests.description_label)}</TextAreaField>
                    </fieldset>
                }
            })
            .collect_view()
    };
    let mut prizes = vec![(
        String::new(),
        t_string!(i18n, contests.no_reward).to_owned(),
    )];
    prizes.extend(rewards.into_iter().map(|(id, name)| (id.to_string(), name)));
    let ways = ["purchase", "referral", "feedback", "page"].map(|w| {
        let id = format!("way_{w}");
        view! {
            <div class="check">
                <input type="checkbox" id=id.clone() name=id.clone() value="on" checked={w == "page"} />
                <label for=id>{way_name(w)}</label>
            </div>
        }
    });
    let ways_error = move || error.get().and_then(|e| e.field_message("way_purchase"));
    view! {
        <section class="card" aria-labelledby="add-contest">
            <h2 id="add-contest">{t!(i18n, contests.add)}</h2>
            <ActionForm action=save attr:novalidate=true attr:class="stack">
                <FormError error />
                {texts(true)}
                <details>
                    <summary>{t!(i18n, contests.other_languages)}</summary>
                    {texts(false)}
                </details>
                <Field name="starts_on" kind="date" error>{t!(i18n, contests.starts_on)}</Field>
                <Field name="ends_on" kind="date" error>{t!(i18n, contests.ends_on)}</Field>
                <fieldset>
                    <legend>{t!(i18n, contests.ways)}</legend>
                    {ways}
                    {move || ways_error().map(|m| view! { <p class="field-error">{crate::ui::error_text(m)}</p> })}
                </fieldset>
                <Field name="prize_points" kind="number" error
                    hint=ViewFn::from(move || t_string!(i18n, contests.prize_hint))>{t!(i18n, contests.prize_points_label)}</Field>
                <SelectField name="prize_reward" id="prize_reward" options=prizes error>{t!(i18n, contests.prize_reward_label)}</SelectField>
                <Field name="winners" kind="number" value="1" error>{t!(i18n, contests.winners_label)}</Field>
                <button type="submit" class="button primary">{t!(i18n, contests.create)}</button>
                <SavedNotice action=save>{move || t_string!(i18n, contests.created)}</SavedNotice>
            </ActionForm>
        </section>
    }
}
