//! `/console/analytics/cohorts` (managers and owners): retention by join month. Each row is the
//! members who joined in a month; each column a month since then; each cell the share of the
//! cohort who bought in that month, shaded by size (a heat map that is also the table of
//! numbers), then the same as member counts, a range of join months and a location (a plain
//! GET form, so a chosen view is a link) and the CSV download. At one location a cohort is its
//! members who have bought there, and a cell those of them who bought there that month.

use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use super::cohorts::{CohortRow, Cohorts, analytics_cohorts};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, Loading, PageTitle, error_view},
};

#[component]
pub fn CohortsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let range = move || (get("from"), get("to"), get("location"));
    let cohorts = Resource::new(range, |(from, to, location)| {
        analytics_cohorts(from, to, location)
    });
    view! {
        <PageTitle>{t!(i18n, analytics.cohorts_title)}</PageTitle>
        <super::glance_page::AnalyticsNav />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match cohorts.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(c) => view! { <CohortsView c /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CohortsView(c: Cohorts) -> impl IntoView {
    let i18n = use_i18n();
    let no_error = Signal::derive(|| None);
    let here = c.location.map(|id| id.to_string()).unwrap_or_default();
    let csv = format!(
        "/console/analytics/cohorts.csv?from={}&to={}&location={here}",
        c.from, c.to
    );
    let place = super::glance_page::location_name(&c.locations, c.location);
    let months = c.rows.iter().map(|r| r.buying.len()).max().unwrap_or(0);
    let tables = if c.rows.is_empty() {
        view! { <section class="card"><p class="hint">{t!(i18n, analytics.no_cohorts)}</p></section> }
            .into_any()
    } else {
        view! {
            <CohortTable rows=c.rows.clone() months shares=true />
            <CohortTable rows=c.rows months shares=false />
        }
        .into_any()
    };
    view! {
        <section class="card">
            <p class="hint">{t!(i18n, analytics.cohorts_hint)}</p>
            {place.map(|name| view! {
                <p class="hint">{t_string!(i18n, analytics.cohorts_at_location).replace("{location}", &name)}</p>
            })}
            <Form method="GET" action="/console/analytics/cohorts" attr:class="inbox-filter" attr:aria-label=move || t_string!(i18n, analytics.range_label)>
                <Field name="from" id="cohorts-from" kind="month" value=c.from.clone() error=no_error>
                    {t!(i18n, analytics.from)}
                </Field>
                <Field name="to" id="cohorts-to" kind="month" value=c.to.clone() error=no_error>
                    {t!(i18n, analytics.to)}
                </Field>
                <super::glance_page::LocationSelect id="cohorts-location" locations=c.locations.clone() chosen=c.location />
                <button type="submit" class="button">{t!(i18n, analytics.show)}</button>
            </Form>
            <p><a href=csv download="cohorts.csv" rel="external">{t!(i18n, analytics.csv)}</a></p>
        </section>
        {tables}
    }
    .into_any()
}

/// One table: shares (shaded) or member counts; a row per cohort, a column per month since
/// joining (a cohort's row ends at the current month).
#[component]
fn CohortTable(rows: Vec<CohortRow>, months: usize, shares: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let title = move || {
        if shares {
            t_string!(i18n, analytics.shares_title)
        } else {
            t_string!(i18n, analytics.counts_title)
        }
    };
    let id = if shares {
        "cohort-shares"
    } else {
        "cohort-counts"
    };
    view! {
        // The table's scrolling region is the landmark (named by the heading), not the card.
        <section class="card">
            <h2 id=id>{title}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby=id>
                <table class="cohorts" class:heat=shares>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_cohort)}</th>
                        <th scope="col">{t!(i18n, analytics.col_joined)}</th>
                        {(0..months).map(|k| view! {
                            <th scope="col">{move || t_string!(i18n, analytics.month_n).replace("{n}", &k.to_string())}</th>
                        }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let month = r.cohort.clone();
                            let joined = r.joined;
                            let cells = (0..months).map(|k| {
                                let (text, tint) = match (r.buying.get(k), shares) {
                                    (None, _) => (String::new(), String::new()),
                                    (Some(n), false) => (format::number(locale(), *n), String::new()),
                                    (Some(_), true) => match r.share(k) {
                                        None => ("—".to_owned(), String::new()),
                                        // Tinted in steps of a tenth (inline styles are
                                        // not allowed by the page's security policy).
                                        Some(p) => (format::percent(locale(), p), format!("h{}", (p.clamp(0, 100) + 5) / 10)),
                                    },
                                };
                                view! { <td class=tint>{text}</td> }
                            }).collect_view();
                            view! {
                                <tr>
                                    <th scope="row">{move || format::month(locale(), &month)}</th>
                                    <td>{move || format::number(locale(), joined)}</td>
                                    {cells}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
