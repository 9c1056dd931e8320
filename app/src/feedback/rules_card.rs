//! The setup page's case rule: the scores and categories that open a case, its deadline, who
//! gets new cases, and the language forms fall back to.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{Named, SaveFeedbackSettings},
    setup_page::options,
    timeline::category_label,
    types::{Category, FeedbackSettings},
};
use crate::{
    i18n::{LANGUAGES, t, t_string, use_i18n},
    ui::{Field, FormError, SavedNotice, SelectField, last_error},
};

/// The rule that opens cases, the deadline, who gets new cases, the forms' fallback language.
#[component]
pub(super) fn RulesCard(
    settings: FeedbackSettings,
    staff: Vec<Named>,
    action: ServerAction<SaveFeedbackSettings>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let chosen = RwSignal::new(settings.case_categories.clone());
    let joined =
        move || chosen.with(|c| c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","));
    let people = options(t_string!(i18n, feedback.nobody), &staff);
    let languages: Vec<(String, String)> = LANGUAGES
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect();
    let categories = Category::ALL
        .into_iter()
        .map(|c| {
            let id = format!("rule-cat-{}", c.as_str());
            let label_for = id.clone();
            let on_change = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                chosen.update(|v| {
                    v.retain(|x| *x != c);
                    if on {
                        v.push(c);
                    }
                });
            };
            view! {
                <div class="check">
                    <input type="checkbox" id=id checked=settings.case_categories.contains(&c) on:change=on_change />
                    <label for=label_for>{category_label(c)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="rules-title">
            <h2 id="rules-title">{t!(i18n, feedback.rules_title)}</h2>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field name="nps_max" id="rule-nps" kind="number" value=settings.nps_max.to_string() error
                    hint=ViewFn::from(move || t!(i18n, feedback.rule_nps_hint))>{t!(i18n, feedback.rule_nps)}</Field>
                <Field name="csat_max" id="rule-csat" kind="number" value=settings.csat_max.to_string() error
                    hint=ViewFn::from(move || t!(i18n, feedback.rule_csat_hint))>{t!(i18n, feedback.rule_csat)}</Field>
                <fieldset>
                    <legend>{t!(i18n, feedback.rule_categories)}</legend>
                    {categories}
                    <input type="hidden" name="case_categories" value=joined />
                </fieldset>
                <Field name="sla_hours" id="rule-sla" kind="number" value=settings.sla_hours.to_string() error>
                    {t!(i18n, feedback.rule_sla)}
                </Field>
                <Field name="goodwill_cap" id="rule-cap" kind="number" value=settings.goodwill_cap.to_string() error
                    hint=ViewFn::from(move || t!(i18n, feedback.rule_cap_hint))>{t!(i18n, feedback.rule_cap)}</Field>
                <SelectField name="assign_to" id="rule-assign" options=people
                    selected=settings.assign_to.map(|a| a.to_string()).unwrap_or_default() error>
                    {t!(i18n, feedback.rule_assign)}
                </SelectField>
                <SelectField name="default_language" id="rule-language" options=languages
                    selected=settings.default_language.clone() error>
                    {t!(i18n, feedback.rule_language)}
                </SelectField>
                <button type="submit" class="button primary">{t!(i18n, feedback.save_rules)}</button>
                <SavedNotice action>{t!(i18n, common.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
    .into_any()
}
