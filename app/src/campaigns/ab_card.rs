//! A campaign's A/B test on its page: the settings' fieldset in the campaign's form, and once
//! it is sent, each variant's test messages side by side with the winner or when it comes.

use leptos::prelude::*;
use leptos_router::components::A;

use super::ab::{Metric, Test, Variant};
use crate::{
    error::AppError,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, SelectField},
};

/// The test's fields (in the campaign's settings form), with a link to variant B's messages
/// once there is one.
#[component]
pub fn AbFields(test: Test, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let s = test.settings;
    let metrics = vec![
        (
            Metric::Clicks.as_str().to_owned(),
            t_string!(i18n, campaigns.ab_clicks).to_owned(),
        ),
        (
            Metric::Purchases.as_str().to_owned(),
            t_string!(i18n, campaigns.ab_purchases).to_owned(),
        ),
    ];
    view! {
        <fieldset>
            <legend>{t!(i18n, campaigns.ab_legend)}</legend>
            <Field name="ab_pct" kind="number" error value=s.share_pct.to_string()
                hint=ViewFn::from(move || t_string!(i18n, campaigns.ab_pct_hint))>{t!(i18n, campaigns.ab_pct)}</Field>
            <Field name="ab_hours" kind="number" error value=s.hours.to_string()
                hint=ViewFn::from(move || t_string!(i18n, campaigns.ab_hours_hint))>{t!(i18n, campaigns.ab_hours)}</Field>
            <SelectField name="ab_metric" id="campaign-ab-metric" options=metrics selected=s.metric.as_str().to_owned() error>
                {t!(i18n, campaigns.ab_metric)}
            </SelectField>
            {test.variant.filter(|_| s.share_pct > 0).map(|v| view! {
                <p><A href=format!("/console/campaigns/{v}")>{t!(i18n, campaigns.ab_write_b)}</A></p>
            })}
        </fieldset>
    }
}

/// What the test found (a sent campaign with a test).
#[component]
pub fn AbCard(test: Test) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let metric = match test.settings.metric {
        Metric::Clicks => t_string!(i18n, campaigns.ab_clicks),
        Metric::Purchases => t_string!(i18n, campaigns.ab_purchases),
    };
    let state = match (test.winner, test.decide_at.clone()) {
        (None, Some(at)) => t_string!(i18n, campaigns.ab_decides).replace("{at}", &at),
        (Some(w), Some(_)) => t_string!(i18n, campaigns.ab_won)
            .replace("{variant}", if w == Variant::B { "B" } else { "A" })
            .replace("{metric}", metric),
        _ => t_string!(i18n, campaigns.ab_untested).to_owned(),
    };
    let tested = test.decide_at.is_some();
    let n = move |v: i64| format::number(l, v);
    let rows = [("A", test.a), ("B", test.b)]
        .into_iter()
        .map(|(name, arm)| {
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{n(arm.sent)}</td>
                    <td>{n(arm.clicked)}</td>
                    <td>{n(arm.bought)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="ab-test">
            <h2 id="ab-test">{t!(i18n, campaigns.ab_legend)}</h2>
            <p role="status">{state}</p>
            {tested.then(|| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, journeys.figures)>
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, campaigns.ab_variant)}</th>
                                <th scope="col">{t!(i18n, campaigns.sent)}</th>
                                <th scope="col">{t!(i18n, campaigns.clicked)}</th>
                                <th scope="col">{t!(i18n, journeys.bought)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
        </section>
    }
}
