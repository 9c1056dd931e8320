//! The program page's preview: what a purchase would earn under the earning rule as it stands
//! on the settings form, saved or not, so a manager sees a change before making it.

use leptos::{form::ActionForm, prelude::*};

use super::{
    program_api::PreviewEarning,
    rules::{Program, Settings},
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, SelectField, last_error},
};

/// The earning rule as the settings form shows it now: its rate and rounding fields' values,
/// which the preview sends along.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    /// The rate field's text.
    pub rate: RwSignal<String>,
    /// The rounding choice.
    pub rounding: RwSignal<String>,
}

impl Draft {
    /// The saved rule, as the settings form first shows it.
    pub fn new(s: &Settings, locale: &str) -> Self {
        Self {
            rate: RwSignal::new(format::decimal_input(locale, s.rate_hundredths)),
            rounding: RwSignal::new(s.rounding.as_str().to_owned()),
        }
    }

    /// Follows an edit in the settings form (an `input` event bubbling from one of its fields).
    pub fn follow(self, ev: &leptos::ev::Event) {
        let field = event_target::<leptos::web_sys::HtmlInputElement>(ev);
        match field.name().as_str() {
            "rate" => self.rate.set(field.value()),
            "rounding" => self.rounding.set(field.value()),
            _ => {}
        }
    }
}

/// The preview form and its answer.
#[component]
pub fn PreviewCard(p: Program, draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let preview = ServerAction::<PreviewEarning>::new();
    let error = last_error(preview);
    // The rate is not a field of this form: its error shows as the form's.
    let rate_error =
        Signal::derive(move || error.get().filter(|e| e.field_message("rate").is_some()));
    let locale = move || i18n.get_locale().as_str();
    let mut tiers = vec![(String::new(), t_string!(i18n, program.no_tier).to_owned())];
    tiers.extend(p.tiers.iter().map(|t| (t.id.to_string(), t.name.clone())));
    let mut locations = vec![(
        String::new(),
        t_string!(i18n, program.any_location).to_owned(),
    )];
    locations.extend(
        p.locations
            .iter()
            .map(|l| (l.id.to_string(), l.name.clone())),
    );
    view! {
        <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">{t!(i18n, program.preview_title)}</h2>
            <p class="hint">{t!(i18n, program.preview_hint)}</p>
            <ActionForm action=preview attr:novalidate=true attr:aria-labelledby="preview-title">
                <FormError error />
                <FormError error=rate_error include_fields=true />
                <input type="hidden" name="rate" value=move || draft.rate.get() />
                <input type="hidden" name="rounding" value=move || draft.rounding.get() />
                <Field name="amount" id="preview-amount" error>{t!(i18n, counter.amount_label)}</Field>
                <SelectField name="tier_id" id="preview-tier" options=tiers error>{t!(i18n, points.tier)}</SelectField>
                <SelectField name="location_id" id="preview-location" options=locations error>{t!(i18n, counter.location_label)}</SelectField>
                <Field name="date" id="preview-date" kind="date" error>{t!(i18n, program.date)}</Field>
                <button type="submit" class="button">{t!(i18n, program.preview_submit)}</button>
            </ActionForm>
            <div role="status">
                {move || preview.value().get().and_then(Result::ok).map(|e| {
                    let total = e.total;
                    let l = locale();
                    let detail = format!(
                        "{} × {} × {} + {}",
                        format::number(l, e.base),
                        format::decimal(l, e.tier_pct),
                        format::decimal(l, e.bonus_pct),
                        format::number(l, e.extra)
                    );
                    view! {
                        <p class="notice">{t!(i18n, program.preview_result, points = move || format::number(locale(), total))}</p>
                        <p class="hint">{detail} {(!e.bonuses.is_empty()).then(|| format!(" ({})", e.bonuses.join(", ")))}</p>
                    }
                })}
            </div>
        </section>
    }
}
