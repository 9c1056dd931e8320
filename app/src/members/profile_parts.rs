//! The lower sections of a member's profile: the postal address, purchases, reward codes,
//! feedback and cases, messages, and consent with its history.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::A;

use super::profile::{Consent, SetMemberAddress};
use crate::{
    feedback::api::MyFeedback,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    loyalty::{rules::Currency, types::Purchase},
    rewards::types::{CodeStatus, RewardCode},
    ui::{FormError, SavedNotice, TextAreaField, last_error},
};

/// The member's postal address for letters, which staff record or remove when the member
/// asks.
#[component]
pub fn Address(member_id: i64, address: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetMemberAddress>::new();
    let error = last_error(action);
    view! {
        <section class="card" aria-labelledby="address-title">
            <h2 id="address-title">{t!(i18n, members.address_title)}</h2>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <input type="hidden" name="member_id" value=member_id />
                <TextAreaField name="postal_address" id="postal-address" rows=4 error=error
                    value=address.unwrap_or_default()
                    hint=ViewFn::from(move || t!(i18n, members.address_hint))>
                    {t!(i18n, my_data.postal_address)}
                </TextAreaField>
                <button type="submit" class="button">{t!(i18n, members.address_save)}</button>
                <SavedNotice action=action>{move || t!(i18n, my_data.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
}

/// Purchases, reward codes, feedback with its cases, and messages.
#[component]
pub fn Activity(
    purchases: Vec<Purchase>,
    codes: Vec<RewardCode>,
    feedback: Vec<MyFeedback>,
    currency: Currency,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    view! {
        <section class="card" aria-labelledby="purchases-title">
            <h2 id="purchases-title">{t!(i18n, counter.purchases_title)}</h2>
            {if purchases.is_empty() {
                view! { <p class="hint">{t!(i18n, counter.no_purchases)}</p> }.into_any()
            } else {
                view! {
                    <ul class="purchases">
                        {purchases.into_iter().map(|p| {
                            let date = p.created_at.clone();
                            view! {
                                <li>
                                    <strong>{move || format::money(locale(), p.amount_minor, currency)}</strong>
                                    " · " {move || format::date(locale(), &date)} " · " {p.location.clone()}
                                    " · " {move || format::number(locale(), p.points)} " " {t!(i18n, points.unit)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="codes-title">
            <h2 id="codes-title">{t!(i18n, members.codes_title)}</h2>
            {if codes.is_empty() {
                view! { <p class="hint">{t!(i18n, members.no_codes)}</p> }.into_any()
            } else {
                view! {
                    <ul class="purchases">
                        {codes.into_iter().map(|c| {
                            let status = match c.status {
                                CodeStatus::Active => t_string!(i18n, members.code_active),
                                CodeStatus::Used => t_string!(i18n, members.code_used),
                                CodeStatus::Expired => t_string!(i18n, members.code_expired),
                            };
                            view! { <li><code>{c.code}</code> " · " {c.reward} " · " {status}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="feedback-title">
            <h2 id="feedback-title">{t!(i18n, members.feedback_title)}</h2>
            {if feedback.is_empty() {
                view! { <p class="hint">{t!(i18n, members.no_feedback)}</p> }.into_any()
            } else {
                view! {
                    <ul class="notes">
                        {feedback.into_iter().map(|f| {
                            let date = f.created_at.clone();
                            let scores = [f.nps.map(|n| format!("NPS {n}")), f.csat.map(|c| format!("CSAT {c}"))]
                                .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                            let case = f.case.map(|c| (c.case.id, c.case.status));
                            view! {
                                <li>
                                    <p class="hint">{move || format::date(locale(), &date)} " · " {scores}</p>
                                    {(!f.body.is_empty()).then(|| view! { <p class="wrap">{f.body.clone()}</p> })}
                                    {case.map(|(id, status)| view! {
                                        <p>
                                            <A href=format!("/console/feedback/{id}")>
                                                {move || t_string!(i18n, feedback.case_title).replace("{id}", &id.to_string())}
                                            </A>
                                            " · " {crate::feedback::status_label(status)}
                                        </p>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="messages-title">
            <h2 id="messages-title">{t!(i18n, members.messages_title)}</h2>
            <p class="hint">{t!(i18n, members.no_messages)}</p>
        </section>
    }
}

/// Consent to marketing now, and every grant and withdrawal with where and when.
#[component]
pub fn Consents(email: bool, sms: bool, consents: Vec<Consent>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let yes_no = move |b: bool| {
        if b {
            t_string!(i18n, members.yes)
        } else {
            t_string!(i18n, members.no)
        }
    };
    view! {
        <section class="card" aria-labelledby="consent-title">
            <h2 id="consent-title">{t!(i18n, members.consent_title)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, members.email_marketing)}</dt><dd>{move || yes_no(email)}</dd>
                <dt>{t!(i18n, members.sms_marketing)}</dt><dd>{move || yes_no(sms)}</dd>
            </dl>
            <ul class="notes">
                {consents.into_iter().map(|c| {
                    let at = c.at.clone();
                    let what = if c.granted { t_string!(i18n, members.granted) } else { t_string!(i18n, members.withdrawn) };
                    let channel = if c.channel == "email" { t_string!(i18n, account.email) } else { "SMS" };
                    view! {
                        <li>
                            {move || format::date_time(locale(), &at)} " · " {channel} " · " {what} " · " <code>{c.source}</code>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
