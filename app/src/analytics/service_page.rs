//! `/console/analytics/service` (managers and owners): the service-quality link. The return
//! rate after a resolved case against one still open, then by recommendation-score group: all
//! answers, after a resolved case, after one not resolved (a chart and the table of its
//! numbers), a GET form (months and a location: the answers given there) and the CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::service::{NpsGroup, RETURN_DAYS, Returns, Service, analytics_service};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{BarChart, Loading, PageTitle, error_view},
};

#[component]
pub fn ServicePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let asked = move || (get("from"), get("to"), get("location"));
    let service = Resource::new(asked, |(from, to, location)| {
        analytics_service(from, to, location)
    });
    view! {
        <PageTitle>{t!(i18n, analytics.service_title)}</PageTitle>
        <super::glance_page::AnalyticsNav />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match service.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(s) => view! { <ServiceView s /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ServiceView(s: Service) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let days = RETURN_DAYS.to_string();
    let rate = move |r: Returns| {
        r.rate()
            .map_or_else(|| "—".to_owned(), |v| format::percent(l, v))
    };
    let name = move |g: NpsGroup| match g {
        NpsGroup::Promoters => t_string!(i18n, analytics.nps_promoters),
        NpsGroup::Passives => t_string!(i18n, analytics.nps_passives),
        NpsGroup::Detractors => t_string!(i18n, analytics.nps_detractors),
        NpsGroup::NoScore => t_string!(i18n, analytics.nps_none),
    };
    let total = s.total();
    let of = move |n: i64| t_string!(i18n, analytics.of_n).replace("{n}", &format::number(l, n));
    let bars = s
        .groups
        .iter()
        .map(|g| (name(g.group).to_owned(), g.all.rate()))
        .collect::<Vec<_>>();
    let row = move |label: String, g: super::service::GroupReturns, total: bool| {
        let cells = [
            format::number(l, g.all.answers),
            rate(g.all),
            format::number(l, g.resolved.answers),
            rate(g.resolved),
            format::number(l, g.unresolved.answers),
            rate(g.unresolved),
        ];
        view! {
            <tr class:total=total>
                <th scope="row">{label}</th>
                {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
            </tr>
        }
    };
    let rows = s
        .groups
        .iter()
        .map(|g| row(name(g.group).to_owned(), *g, false))
        .collect_view();
    let hint = t_string!(i18n, analytics.service_hint).replace("{days}", &days);
    let place = super::glance_page::location_name(&s.locations, s.location);
    let here = s.location.map(|id| id.to_string()).unwrap_or_default();
    let recent = t_string!(i18n, analytics.service_recent)
        .replace("{days}", &days)
        .replace("{n}", &format::number(l, s.recent));
    view! {
        <section class="card" aria-labelledby="service-summary">
            <h2 id="service-summary" class="visually-hidden">{t!(i18n, analytics.service_title)}</h2>
            <p class="hint">{hint}</p>
            <dl class="stats">
                <div>
                    <dt>{t!(i18n, analytics.after_resolved)}</dt>
                    <dd>{rate(total.resolved)}</dd>
                    <dd class="trend">{of(total.resolved.answers)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, analytics.after_unresolved)}</dt>
                    <dd>{rate(total.unresolved)}</dd>
                    <dd class="trend">{of(total.unresolved.answers)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, analytics.all_answers)}</dt>
                    <dd>{rate(total.all)}</dd>
                    <dd class="trend">{of(total.all.answers)}</dd>
                </div>
            </dl>
            {place.map(|name| view! {
                <p class="hint">{t_string!(i18n, analytics.service_at_location).replace("{location}", &name)}</p>
            })}
            <p class="hint">{recent}</p>
            <super::glance_page::MonthsForm
                action="/console/analytics/service"
                from=s.from.clone()
                to=s.to.clone()
                csv=format!("/console/analytics/service.csv?from={}&to={}&location={here}", s.from, s.to)
                file="service.csv"
            >
                <super::glance_page::LocationSelect id="service-location" locations=s.locations.clone() chosen=s.location />
            </super::glance_page::MonthsForm>
        </section>
        <section class="card">
            <h2 id="service-groups">{t!(i18n, analytics.service_groups)}</h2>
            <div class="charts">
                <BarChart title=t_string!(i18n, analytics.col_return_rate) bars low=0 high=100 />
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="service-groups">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_nps_group)}</th>
                        <th scope="col">{t!(i18n, analytics.col_answers)}</th>
                        <th scope="col">{t!(i18n, analytics.col_return_rate)}</th>
                        <th scope="col">{t!(i18n, analytics.col_resolved_answers)}</th>
                        <th scope="col">{t!(i18n, analytics.col_resolved_rate)}</th>
                        <th scope="col">{t!(i18n, analytics.col_unresolved_answers)}</th>
                        <th scope="col">{t!(i18n, analytics.col_unresolved_rate)}</th>
                    </tr></thead>
                    <tbody>
                        {rows}
                        {row(t_string!(i18n, analytics.all_answers).to_owned(), total, true)}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
