//! `/console/analytics/rfm` (managers and owners): RFM and churn risk. Where the fifths start,
//! the named groups (size, share, spend, a button that saves the group as a segment for a
//! campaign), the 5 × 5 grid of recency by frequency (a heat map that is its own table), and a
//! group's biggest spenders (at risk by default; the group is a link, `?group=…`), with the
//! CSV download; for the whole shop or one location (`?location=…`: recency, frequency and
//! spend there, and no segment button, since segments use the whole shop's groups).

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_query_map;

use super::rfm::{Group, GroupRow, Rfm, Scored, analytics_rfm};
use crate::{
    campaigns::SaveSegment,
    i18n::{Locale, LocaleExt as _, format, t, t_string, use_i18n},
    loyalty::rules::Currency,
    ui::{Loading, PageTitle, error_view},
};

/// A group's name.
pub fn group_name(i18n: I18nContext<Locale>, g: Group) -> &'static str {
    match g {
        Group::Champions => t_string!(i18n, analytics.group_champions),
        Group::Loyal => t_string!(i18n, analytics.group_loyal),
        Group::New => t_string!(i18n, analytics.group_new),
        Group::AtRisk => t_string!(i18n, analytics.group_at_risk),
        Group::CantLose => t_string!(i18n, analytics.group_cant_lose),
        Group::Hibernating => t_string!(i18n, analytics.group_hibernating),
        Group::Others => t_string!(i18n, analytics.group_others),
    }
}

/// What puts a member in the group.
fn group_rule(i18n: I18nContext<Locale>, g: Group) -> &'static str {
    match g {
        Group::Champions => t_string!(i18n, analytics.rule_champions),
        Group::Loyal => t_string!(i18n, analytics.rule_loyal),
        Group::New => t_string!(i18n, analytics.rule_new),
        Group::AtRisk => t_string!(i18n, analytics.rule_at_risk),
        Group::CantLose => t_string!(i18n, analytics.rule_cant_lose),
        Group::Hibernating => t_string!(i18n, analytics.rule_hibernating),
        Group::Others => t_string!(i18n, analytics.rule_others),
    }
}

