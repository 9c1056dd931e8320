//! A campaign's or a journey's results card: the messaged members' purchase rate beside the
//! control group's as a chart, every figure in a table, and the table as CSV.

use leptos::prelude::*;

use super::results::Results;
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    loyalty::rules::Currency,
    ui::BarChart,
};

/// The results card. `journey`: a journey's (entries that left; its wording); `csv`: where
/// the download is.
#[component]
pub fn ResultsView(
    r: Results,
    currency: Currency,
    window: i64,
    journey: bool,
    csv: String,
    /// A journey step's: it has no control group of its own, so neither its rows nor the
    /// chart that compares with it.
    #[prop(optional)]
    step: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let n = move |v: i64| format::number(l, v);
    let pct = move |v: Option<i64>| v.map_or_else(|| "—".to_owned(), |v| format::percent(l, v));
    let lift = r.lift().map_or_else(
        || "—".to_owned(),
        |v| format!("{}{}", if v > 0 { "+" } else { "" }, format::number(l, v)),
    );
    let (entered, not_sent) = if journey {
        (
            t_string!(i18n, journeys.entered),
            t_string!(i18n, journeys.not_sent),
        )
    } else {
        (
            t_string!(i18n, campaigns.r_entered),
            t_string!(i18n, campaigns.r_not_sent),
        )
    };
    let mut rows = vec![
        (entered, n(r.entered)),
        (t_string!(i18n, journeys.held_out), n(r.held_out)),
        (t_string!(i18n, journeys.queued), n(r.queued)),
        (t_string!(i18n, journeys.sent), n(r.sent)),
        (not_sent, n(r.not_sent)),
    ];
    if journey {
        rows.push((t_string!(i18n, journeys.left), n(r.left)));
    }
    rows.extend([
        (t_string!(i18n, journeys.bounced), n(r.bounced)),
        (t_string!(i18n, journeys.unsubscribed), n(r.unsubscribed)),
        (t_string!(i18n, journeys.clicked), n(r.clicked)),
        (t_string!(i18n, journeys.bought), n(r.bought)),
        (t_string!(i18n, journeys.bought_rate), pct(r.bought_rate())),
        (t_string!(i18n, journeys.purchases), n(r.purchases)),
        (
            t_string!(i18n, journeys.revenue),
            format::money(l, r.revenue_minor, currency),
        ),
        (t_string!(i18n, journeys.points), n(r.points)),
        (t_string!(i18n, journeys.redeemed), n(r.redeemed)),
        (
            t_string!(i18n, journeys.held_out_bought),
            n(r.held_out_bought),
        ),
        (
            t_string!(i18n, journeys.held_out_rate),
            pct(r.held_out_rate()),
        ),
        (t_string!(i18n, journeys.lift), lift),
    ]);
    if step {
        let control = [
            t_string!(i18n, journeys.held_out),
            t_string!(i18n, journeys.held_out_bought),
            t_string!(i18n, journeys.held_out_rate),
            t_string!(i18n, journeys.lift),
        ];
        rows.retain(|(k, _)| !control.contains(k));
    }
    let hint = t_string!(i18n, journeys.results_hint).replace("{days}", &window.to_string());
    let bars = vec![
        (
            t_string!(i18n, journeys.messaged).to_owned(),
            r.bought_rate(),
        ),
        (
            t_string!(i18n, journeys.control).to_owned(),
            r.held_out_rate(),
        ),
    ];
    view! {
        <section class="card" aria-labelledby="results">
            <h2 id="results">{t!(i18n, journeys.results)}</h2>
            <p class="hint">{hint}</p>
            {(!step).then(|| view! { <BarChart title=t_string!(i18n, journeys.rates_chart) bars low=0 high=100 /> })}
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, journeys.figures)>
                <table>
                    <tbody>
                        {rows.into_iter().map(|(k, v)| view! {
                            <tr><th scope="row">{k}</th><td>{v}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=csv download="results.csv" rel="external">{t!(i18n, analytics.csv)}</a></p>
        </section>
    }
}
