//! The sending-rules card on the journeys page: quiet hours and a frequency cap per channel,
//! for every marketing message (campaigns and journeys).

use leptos::{form::ActionForm, prelude::*};

use super::{
    SaveSendingRules,
    rules::{ChannelRules, SendingRules},
    sending_rules,
};
use crate::{
    i18n::{t, t_string, use_i18n},
    ui::{Field, FormError, Loading, SavedNotice, error_view, last_error},
};

/// The card, read on its own and saved with its own form.
#[component]
pub fn RulesCard() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveSendingRules>::new();
    let rules = Resource::new(move || save.version().get(), |_| sending_rules());
    view! {
        <section class="card" aria-labelledby="rules-title">
            <h2 id="rules-title">{t!(i18n, journeys.rules_title)}</h2>
            <p class="hint">{t!(i18n, journeys.rules_hint)}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match rules.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(r) => view! { <RulesForm r save /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RulesForm(r: SendingRules, save: ServerAction<SaveSendingRules>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(save);
    view! {
        <ActionForm action=save attr:novalidate=true attr:class="stack">
            <FormError error />
            <ChannelFields prefix="email" r=r.email error legend=t_string!(i18n, journeys.rules_email) />
            <ChannelFields prefix="sms" r=r.sms error legend=t_string!(i18n, journeys.rules_sms) />
            <button type="submit" class="button primary">{t!(i18n, journeys.rules_save)}</button>
            <SavedNotice action=save>{move || t_string!(i18n, journeys.saved)}</SavedNotice>
        </ActionForm>
    }
}

/// One channel's four fields, named `{prefix}_quiet_from` and so on.
#[component]
fn ChannelFields(
    prefix: &'static str,
    r: ChannelRules,
    error: Signal<Option<crate::error::AppError>>,
    legend: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let (from, until, cap, days) = if prefix == "sms" {
        (
            "sms_quiet_from",
            "sms_quiet_until",
            "sms_cap",
            "sms_cap_days",
        )
    } else {
        (
            "email_quiet_from",
            "email_quiet_until",
            "email_cap",
            "email_cap_days",
        )
    };
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <fieldset class="stack">
            <legend>{legend}</legend>
            <Field name=from kind="number" error value=text(r.quiet_from)
                hint=ViewFn::from(move || t_string!(i18n, journeys.quiet_hint))>{t!(i18n, journeys.quiet_from)}</Field>
            <Field name=until kind="number" error value=text(r.quiet_until)>{t!(i18n, journeys.quiet_until)}</Field>
            <Field name=cap kind="number" error value=text(r.cap)
                hint=ViewFn::from(move || t_string!(i18n, journeys.cap_hint))>{t!(i18n, journeys.cap)}</Field>
            <Field name=days kind="number" error value=r.cap_days.to_string()>{t!(i18n, journeys.cap_days)}</Field>
        </fieldset>
    }
}
