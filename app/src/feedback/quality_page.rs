//! `/console/feedback/quality` (managers and owners): NPS and satisfaction over the last weeks,
//! by week (charts, with the numbers in a table), by location and by category; volume; how fast
//! cases are answered and resolved; overdue cases.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    api::{Quality, WeekRow, feedback_quality},
    timeline::category_label,
    types::Category,
};
use crate::i18n::{LocaleExt as _, format, t, t_string, use_i18n};
use crate::ui::{BarChart, Loading, PageTitle, error_view};

/// Periods to choose from, in weeks.
const PERIODS: [i64; 4] = [4, 12, 26, 52];

/// A duration in minutes, in hours like the deadline setting: `45 min`, `3 h`, `26 h 20 min`.
fn duration(minutes: i64) -> String {
    let i18n = use_i18n();
    let (h, m) = (minutes / 60, minutes % 60);
    let text = match (h, m) {
        (0, _) => t_string!(i18n, feedback.minutes),
        (_, 0) => t_string!(i18n, feedback.hours),
        _ => t_string!(i18n, feedback.hours_minutes),
    };
    text.replace("{h}", &h.to_string())
        .replace("{m}", &m.to_string())
}

/// A number as the locale writes it, or `—` when nobody answered.
fn or_dash(locale: &str, v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format::number(locale, v))
}

/// A percentage as the locale writes it, or `—` when there is none.
fn pct_or_dash(locale: &str, v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format::percent(locale, v))
}

