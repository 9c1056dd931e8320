//! `/console/analytics/points` (managers and owners): the points economy. What members hold
//! and what it is worth, what expires soon, the redemption rate; month by month issued,
//! redeemed and expired (a chart and the table of its numbers), the months ahead by what
//! expires, rewards by popularity, a GET form (months, value of 100 points) and the CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::points::{Economy, analytics_points};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{BarChart, Field, Loading, PageTitle, error_view},
};

#[component]
pub fn PointsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let asked = move || (get("from"), get("to"), get("value_of_100"), get("location"));
    let economy = Resource::new(asked, |(from, to, value, location)| {
        analytics_points(from, to, value, location)
    });
    view! {
        <PageTitle>{t!(i18n, analytics.points_title)}</PageTitle>
        <super::glance_page::AnalyticsNav />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match economy.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(e) => view! { <EconomyView e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EconomyView(e: Economy) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let no_error = Signal::derive(|| None);
    let currency = e.currency;
    let total = e.total();
    let dash = |v: Option<i64>| v.map_or_else(|| "—".to_owned(), |p| format::percent(l, p));
    let csv = format!(
        "/console/analytics/points.csv?from={}&to={}&value_of_100={}&location={}",
        e.from,
        e.to,
        format::amount_input(l, e.value_of_100),
        e.location.map(|id| id.to_string()).unwrap_or_default()
    );
    let place = super::glance_page::location_name(&e.locations, e.location);
    let (locations, chosen) = (e.locations.clone(), e.location);
    // At a location nothing expires there: expiry takes from what a member holds shop-wide.
    let here = e.location.is_some();
    let expired = move |v: i64| {
        if here {
            "—".to_owned()
        } else {
            format::number(l, v)
        }
    };
    let label = |m: &str| format::month(l, m);
    let issued = e
        .months
        .iter()
        .map(|m| (label(&m.month), Some(m.issued)))
        .collect::<Vec<_>>();
    let redeemed = e
        .months
        .iter()
        .map(|m| (label(&m.month), Some(m.redeemed)))
        .collect::<Vec<_>>();
    let most = e
        .months
        .iter()
        .map(|m| m.issued.max(m.redeemed))
        .max()
        .unwrap_or(0)
        .max(1);
    let months = e
        .months
        .iter()
        .rev()
        .map(|m| {
            let cells = [
                format::number(l, m.issued),
                format::number(l, m.redeemed),
                expired(m.expired),
                format::number(l, m.other),
                format::number(l, m.net()),
                dash(m.redemption_rate()),
            ];
            view! {
                <tr>
                    <th scope="row">{label(&m.month)}</th>
                    {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let ahead = e
        .expiring
        .iter()
        .map(|x| view! { <tr><th scope="row">{label(&x.month)}</th><td>{format::number(l, x.points)}</td></tr> })
        .collect_view();
    let rewards = e
        .rewards
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.name.clone()}</th>
                    <td>{r.codes.map_or_else(|| "—".to_owned(), |c| format::number(l, c))}</td>
                    <td>{format::number(l, r.used)}</td>
                    <td>{format::number(l, r.points)}</td>
                </tr>
            }
        })
        .collect_view();
    let held = t_string!(i18n, analytics.points_value)
        .replace("{value}", &format::money(l, e.liability_minor(), currency))
        .replace("{per}", &format::money(l, e.value_of_100, currency));
    view! {
        <section class="card" aria-labelledby="points-summary">
            <h2 id="points-summary" class="visually-hidden">{t!(i18n, analytics.points_title)}</h2>
            <p class="hint">{t!(i18n, analytics.points_hint)}</p>
            {place.map(|name| view! {
                <p class="hint">{t_string!(i18n, analytics.points_at_location).replace("{location}", &name)}</p>
            })}
            <dl class="stats">
                <div>
                    <dt>{t!(i18n, analytics.points_outstanding)}</dt>
                    <dd>{format::number(l, e.outstanding)}</dd>
                    <dd class="trend">{held}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, analytics.expiring_30)}</dt>
                    <dd>{format::number(l, e.expiring_30)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, analytics.expiring_90)}</dt>
                    <dd>{format::number(l, e.expiring_90)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, analytics.redemption_rate)}</dt>
                    <dd>{dash(total.redemption_rate())}</dd>
                </div>
            </dl>
        </section>
        <section class="card">
            <super::glance_page::MonthsForm action="/console/analytics/points" from=e.from.clone() to=e.to.clone() csv file="points.csv">
                <Field name="value_of_100" id="points-value" value=format::amount_input(l, e.value_of_100) error=no_error>
                    {t!(i18n, analytics.value_of_100)}
                </Field>
                <super::glance_page::LocationSelect id="points-location" locations=locations.clone() chosen />
            </super::glance_page::MonthsForm>
        </section>
        <section class="card">
            <h2 id="points-months">{t!(i18n, analytics.points_months)}</h2>
            <div class="charts">
                <BarChart title=t_string!(i18n, analytics.col_issued) bars=issued low=0 high=most />
                <BarChart title=t_string!(i18n, analytics.col_redeemed) bars=redeemed low=0 high=most />
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="points-months">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_month)}</th>
                        <th scope="col">{t!(i18n, analytics.col_issued)}</th>
                        <th scope="col">{t!(i18n, analytics.col_redeemed)}</th>
                        <th scope="col">{t!(i18n, analytics.col_expired)}</th>
                        <th scope="col">{t!(i18n, analytics.col_other)}</th>
                        <th scope="col">{t!(i18n, analytics.col_change)}</th>
                        <th scope="col">{t!(i18n, analytics.redemption_rate)}</th>
                    </tr></thead>
                    <tbody>{months}</tbody>
                </table>
            </div>
        </section>
        <section class="card">
                <h2 id="points-ahead">{t!(i18n, analytics.expiring_title)}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="points-ahead">
                    <table>
                        <thead><tr>
                            <th scope="col">{t!(i18n, analytics.col_month)}</th>
                            <th scope="col">{t!(i18n, analytics.col_points)}</th>
                        </tr></thead>
                        <tbody>{ahead}</tbody>
                    </table>
                </div>
        </section>
        <section class="card">
                <h2 id="points-rewards">{t!(i18n, analytics.rewards_title)}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="points-rewards">
                    <table>
                        <thead><tr>
                            <th scope="col">{t!(i18n, analytics.col_reward)}</th>
                            <th scope="col">{t!(i18n, analytics.col_codes)}</th>
                            <th scope="col">{t!(i18n, analytics.col_used)}</th>
                            <th scope="col">{t!(i18n, analytics.col_points)}</th>
                        </tr></thead>
                        <tbody>{rewards}</tbody>
                    </table>
                </div>
            </section>
    }
    .into_any()
}
