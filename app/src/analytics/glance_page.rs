//! `/console/analytics` (managers and owners): retention at a glance. The headline counts
//! (members buying in the last 30 and 90 days, members who have stopped), the last month shown
//! against the one before (with members' share of sales where the counter records sales without
//! a member), then month by month as two charts and the table of their numbers,
//! with a range of months, the churn window and a location (a plain GET form, so a view is a
//! link) and the CSV download.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use super::glance::{Glance, MonthTotals, analytics_glance};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{BarChart, Field, Loading, PageTitle, SelectField, error_view},
};

/// The analytics pages' own links.
#[component]
pub fn AnalyticsNav() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="filters" aria-label=move || t_string!(i18n, analytics.nav_label)>
            <A href="/console/analytics" exact=true>{t!(i18n, analytics.nav_glance)}</A>
            <A href="/console/analytics/cohorts">{t!(i18n, analytics.nav_cohorts)}</A>
            <A href="/console/analytics/rfm">{t!(i18n, analytics.nav_rfm)}</A>
            <A href="/console/analytics/points">{t!(i18n, analytics.nav_points)}</A>
            <A href="/console/analytics/program">{t!(i18n, analytics.nav_program)}</A>
            <A href="/console/analytics/service">{t!(i18n, analytics.nav_service)}</A>
        </nav>
    }
}

/// An analytics page's range of months (a GET form, so a view is a link; `children` are its
/// other fields) and its CSV download named `file`.
#[component]
pub fn MonthsForm(
    action: &'static str,
    from: String,
    to: String,
    csv: String,
    file: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let no_error = Signal::derive(|| None);
    let id = |field: &str| format!("{}-{field}", file.trim_end_matches(".csv"));
    view! {
        <Form method="GET" action=action attr:class="inbox-filter" attr:aria-label=move || t_string!(i18n, analytics.months_label)>
            <Field name="from" id=id("from") kind="month" value=from error=no_error>
                {t!(i18n, analytics.month_from)}
            </Field>
            <Field name="to" id=id("to") kind="month" value=to error=no_error>
                {t!(i18n, analytics.month_to)}
            </Field>
            {children.map(|c| c())}
            <button type="submit" class="button">{t!(i18n, analytics.show)}</button>
        </Form>
        <p><a href=csv download=file rel="external">{t!(i18n, analytics.csv)}</a></p>
    }
}

