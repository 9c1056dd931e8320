//! `/console/integrations`: owners make API keys for the shop's till or web shop (the secret
//! shown once), see when each was last used and revoke them; below, the webhooks.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{ApiKeys, CreateApiKey, RevokeApiKey, list_api_keys},
    types::{ApiKeyInfo, DEFAULT_RATE, Scope},
};
use crate::{
    i18n::LocaleExt as _,
    i18n::{format, t, t_string, use_i18n},
    ui::{
        Field, FormError, Loading, PageTitle, SelectField, ShownOnce, error_text, error_view,
        last_error,
    },
};

fn scope_label(scope: Scope) -> &'static str {
    let i18n = use_i18n();
    match scope {
        Scope::MembersRead => t_string!(i18n, integrations.scope_members_read),
        Scope::PurchasesWrite => t_string!(i18n, integrations.scope_purchases_write),
        Scope::CodesRedeem => t_string!(i18n, integrations.scope_codes_redeem),
        Scope::Partner => t_string!(i18n, integrations.scope_partner),
    }
}

/// The form field a scope's box sends.
fn scope_field(scope: Scope) -> &'static str {
    match scope {
        Scope::MembersRead => "members_read",
        Scope::PurchasesWrite => "purchases_write",
        Scope::CodesRedeem => "codes_redeem",
        Scope::Partner => "partner",
    }
}

/// The API keys page.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    let create_error = last_error(create);
    let revoke_error = last_error(revoke);
    view! {
        <PageTitle>{t!(i18n, integrations.title)}</PageTitle>
        <p class="lead">{t!(i18n, integrations.intro)}</p>
        <p>
            <a href="/console/integrations/partners">{t!(i18n, integrations.partners_link)}</a>
            " · "
            <a href="/console/integrations/import">{t!(i18n, integrations.import_link)}</a>
        </p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(data) => view! { <Keys data create revoke create_error revoke_error /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
        <super::webhooks::pages::WebhooksCard />
        <ExportsCard />
    }
}

/// What the shop's data downloads are, in the order the card lists them.
const EXPORTS: [&str; 5] = ["members", "purchases", "ledger", "feedback", "cases"];

/// Downloads of the shop's data as CSV, each streamed by the server.
#[component]
fn ExportsCard() -> impl IntoView {
    let i18n = use_i18n();
    let label = move |what: &str| match what {
        "members" => t_string!(i18n, integrations.export_members),
        "purchases" => t_string!(i18n, integrations.export_purchases),
        "ledger" => t_string!(i18n, integrations.export_ledger),
        "feedback" => t_string!(i18n, integrations.export_feedback),
        _ => t_string!(i18n, integrations.export_cases),
    };
    view! {
        <section class="card" aria-labelledby="exports">
            <h2 id="exports">{t!(i18n, integrations.exports_title)}</h2>
            <p class="hint">{t!(i18n, integrations.exports_intro)}</p>
            <ul class="export-list">
                {EXPORTS
                    .into_iter()
                    .map(|what| view! {
                        <li><a href=format!("/console/export/{what}.csv") download>{move || label(what)}</a></li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Keys(
    data: ApiKeys,
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    create_error: Signal<Option<crate::error::AppError>>,
    revoke_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut places = vec![(
        String::new(),
        t_string!(i18n, integrations.location_any).to_owned(),
    )];
    places.extend(
        data.locations
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let secret = move || create.value().get().and_then(Result::ok).map(|k| k.secret);
    view! {
        <section class="card">
            <h2>{t!(i18n, integrations.new_title)}</h2>
            <ShownOnce secret=Signal::derive(secret)
                made=Signal::derive(move || t_string!(i18n, integrations.created))
                once=Signal::derive(move || t_string!(i18n, integrations.secret_once)) />
            <ActionForm action=create attr:novalidate=true attr:class="stack integration-form">
                <FormError error=create_error />
                <Field name="name" error=create_error>{t!(i18n, integrations.name)}</Field>
                <fieldset>
                    <legend>{t!(i18n, integrations.scopes)}</legend>
                    {Scope::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <label class="check">
                                    <input type="checkbox" name=scope_field(s) value="on" />
                                    {move || scope_label(s)}
                                </label>
                            }
                        })
                        .collect_view()}
                    {move || create_error.get().and_then(|e| e.field_message("scopes")).map(|m| view! {
                        <p class="field-error" role="alert">{error_text(m)}</p>
                    })}
                </fieldset>
                <SelectField name="location_id" id="key-location" options=places error=create_error>
                    {t!(i18n, integrations.location)}
                </SelectField>
                <Field name="rate" kind="number" error=create_error
                    hint=ViewFn::from(move || t_string!(i18n, integrations.rate_hint).replace("{n}", &DEFAULT_RATE.to_string()))>
                    {t!(i18n, integrations.rate)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, integrations.create_submit)}</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t!(i18n, integrations.list_title)}</h2>
            <FormError error=revoke_error include_fields=true />
            {if data.keys.is_empty() {
                view! { <p>{t!(i18n, integrations.none_yet)}</p> }.into_any()
            } else {
                view! { <KeyTable rows=data.keys revoke /> }.into_any()
            }}
            <p class="hint">{t!(i18n, integrations.docs_hint)} " " <a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a></p>
        </section>
    }
}

#[component]
fn KeyTable(rows: Vec<ApiKeyInfo>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let i18n = use_i18n();
    let when = move |at: Option<String>| match at {
        Some(at) => format::date_time(i18n.get_locale().as_str(), &at),
        None => t_string!(i18n, integrations.never_used).to_owned(),
    };
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, integrations.name)}</th>
                        <th scope="col">{t!(i18n, integrations.col_key)}</th>
                        <th scope="col">{t!(i18n, integrations.scopes)}</th>
                        <th scope="col">{t!(i18n, integrations.location)}</th>
                        <th scope="col">{t!(i18n, integrations.col_last_used)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, integrations.col_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|k| {
                            let scopes = k.scopes.clone();
                            let used = k.last_used_at.clone();
                            let name = k.name.clone();
                            let location = k.location.clone();
                            // A partner's key records at the partner, not at a location.
                            let partner = k.partner.is_some();
                            view! {
                                <tr>
                                    <td>{k.name}</td>
                                    <td><code>{format!("{}…", k.prefix)}</code></td>
                                    <td>{move || scopes.iter().map(|s| scope_label(*s)).collect::<Vec<_>>().join(", ")}</td>
                                    <td>{move || match (&location, partner) {
                                        (_, true) => "—".to_owned(),
                                        (Some(l), false) => l.clone(),
                                        (None, false) => t_string!(i18n, integrations.location_any).to_owned(),
                                    }}</td>
                                    <td>{move || when(used.clone())}</td>
                                    <td>
                                        {match k.revoked_at {
                                            Some(_) => view! { <span class="badge">{t!(i18n, integrations.revoked)}</span> }.into_any(),
                                            None => view! {
                                                <ActionForm action=revoke attr:class="inline">
                                                    <input type="hidden" name="id" value=k.id />
                                                    <button type="submit" class="button small danger"
                                                        aria-label=move || format!("{} {}", t_string!(i18n, integrations.revoke), name)>
                                                        {t!(i18n, integrations.revoke)}
                                                    </button>
                                                </ActionForm>
                                            }.into_any(),
                                        }}
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
