//! The webhooks part of `/console/integrations`: subscribe a URL to events (the signing secret
//! shown once), stop one, and the delivery log with a "send again" button.

use leptos::{form::ActionForm, prelude::*};

use super::{
    DeliveryInfo, DeliveryState, Event, WebhookInfo,
    api::{CreateWebhook, RemoveWebhook, ResendDelivery, Webhooks, list_webhooks},
};
use crate::{
    i18n::LocaleExt as _,
    i18n::{format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, ShownOnce, error_text, error_view, last_error},
};

fn event_label(e: Event) -> &'static str {
    let i18n = use_i18n();
    match e {
        Event::MemberJoined => t_string!(i18n, webhooks.member_joined),
        Event::PurchaseRecorded => t_string!(i18n, webhooks.purchase_recorded),
        Event::TierChanged => t_string!(i18n, webhooks.tier_changed),
        Event::RewardRedeemed => t_string!(i18n, webhooks.reward_redeemed),
        Event::FeedbackReceived => t_string!(i18n, webhooks.feedback_received),
        Event::CaseOpened => t_string!(i18n, webhooks.case_opened),
        Event::CaseResolved => t_string!(i18n, webhooks.case_resolved),
        Event::MemberUnsubscribed => t_string!(i18n, webhooks.member_unsubscribed),
    }
}

/// Webhooks: the form, the subscriptions and the delivery log.
#[component]
pub fn WebhooksCard() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let resend = ServerAction::<ResendDelivery>::new();
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                remove.version().get(),
                resend.version().get(),
            )
        },
        |_| list_webhooks(),
    );
    let create_error = last_error(create);
    let secret = move || create.value().get().and_then(Result::ok).map(|k| k.secret);
    view! {
        <section class="card">
            <h2>{t!(i18n, webhooks.title)}</h2>
            <p class="hint">{t!(i18n, webhooks.intro)}</p>
            <ShownOnce secret=Signal::derive(secret)
                made=Signal::derive(move || t_string!(i18n, webhooks.created))
                once=Signal::derive(move || t_string!(i18n, webhooks.secret_once)) />
            <ActionForm action=create attr:novalidate=true attr:class="stack integration-form">
                <FormError error=create_error />
                <Field name="url" id="webhook-url" kind="url" error=create_error>{t!(i18n, webhooks.url)}</Field>
                <fieldset>
                    <legend>{t!(i18n, webhooks.events)}</legend>
                    {Event::ALL
                        .into_iter()
                        .map(|e| view! {
                            <label class="check">
                                <input type="checkbox" name=e.field() value="on" />
                                {move || event_label(e)}
                            </label>
                        })
                        .collect_view()}
                    {move || create_error.get().and_then(|e| e.field_message("events")).map(|m| view! {
                        <p class="field-error" role="alert">{error_text(m)}</p>
                    })}
                </fieldset>
                <button type="submit" class="button primary">{t!(i18n, webhooks.create_submit)}</button>
            </ActionForm>
        </section>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(w) => view! { <Hooks data=w remove resend /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Hooks(
    data: Webhooks,
    remove: ServerAction<RemoveWebhook>,
    resend: ServerAction<ResendDelivery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let remove_error = last_error(remove);
    let resend_error = last_error(resend);
    view! {
        <section class="card">
            <h2>{t!(i18n, webhooks.list_title)}</h2>
            <FormError error=remove_error include_fields=true />
            {if data.hooks.is_empty() {
                view! { <p>{t!(i18n, webhooks.none_yet)}</p> }.into_any()
            } else {
                view! { <ul class="webhook-list">{data.hooks.into_iter().map(|h| view! { <HookItem hook=h remove /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card">
            <h2>{t!(i18n, webhooks.log_title)}</h2>
            <FormError error=resend_error include_fields=true />
            {if data.deliveries.is_empty() {
                view! { <p>{t!(i18n, webhooks.no_deliveries)}</p> }.into_any()
            } else {
                view! { <DeliveryLog rows=data.deliveries resend /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn HookItem(hook: WebhookInfo, remove: ServerAction<RemoveWebhook>) -> impl IntoView {
    let i18n = use_i18n();
    let events = hook.events.clone();
    let url = hook.url.clone();
    view! {
        <li>
            <p><code>{hook.url}</code></p>
            <p class="hint">{move || events.iter().map(|e| event_label(*e)).collect::<Vec<_>>().join(", ")}</p>
            <ActionForm action=remove attr:class="inline">
                <input type="hidden" name="id" value=hook.id />
                <button type="submit" class="button small danger"
                    aria-label=move || format!("{} {}", t_string!(i18n, webhooks.remove), url)>
                    {t!(i18n, webhooks.remove)}
                </button>
            </ActionForm>
        </li>
    }
}

/// What a delivery's state column says.
fn state_text(d: &DeliveryInfo) -> String {
    let i18n = use_i18n();
    let state = match d.state {
        DeliveryState::Delivered => t_string!(i18n, webhooks.delivered),
        DeliveryState::Failed => t_string!(i18n, webhooks.failed),
        DeliveryState::Pending => t_string!(i18n, webhooks.pending),
    };
    match (d.last_status, &d.last_error) {
        (Some(code), _) => format!("{state} · HTTP {code}"),
        (None, Some(e)) => format!("{state} · {e}"),
        (None, None) => state.to_owned(),
    }
}

#[component]
fn DeliveryLog(rows: Vec<DeliveryInfo>, resend: ServerAction<ResendDelivery>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, webhooks.col_when)}</th>
                        <th scope="col">{t!(i18n, webhooks.col_event)}</th>
                        <th scope="col">{t!(i18n, webhooks.url)}</th>
                        <th scope="col">{t!(i18n, webhooks.col_state)}</th>
                        <th scope="col">{t!(i18n, webhooks.col_attempts)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, integrations.col_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|d| {
                            let at = d.created_at.clone();
                            let state = d.clone();
                            let event = d.event.clone();
                            view! {
                                <tr>
                                    <td>{move || format::date_time(i18n.get_locale().as_str(), &at)}</td>
                                    <td class="nowrap"><code>{d.event}</code></td>
                                    <td class="wrap"><code>{d.url}</code></td>
                                    <td>{move || state_text(&state)}</td>
                                    <td>{d.attempts}</td>
                                    <td>
                                        <ActionForm action=resend attr:class="inline">
                                            <input type="hidden" name="id" value=d.id />
                                            <button type="submit" class="button small"
                                                aria-label=move || format!("{} {} {}", t_string!(i18n, webhooks.resend), event, d.id)>
                                                {t!(i18n, webhooks.resend)}
                                            </button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