#[component]
pub fn GlancePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let asked = move || (get("from"), get("to"), get("churn_days"), get("location"));
    let glance = Resource::new(asked, |(from, to, churn, location)| {
        analytics_glance(from, to, churn, location)
    });
    view! {
        <PageTitle>{t!(i18n, analytics.glance_title)}</PageTitle>
        <AnalyticsNav />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match glance.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(g) => view! { <GlanceView g /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The name of the location an analytics page shows (`None`: the whole shop).
pub fn location_name(
    locations: &[crate::loyalty::rules::Location],
    chosen: Option<i64>,
) -> Option<String> {
    locations
        .iter()
        .find(|x| Some(x.id) == chosen)
        .map(|x| x.name.clone())
}

/// An analytics page's location field for its GET form: the whole shop first, then each
/// location; `chosen` selected.
#[component]
pub fn LocationSelect(
    id: &'static str,
    locations: Vec<crate::loyalty::rules::Location>,
    chosen: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut options = vec![(
        String::new(),
        t_string!(i18n, analytics.all_locations).to_owned(),
    )];
    options.extend(locations.iter().map(|x| (x.id.to_string(), x.name.clone())));
    let selected = chosen.map(|id| id.to_string()).unwrap_or_default();
    view! {
        <SelectField name="location" id options selected error=Signal::derive(|| None)>
            {t!(i18n, analytics.location)}
        </SelectField>
    }
}

/// `v` as the locale writes it, or `—` when there is none.
fn or_dash(v: Option<i64>, show: impl Fn(i64) -> String) -> String {
    v.map_or_else(|| "—".to_owned(), show)
}

#[component]
fn GlanceView(g: Glance) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let no_error = Signal::derive(|| None);
    let currency = g.currency;
    let here = g.location.map(|id| id.to_string()).unwrap_or_default();
    let csv = format!(
        "/console/analytics/months.csv?from={}&to={}&churn_days={}&location={here}",
        g.from, g.to, g.churn_days
    );
    let place = location_name(&g.locations, g.location);
    let (last, before) = g.last_two();
    let (last, before) = (last.cloned().unwrap_or_default(), before.cloned());
    // One figure of the last month, with the month before it beneath (the trend).
    let monthly =
        |label: &str,
         pick: fn(&MonthTotals) -> Option<i64>,
         show: fn(&str, i64, crate::loyalty::rules::Currency) -> String| {
            let value = or_dash(pick(&last), |v| show(l, v, currency));
            let trend = before.as_ref().map(|b| {
                t_string!(i18n, analytics.before)
                    .replace("{month}", &format::month(l, &b.month))
                    .replace("{value}", &or_dash(pick(b), |v| show(l, v, currency)))
            });
            view! {
                <div>
                    <dt>{label.replace("{month}", &format::month(l, &last.month))}</dt>
                    <dd>{value}</dd>
                    {trend.map(|t| view! { <dd class="trend">{t}</dd> })}
                </div>
            }
        };
    let stats = view! {
        <div>
            <dt>{t!(i18n, analytics.active_30)}</dt>
            <dd>{format::number(l, g.active_30)}</dd>
        </div>
        <div>
            <dt>{t!(i18n, analytics.active_90)}</dt>
            <dd>{format::number(l, g.active_90)}</dd>
        </div>
        <div>
            <dt>{t_string!(i18n, analytics.churned).replace("{n}", &format::number(l, g.churn_days))}</dt>
            <dd>{format::number(l, g.churned)}</dd>
            {g.churn_rate().map(|p| view! {
                <dd class="trend">{t_string!(i18n, analytics.churned_share).replace("{pct}", &format::percent(l, p))}</dd>
            })}
        </div>
        {monthly(t_string!(i18n, analytics.repeat_rate), MonthTotals::repeat_rate, |l, v, _| format::percent(l, v))}
        {monthly(t_string!(i18n, analytics.per_member), MonthTotals::frequency, |l, v, _| format::decimal(l, v))}
        {monthly(t_string!(i18n, analytics.average), MonthTotals::average_spend, format::money)}
        {g.records_guests.then(|| monthly(t_string!(i18n, analytics.member_share), MonthTotals::member_share, |l, v, _| format::percent(l, v)))}
    }
    .into_any();
    let label = |m: &MonthTotals| format::month(l, &m.month);
    let buying = g
        .months
        .iter()
        .map(|m| (label(m), Some(m.members)))
        .collect::<Vec<_>>();
    let most = g.months.iter().map(|m| m.members).max().unwrap_or(0).max(1);
    let repeat = g
        .months
        .iter()
        .map(|m| (label(m), m.repeat_rate()))
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="glance-summary">
            <h2 id="glance-summary" class="visually-hidden">{t!(i18n, analytics.glance_title)}</h2>
            <p class="hint">{t!(i18n, analytics.glance_hint)}</p>
            {place.map(|name| view! {
                <p class="hint">{t_string!(i18n, analytics.at_location).replace("{location}", &name)}</p>
            })}
            <dl class="stats">{stats}</dl>
            {(!g.records_guests).then(|| view! { <p class="hint">{t!(i18n, analytics.member_share_none)}</p> })}
        </section>
        <section class="card">
            <MonthsForm action="/console/analytics" from=g.from.clone() to=g.to.clone() csv file="months.csv">
                <Field name="churn_days" id="glance-churn" kind="number" value=g.churn_days.to_string() error=no_error>
                    {t!(i18n, analytics.churn_days)}
                </Field>
                <LocationSelect id="glance-location" locations=g.locations.clone() chosen=g.location />
            </MonthsForm>
        </section>
        // The table's scrolling region is the landmark (named by the heading), not the card.
        <section class="card">
            <h2 id="glance-months">{t!(i18n, analytics.months_title)}</h2>
            <div class="charts">
                <BarChart title=t_string!(i18n, analytics.counts_title) bars=buying low=0 high=most />
                <BarChart title=t_string!(i18n, analytics.col_repeat_rate) bars=repeat low=0 high=100 />
            </div>
            <MonthsTable months=g.months currency guests=g.records_guests />
        </section>
    }
    .into_any()
}

/// The months as a table: one row each, newest first.
#[component]
fn MonthsTable(
    months: Vec<MonthTotals>,
    currency: crate::loyalty::rules::Currency,
    /// Show sales without a member and members' share of sales.
    guests: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let rows = months
        .into_iter()
        .rev()
        .map(|m| {
            let mut cells = vec![
                format::number(l, m.members),
                format::number(l, m.repeat_members),
                or_dash(m.repeat_rate(), |v| format::percent(l, v)),
                format::number(l, m.purchases),
                or_dash(m.frequency(), |v| format::decimal(l, v)),
                format::money(l, m.net_minor(), currency),
                or_dash(m.average_spend(), |v| format::money(l, v, currency)),
            ];
            if guests {
                cells.push(format::money(l, m.guest_net_minor(), currency));
                cells.push(or_dash(m.member_share(), |v| format::percent(l, v)));
            }
            view! {
                <tr>
                    <th scope="row">{format::month(l, &m.month)}</th>
                    {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="glance-months">
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, analytics.col_month)}</th>
                    <th scope="col">{t!(i18n, analytics.counts_title)}</th>
                    <th scope="col">{t!(i18n, analytics.col_repeat)}</th>
                    <th scope="col">{t!(i18n, analytics.col_repeat_rate)}</th>
                    <th scope="col">{t!(i18n, analytics.col_purchases)}</th>
                    <th scope="col">{t!(i18n, analytics.col_per_member)}</th>
                    <th scope="col">{t!(i18n, analytics.col_net)}</th>
                    <th scope="col">{t!(i18n, analytics.col_average)}</th>
                    {guests.then(|| view! {
                        <th scope="col">{t!(i18n, analytics.col_guest_net)}</th>
                        <th scope="col">{t!(i18n, analytics.col_member_share)}</th>
                    })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
