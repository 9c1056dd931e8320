//! The console home's today and this week (managers and owners): what needs attention first,
//! then each figure as a link to its page, for the whole shop or one location (a GET form, so
//! a view is a link).

use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use super::today::{Attention, Span, Today, console_today};
use crate::{
    analytics::glance_page::{LocationSelect, location_name},
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Loading, error_view},
};

#[component]
pub fn TodayCard() -> impl IntoView {
    let query = use_query_map();
    let location = move || query.with(|q| q.get("location").filter(|v| !v.is_empty()));
    let today = Resource::new(location, console_today);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match today.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(t) => view! { <TodayView t /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TodayView(t: Today) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let n = |v: i64| format::number(l, v);
    let attention = t
        .attention()
        .into_iter()
        .map(|a| {
            let (text, href) = match a {
                Attention::OverdueCases(k) => (
                    t_string!(i18n, console.attention_overdue).replace("{n}", &n(k)),
                    "/console/feedback",
                ),
                Attention::NewCases(k) => (
                    t_string!(i18n, console.attention_new_cases).replace("{n}", &n(k)),
                    "/console/feedback",
                ),
                Attention::ExpiringPoints(k) => (
                    t_string!(i18n, console.attention_expiring).replace("{n}", &n(k)),
                    "/console/analytics/points",
                ),
            };
            view! { <li><a href=href>{text}</a></li> }
        })
        .collect_view();
    // Purchases and sales lead to the glance page at the same location.
    let here = t.location.map(|id| id.to_string()).unwrap_or_default();
    let glance = if here.is_empty() {
        "/console/analytics".to_owned()
    } else {
        format!("/console/analytics?location={here}")
    };
    let span = |s: Span, id: &'static str, title: String| {
        let stats = [
            (
                t_string!(i18n, console.stat_purchases),
                n(s.purchases),
                glance.clone(),
            ),
            (
                t_string!(i18n, console.stat_sales),
                format::money(l, s.net_minor, t.currency),
                glance.clone(),
            ),
            (
                t_string!(i18n, console.stat_joined),
                n(s.joined),
                "/console/analytics/cohorts".to_owned(),
            ),
            (
                t_string!(i18n, console.stat_issued),
                n(s.issued),
                "/console/analytics/points".to_owned(),
            ),
            (
                t_string!(i18n, console.stat_redeemed),
                n(s.redeemed),
                "/console/analytics/points".to_owned(),
            ),
        ];
        view! {
            <section class="card" aria-labelledby=id>
                <h2 id=id>{title}</h2>
                <dl class="stats">
                    {stats.into_iter().map(|(label, value, href)| view! {
                        <div>
                            <dt><a href=href>{label}</a></dt>
                            <dd>{value}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            </section>
        }
    };
    let now = [
        (
            t_string!(i18n, console.stat_open_cases),
            n(t.open_cases),
            "/console/feedback",
        ),
        (
            t_string!(i18n, console.stat_overdue),
            n(t.overdue_cases),
            "/console/feedback",
        ),
        (
            t_string!(i18n, console.stat_campaigns),
            n(t.campaigns),
            "/console/campaigns",
        ),
        (
            t_string!(i18n, console.stat_expiring),
            n(t.expiring_30),
            "/console/analytics/points",
        ),
    ];
    let week_title =
        t_string!(i18n, console.this_week).replace("{day}", &format::date(l, &t.monday));
    let place = location_name(&t.locations, t.location);
    let (locations, chosen) = (t.locations.clone(), t.location);
    let place_form = view! {
        <section class="card">
            <Form method="GET" action="/console" attr:class="inbox-filter">
                <LocationSelect id="home-location" locations chosen />
                <button type="submit" class="button">{t!(i18n, analytics.show)}</button>
            </Form>
            {place.map(|name| view! {
                <p class="hint">{t_string!(i18n, console.at_location).replace("{location}", &name)}</p>
            })}
        </section>
    };
    view! {
        {place_form}
        <section class="card" aria-labelledby="home-attention">
            <h2 id="home-attention">{t!(i18n, console.attention_title)}</h2>
            {if t.attention().is_empty() {
                view! { <p class="hint">{t!(i18n, console.attention_none)}</p> }.into_any()
            } else {
                view! { <ul class="attention">{attention}</ul> }.into_any()
            }}
        </section>
        {span(t.day, "home-today", t_string!(i18n, console.today).replace("{day}", &format::date(l, &t.today)))}
        {span(t.week, "home-week", week_title)}
        <section class="card" aria-labelledby="home-now">
            <h2 id="home-now">{t!(i18n, console.now_title)}</h2>
            <dl class="stats">
                {now.into_iter().map(|(label, value, href)| view! {
                    <div>
                        <dt><a href=href>{label}</a></dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}