#[component]
pub fn RfmPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let asked = move || (get("group"), get("location"));
    let rfm = Resource::new(asked, |(group, location)| analytics_rfm(group, location));
    view! {
        <PageTitle>{t!(i18n, analytics.rfm_title)}</PageTitle>
        <super::glance_page::AnalyticsNav />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match rfm.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(r) => view! { <PlaceForm r=r.clone() /> <RfmView r /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The page's location (a GET form keeping the group listed, so a view is a link), and what
/// the scores mean there.
#[component]
fn PlaceForm(r: Rfm) -> impl IntoView {
    let i18n = use_i18n();
    let place = super::glance_page::location_name(&r.locations, r.location);
    view! {
        <section class="card">
            <leptos_router::components::Form method="GET" action="/console/analytics/rfm" attr:class="inbox-filter">
                <input type="hidden" name="group" value=r.listed.as_str() />
                <super::glance_page::LocationSelect id="rfm-location" locations=r.locations.clone() chosen=r.location />
                <button type="submit" class="button">{t!(i18n, analytics.show)}</button>
            </leptos_router::components::Form>
            {place.map(|name| view! {
                <p class="hint">{t_string!(i18n, analytics.rfm_at_location).replace("{location}", &name)}</p>
            })}
        </section>
    }
}

/// `?group=…` (and the location shown, if any) for a link within the page.
fn rfm_link(group: Group, location: Option<i64>) -> String {
    let place = location
        .map(|l| format!("&location={l}"))
        .unwrap_or_default();
    format!("/console/analytics/rfm?group={}{place}", group.as_str())
}

#[component]
fn RfmView(r: Rfm) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let Some(edges) = r.edges.clone() else {
        return view! {
            <section class="card"><p class="hint">{t!(i18n, analytics.no_buyers)}</p></section>
        }
        .into_any();
    };
    let csv = format!(
        "/console/analytics/rfm.csv?location={}",
        r.location.map(|id| id.to_string()).unwrap_or_default()
    );
    let fifths = [20, 40, 60, 80];
    let edge_rows = [
        (
            t_string!(i18n, analytics.row_recency),
            r.days_since.map(|d| format::number(l, d)),
        ),
        (
            t_string!(i18n, analytics.col_purchases),
            edges.frequency.map(|f| format::number(l, f)),
        ),
        (
            t_string!(i18n, analytics.col_net),
            edges.monetary.map(|m| format::money(l, m, r.currency)),
        ),
    ];
    view! {
        // The table's scrolling region is the landmark (named by the heading), not the card.
        <section class="card">
            <p class="hint">{t_string!(i18n, analytics.rfm_hint).replace("{n}", &format::number(l, r.buyers))}</p>
            <h2 id="rfm-edges">{t!(i18n, analytics.edges_title)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rfm-edges">
                <table>
                    <thead><tr>
                        <td></td>
                        {fifths.map(|p| view! { <th scope="col">{format::percent(l, p)}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {edge_rows.into_iter().map(|(label, cells)| view! {
                            <tr>
                                <th scope="row">{label}</th>
                                {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=csv download="rfm.csv" rel="external">{t!(i18n, analytics.csv)}</a></p>
        </section>
        <GroupsTable groups=r.groups.clone() buyers=r.buyers currency=r.currency today=r.today.clone() location=r.location />
        <Grid grid=r.grid />
        <Members listed=r.listed members=r.members currency=r.currency location=r.location />
    }
    .into_any()
}

#[component]
fn GroupsTable(
    groups: Vec<GroupRow>,
    buyers: i64,
    currency: Currency,
    today: String,
    /// At a location the groups are that location's; segments use the whole shop's.
    location: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let save = ServerAction::<SaveSegment>::new();
    let saved = move || {
        save.value().get().map(|r| match r {
            Ok(s) => s
                .id
                .map(|id| {
                    view! {
                        <p role="status">
                            {t!(i18n, analytics.segment_made)}" "
                            <a href=format!("/console/segments?id={id}") rel="external">{t!(i18n, analytics.open_segment)}</a>
                        </p>
                    }
                    .into_any()
                })
                .unwrap_or_else(|| ().into_any()),
            Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
        })
    };
    let rows = groups
        .into_iter()
        .map(|g| {
            let name = group_name(i18n, g.group);
            let segment = format!("{name} (RFM) {today}");
            let share = super::cohorts::percent(g.members, buyers);
            let per = (g.members > 0).then(|| (2 * g.net_minor + g.members).div_euclid(2 * g.members));
            view! {
                <tr>
                    <th scope="row">
                        <a href=rfm_link(g.group, location)>{name}</a>
                        <br />
                        <small class="hint">{group_rule(i18n, g.group)}</small>
                    </th>
                    <td>{format::number(l, g.members)}</td>
                    <td>{share.map_or_else(|| "—".to_owned(), |p| format::percent(l, p))}</td>
                    <td>{format::money(l, g.net_minor, currency)}</td>
                    <td>{per.map_or_else(|| "—".to_owned(), |v| format::money(l, v, currency))}</td>
                    <td>{location.is_none().then(|| view! {
                        <ActionForm action=save>
                            <input type="hidden" name="intent" value="save" />
                            <input type="hidden" name="name" value=segment />
                            <input type="hidden" name="match_all" value="all" />
                            <input type="hidden" name="rfm" value=g.group.as_str() />
                            <button type="submit" class="button" aria-label=format!("{} – {name}", t_string!(i18n, analytics.make_segment))>
                                {t!(i18n, analytics.make_segment)}
                            </button>
                        </ActionForm>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 id="rfm-groups">{t!(i18n, analytics.groups_title)}</h2>
            {location.is_some().then(|| view! { <p class="hint">{t!(i18n, analytics.rfm_segment_shop)}</p> })}
            {saved}
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rfm-groups">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_group)}</th>
                        <th scope="col">{t!(i18n, analytics.col_members)}</th>
                        <th scope="col">{t!(i18n, analytics.col_share)}</th>
                        <th scope="col">{t!(i18n, analytics.col_net)}</th>
                        <th scope="col">{t!(i18n, analytics.col_per_member_net)}</th>
                        <td></td>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Members by recency score (rows, 5 first) and frequency score (columns), shaded by the
/// cell's share of the biggest cell.
#[component]
fn Grid(grid: [[i64; 5]; 5]) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let most = grid.iter().flatten().copied().max().unwrap_or(0).max(1);
    view! {
        <section class="card">
            <h2 id="rfm-grid">{t!(i18n, analytics.grid_title)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rfm-grid">
                <table class="cohorts heat">
                    <thead><tr>
                        <td></td>
                        {(1..=5).map(|f| view! { <th scope="col">{format!("F {f}")}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {(1..=5u8).rev().map(|r| view! {
                            <tr>
                                <th scope="row">{format!("R {r}")}</th>
                                {(1..=5u8).map(|f| {
                                    let n = grid[usize::from(r - 1)][usize::from(f - 1)];
                                    let tint = format!("h{}", (n * 10 + most / 2) / most);
                                    let title = group_name(i18n, Group::of(r, f));
                                    view! { <td class=tint title=title>{format::number(l, n)}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Members(
    listed: Group,
    members: Vec<Scored>,
    currency: Currency,
    location: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let title = t_string!(i18n, analytics.list_title).replace("{group}", group_name(i18n, listed));
    let rows = members
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/console/members/{}", m.id)>{m.name}</a></th>
                    <td>{format::date(l, &m.last_day)}</td>
                    <td>{format::number(l, m.purchases)}</td>
                    <td>{format::money(l, m.net_minor, currency)}</td>
                    <td>{format!("{} {} {}", m.scores[0], m.scores[1], m.scores[2])}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 id="rfm-members">{title}</h2>
            <nav class="filters" aria-label=move || t_string!(i18n, analytics.list_label)>
                {Group::ALL.map(|g| view! {
                    <a href=rfm_link(g, location)
                        aria-current=(g == listed).then_some("page")>{group_name(i18n, g)}</a>
                }).collect_view()}
            </nav>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rfm-members">
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, analytics.col_member)}</th>
                        <th scope="col">{t!(i18n, analytics.col_last)}</th>
                        <th scope="col">{t!(i18n, analytics.col_purchases)}</th>
                        <th scope="col">{t!(i18n, analytics.col_net)}</th>
                        <th scope="col">{t!(i18n, analytics.col_scores)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
