//! `/console/analytics/program` (managers and owners): program effect. Members by tier now,
//! moves up and down between tiers month by month and the moves of the months shown by size,
//! and next-visit discounts month by month: issued, voided, used, the use rate and what those
//! visits brought in, and how often members came back within 30 days of a purchase with and
//! without a perk. Each chart with the table of its numbers, a GET form (months) and a CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    perk_returns::{Perk, Returns},
    program::{Program, analytics_program},
    service::RETURN_DAYS,
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{BarChart, Loading, PageTitle, error_view},
};

#[component]
pub fn ProgramEffectPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let asked = move || (get("from"), get("to"), get("location"));
    let program = Resource::new(asked, |(from, to, location)| {
        analytics_program(from, to, location)
    });
    view! {
        <PageTitle>{t!(i18n, analytics.program_title)}</PageTitle>
        <super::glance_page::AnalyticsNav />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match program.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(p) => {
                        let (locations, chosen) = (p.locations.clone(), p.location);
                        let csv = format!("/console/analytics/program.csv?from={}&to={}&location={}", p.from, p.to, place(&p));
                        let here = super::glance_page::location_name(&p.locations, p.location);
                        view! {
                        <section class="card">
                            <p class="hint">{t!(i18n, analytics.program_hint)}</p>
                            {here.map(|name| view! {
                                <p class="hint">{t_string!(i18n, analytics.program_at_location).replace("{location}", &name)}</p>
                            })}
                            <super::glance_page::MonthsForm
                                action="/console/analytics/program"
                                from=p.from.clone()
                                to=p.to.clone()
                                csv
                                file="program.csv"
                            >
                                <super::glance_page::LocationSelect id="program-location" locations=locations.clone() chosen />
                            </super::glance_page::MonthsForm>
                        </section>
                        <TiersView p=p.clone() />
                        <DiscountsView p=p.clone() />
                        <PerksView p />
                    }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The page's location as its CSV links' `location` (empty: the whole shop).
fn place(p: &Program) -> String {
    p.location.map(|id| id.to_string()).unwrap_or_default()
}

#[component]
fn TiersView(p: Program) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let all = p.members();
    let name = |id: i64| {
        p.tier_name(id)
            .map(str::to_owned)
            .unwrap_or_else(|| t_string!(i18n, analytics.no_tier).to_owned())
    };
    let tiers = p
        .tiers
        .iter()
        .map(|t| {
            view! {
                <tr>
                    <th scope="row">{name(t.id)}</th>
                    <td>{format::number(l, t.members)}</td>
                    <td>{super::cohorts::percent(t.members, all).map_or_else(|| "—".to_owned(), |v| format::percent(l, v))}</td>
                </tr>
            }
        })
        .collect_view();
    let label = |m: &str| format::month(l, m);
    let up = p
        .months
        .iter()
        .map(|m| (label(&m.month), Some(m.up)))
        .collect::<Vec<_>>();
    let down = p
        .months
        .iter()
        .map(|m| (label(&m.month), Some(m.down)))
        .collect::<Vec<_>>();
    let most = p
        .months
        .iter()
        .map(|m| m.up.max(m.down))
        .max()
        .unwrap_or(0)
        .max(1);
    let months = p
        .months
        .iter()
        .rev()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{label(&m.month)}</th>
                    <td>{format::number(l, m.up)}</td>
                    <td>{format::number(l, m.down)}</td>
                </tr>
            }
        })
        .collect_view();
    let moves = p
        .moves
        .iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{name(m.from)}</th>
                    <td>{name(m.to)}</td>
                    <td>{format::number(l, m.members)}</td>
                </tr>
            }
        })
        .collect_view();
    let no_moves = p.moves.is_empty();
    view! {
        <section class="card">
            <h2 id="tiers-now">{t!(i18n, analytics.tiers_title)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="tiers-now">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_tier)}</th>
                        <th scope="col">{t!(i18n, analytics.col_members)}</th>
                        <th scope="col">{t!(i18n, analytics.col_share)}</th>
                    </tr></thead>
                    <tbody>{tiers}</tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2 id="tier-months">{t!(i18n, analytics.moves_title)}</h2>
            <div class="charts">
                <BarChart title=t_string!(i18n, analytics.col_up) bars=up low=0 high=most />
                <BarChart title=t_string!(i18n, analytics.col_down) bars=down low=0 high=most />
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="tier-months">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_month)}</th>
                        <th scope="col">{t!(i18n, analytics.col_up)}</th>
                        <th scope="col">{t!(i18n, analytics.col_down)}</th>
                    </tr></thead>
                    <tbody>{months}</tbody>
                </table>
            </div>
            <h3 id="tier-moves">{t!(i18n, analytics.moves_by_size)}</h3>
            {no_moves.then(|| view! { <p class="hint">{t!(i18n, analytics.no_moves)}</p> })}
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="tier-moves" hidden=no_moves>
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_from_tier)}</th>
                        <th scope="col">{t!(i18n, analytics.col_to_tier)}</th>
                        <th scope="col">{t!(i18n, analytics.col_members)}</th>
                    </tr></thead>
                    <tbody>{moves}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn DiscountsView(p: Program) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let money = move |v: i64| format::money(l, v, p.currency);
    let dash = |v: Option<i64>| v.map_or_else(|| "—".to_owned(), |x| format::percent(l, x));
    let total = p.coupon_total();
    let rates = p
        .coupons
        .iter()
        .map(|c| (format::month(l, &c.month), c.use_rate()))
        .collect::<Vec<_>>();
    let months = p
        .coupons
        .iter()
        .rev()
        .map(|c| {
            let cells = [
                format::number(l, c.issued),
                format::number(l, c.voided),
                format::number(l, c.used),
                dash(c.use_rate()),
                money(c.revenue_minor()),
                c.average_minor().map_or_else(|| "—".to_owned(), money),
            ];
            view! {
                <tr>
                    <th scope="row">{format::month(l, &c.month)}</th>
                    {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 id="discount-months">{t!(i18n, analytics.discounts_title)}</h2>
            {(!p.discount_on).then(|| view! {
                <p class="hint">{t!(i18n, analytics.discounts_off)} " " <a href="/console/offers">{t!(i18n, analytics.discounts_setup)}</a></p>
            })}
            <dl class="stats">
                <div>
                    <dt>{t!(i18n, analytics.col_use_rate)}</dt>
                    <dd>{dash(total.use_rate())}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, analytics.col_visits_revenue)}</dt>
                    <dd>{money(total.revenue_minor())}</dd>
                </div>
            </dl>
            <div class="charts">
                <BarChart title=t_string!(i18n, analytics.col_use_rate) bars=rates low=0 high=100 />
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="discount-months">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_month)}</th>
                        <th scope="col">{t!(i18n, analytics.col_issued)}</th>
                        <th scope="col">{t!(i18n, analytics.col_voided)}</th>
                        <th scope="col">{t!(i18n, analytics.col_used)}</th>
                        <th scope="col">{t!(i18n, analytics.col_use_rate)}</th>
                        <th scope="col">{t!(i18n, analytics.col_visits_revenue)}</th>
                        <th scope="col">{t!(i18n, analytics.col_per_visit)}</th>
                    </tr></thead>
                    <tbody>{months}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn PerksView(p: Program) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let days = RETURN_DAYS.to_string();
    let rate = move |r: Returns| {
        r.rate()
            .map_or_else(|| "—".to_owned(), |v| format::percent(l, v))
    };
    let name = move |perk: Perk| match perk {
        Perk::Discount => t_string!(i18n, analytics.perk_discount),
        Perk::Card => t_string!(i18n, analytics.perk_card),
        Perk::Offer => t_string!(i18n, analytics.perk_offer),
        Perk::Any => t_string!(i18n, analytics.perk_any),
    };
    let bars = |side: fn(&super::perk_returns::PerkReturn) -> Returns| {
        p.returns
            .iter()
            .map(|r| (name(r.perk).to_owned(), side(r).rate()))
            .collect::<Vec<_>>()
    };
    let (with, without) = (bars(|r| r.with), bars(|r| r.without));
    let rows = p
        .returns
        .iter()
        .map(|r| {
            let lift = r.lift().map_or_else(
                || "—".to_owned(),
                |v| format!("{}{}", if v > 0 { "+" } else { "" }, format::number(l, v)),
            );
            let cells = [
                format::number(l, r.with.visits),
                rate(r.with),
                format::number(l, r.without.visits),
                rate(r.without),
                lift,
            ];
            view! {
                <tr class:total=r.perk == Perk::Any>
                    <th scope="row">{name(r.perk)}</th>
                    {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let hint = t_string!(i18n, analytics.perks_hint).replace("{days}", &days);
    let recent = t_string!(i18n, analytics.perks_recent)
        .replace("{days}", &days)
        .replace("{n}", &format::number(l, p.returns_recent));
    let csv = format!(
        "/console/analytics/perks.csv?from={}&to={}&location={}",
        p.from,
        p.to,
        place(&p)
    );
    view! {
        <section class="card">
            <h2 id="perk-returns">{t!(i18n, analytics.perks_title)}</h2>
            <p class="hint">{hint}</p>
            <p class="hint">{recent}</p>
            <div class="charts">
                <BarChart title=t_string!(i18n, analytics.col_with_rate) bars=with low=0 high=100 />
                <BarChart title=t_string!(i18n, analytics.col_without_rate) bars=without low=0 high=100 />
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="perk-returns">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_perk)}</th>
                        <th scope="col">{t!(i18n, analytics.col_with_purchases)}</th>
                        <th scope="col">{t!(i18n, analytics.col_with_rate)}</th>
                        <th scope="col">{t!(i18n, analytics.col_without_purchases)}</th>
                        <th scope="col">{t!(i18n, analytics.col_without_rate)}</th>
                        <th scope="col">{t!(i18n, analytics.col_lift)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p><a href=csv download="perks.csv" rel="external">{t!(i18n, analytics.csv)}</a></p>
        </section>
    }
}