/// The quality page (`?weeks=N`, default 12).
#[component]
pub fn QualityPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let weeks = move || {
        query
            .with(|q| q.get("weeks").and_then(|w| w.parse::<i64>().ok()))
            .unwrap_or(12)
    };
    let quality = Resource::new(weeks, |w| feedback_quality(Some(w)));
    view! {
        <PageTitle>{t!(i18n, feedback.quality_title)}</PageTitle>
        <nav class="filters" aria-label=move || t_string!(i18n, feedback.period_label)>
            {PERIODS.into_iter().map(|w| view! {
                <a href=format!("/console/feedback/quality?weeks={w}") aria-current=move || (weeks() == w).then_some("page")>
                    {move || t_string!(i18n, feedback.weeks).replace("{n}", &w.to_string())}
                </a>
            }).collect_view()}
            <A href="/console/feedback" exact=true>{t!(i18n, feedback.inbox_title)}</A>
        </nav>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match quality.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(q) => view! { <QualityView q /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn QualityView(q: Quality) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let l = i18n.get_locale_untracked().as_str();
    let count = q.count;
    let overdue = q.open_overdue > 0;
    let csat = q.asks_csat;
    let stats = [
        Some((t_string!(i18n, feedback.q_nps), or_dash(l, q.nps))),
        csat.then(|| (t_string!(i18n, feedback.q_csat), pct_or_dash(l, q.csat))),
        Some((
            t_string!(i18n, feedback.q_first_response),
            q.median_first_response_min
                .map_or_else(|| "—".to_owned(), duration),
        )),
        Some((
            t_string!(i18n, feedback.q_resolution),
            q.median_resolution_min
                .map_or_else(|| "—".to_owned(), duration),
        )),
        Some((
            t_string!(i18n, feedback.q_in_time),
            pct_or_dash(l, q.resolved_in_time_pct),
        )),
    ];
    let stats = stats
        .into_iter()
        .flatten()
        .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
        .collect_view()
        .into_any();
    let by_location: Vec<WeekRow> = q
        .by_location
        .into_iter()
        .map(|r| WeekRow {
            key: if r.key.is_empty() {
                t_string!(i18n, feedback.no_location).to_owned()
            } else {
                r.key
            },
            ..r
        })
        .collect();
    let by_category: Vec<WeekRow> = q
        .by_category
        .into_iter()
        .map(|r| WeekRow {
            key: Category::parse(&r.key).map_or_else(
                || t_string!(i18n, feedback.cat_none).to_owned(),
                |c| category_label(c).to_owned(),
            ),
            ..r
        })
        .collect();
    let weeks: Vec<WeekRow> = q
        .by_week
        .into_iter()
        .map(|r| WeekRow {
            key: format::date(locale(), &r.key),
            ..r
        })
        .collect();
    view! {
        <section class="card" aria-labelledby="summary-title">
            <h2 id="summary-title" class="visually-hidden">{t!(i18n, feedback.q_summary)}</h2>
            <dl class="stats">
                <div>
                    <dt>{t!(i18n, feedback.q_count)}</dt>
                    <dd>{move || format::number(locale(), count)}</dd>
                </div>
                {stats}
                <div class:alert=overdue>
                    <dt>{t!(i18n, feedback.q_overdue)}</dt>
                    <dd><A href="/console/feedback" exact=true>{format::number(l, q.open_overdue)}</A></dd>
                </div>
            </dl>
        </section>
        <section class="card" aria-labelledby="weeks-title">
            <h2 id="weeks-title">{t!(i18n, feedback.by_week)}</h2>
            <WeekCharts weeks csat />
        </section>
        <section class="card" aria-labelledby="locations-title">
            <h2 id="locations-title">{t!(i18n, feedback.by_location)}</h2>
            <Table title=t_string!(i18n, feedback.location_label) rows=by_location csat />
        </section>
        <section class="card" aria-labelledby="categories-title">
            <h2 id="categories-title">{t!(i18n, feedback.by_category)}</h2>
            <Table title=t_string!(i18n, feedback.col_category) rows=by_category csat />
        </section>
    }
    .into_any()
}

/// One number of each week, for a chart.
fn bars(weeks: &[WeekRow], pick: fn(&WeekRow) -> Option<i64>) -> Vec<(String, Option<i64>)> {
    weeks.iter().map(|r| (r.key.clone(), pick(r))).collect()
}

#[component]
fn WeekCharts(weeks: Vec<WeekRow>, csat: bool) -> impl IntoView {
    let i18n = use_i18n();
    if weeks.is_empty() {
        return view! { <p class="hint">{t!(i18n, feedback.no_answers)}</p> }.into_any();
    }
    let most = weeks.iter().map(|r| r.count).max().unwrap_or(1).max(1);
    let charts = view! {
        <BarChart title=t_string!(i18n, feedback.q_nps) bars=bars(&weeks, |r| r.nps) low=-100 high=100 />
        {csat.then(|| view! { <BarChart title=t_string!(i18n, feedback.q_csat) bars=bars(&weeks, |r| r.csat) low=0 high=100 /> })}
        <BarChart title=t_string!(i18n, feedback.q_count) bars=bars(&weeks, |r| Some(r.count)) low=0 high=most />
    }
    .into_any();
    view! {
        <div class="charts">{charts}</div>
        <Table title=t_string!(i18n, feedback.col_week) rows=weeks dates=true csat />
    }
    .into_any()
}

/// Answers, NPS and (when a form asks it, `csat`) satisfaction per `title` (a week, a location,
/// a category); dates keep to one line (`dates`), names wrap.
#[component]
fn Table(
    title: &'static str,
    rows: Vec<WeekRow>,
    #[prop(optional)] dates: bool,
    csat: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    if rows.is_empty() {
        return view! { <p class="hint">{t!(i18n, feedback.no_answers)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=title>
            <table>
                <thead><tr>
                    <th scope="col">{title}</th>
                    <th scope="col" class="num">{t!(i18n, feedback.q_count)}</th>
                    <th scope="col" class="num">{t!(i18n, feedback.q_nps)}</th>
                    {csat.then(|| view! { <th scope="col" class="num">{t!(i18n, feedback.q_csat)}</th> })}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let (count, nps, sat) = (r.count, r.nps, r.csat);
                        view! {
                            <tr>
                                <th scope="row" class:nowrap=dates>{r.key}</th>
                                <td class="num">{move || format::number(locale(), count)}</td>
                                <td class="num">{move || or_dash(locale(), nps)}</td>
                                {csat.then(|| view! { <td class="num">{move || pct_or_dash(locale(), sat)}</td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
