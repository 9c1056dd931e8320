//! Sign-up, sign-in and change-password pages. Plain forms that post to server functions, so
//! they work before (or without) the WASM; once hydrated they submit without a reload.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::A;

use super::{
    api::ChangePassword,
    components::use_auth,
    types::{Role, check_email, check_name, check_password},
};
use crate::{
    i18n::{t, use_i18n},
    ui::{Field, FormError, LanguageField, PageTitle, last_error},
};

/// `/join`: a visitor becomes a member.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_auth().sign_up;
    let error = last_error(action);
    let min_hint = ViewFn::from(move || t!(i18n, account.password_hint));
    let phone_hint = ViewFn::from(move || t!(i18n, account.phone_hint));
    // A friend's link: `/join?ref=CODE` fills in their code.
    let referral = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("ref"))
        .unwrap_or_default();
    view! {
        <crate::social::SocialMeta what="join" />
        <section class="card narrow">
            <PageTitle>{t!(i18n, account.join_title)}</PageTitle>
            <p class="lede">{t!(i18n, account.join_lede)}</p>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <Field name="preferred_name" autocomplete="given-name" error=error check=check_name>
                    {t!(i18n, account.preferred_name)}
                </Field>
                <Field name="email" kind="email" autocomplete="email" error=error check=check_email>
                    {t!(i18n, account.email)}
                </Field>
                <Field name="phone" kind="tel" autocomplete="tel" error=error hint=phone_hint>
                    {t!(i18n, account.phone)}
                </Field>
                <Field name="referral" error=error value=referral>
                    {t!(i18n, account.referral)}
                </Field>
                <Field
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    error=error
                    check=check_password
                    hint=min_hint
                >
                    {t!(i18n, account.password)}
                </Field>
                <LanguageField />
                <fieldset class="consents">
                    <legend>{t!(i18n, account.consents_legend)}</legend>
                    <label class="check">
                        <input type="checkbox" name="email_marketing" value="on" />
                        {t!(i18n, account.consent_email)}
                    </label>
                    <label class="check">
                        <input type="checkbox" name="sms_marketing" value="on" />
                        {t!(i18n, account.consent_sms)}
                    </label>
                    <p class="hint">{t!(i18n, account.consents_hint)}</p>
                </fieldset>
                <button type="submit" class="button primary">{t!(i18n, account.join_submit)}</button>
            </ActionForm>
            <p class="alt">
                {t!(i18n, account.have_account)} " " <A href="/sign-in">{t!(i18n, nav.sign_in)}</A>
            </p>
        </section>
    }
}

/// `/join/sent`: where joining lands, whether or not the address already had an account.
#[component]
pub fn SignUpSentPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, account.sent_title)}</PageTitle>
            <p class="lede" role="status">{t!(i18n, account.sent_lede)}</p>
            <p class="hint">{t!(i18n, account.sent_missing)}</p>
            <p class="alt">
                {t!(i18n, account.have_account)} " " <A href="/sign-in">{t!(i18n, nav.sign_in)}</A>
            </p>
        </section>
    }
}

/// `/sign-in`: members and staff sign in here.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_auth().sign_in;
    let error = last_error(action);
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, account.sign_in_title)}</PageTitle>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <Field name="email" kind="email" autocomplete="username" error=error>
                    {t!(i18n, account.email)}
                </Field>
                <Field name="password" kind="password" autocomplete="current-password" error=error>
                    {t!(i18n, account.password)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, account.sign_in_submit)}</button>
            </ActionForm>
            <p class="alt">
                {t!(i18n, account.no_account)} " " <A href="/join">{t!(i18n, nav.join)}</A>
            </p>
        </section>
    }
}

/// `/account/password`: change your password (ends your other sessions).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let error = last_error(action);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, account.password_title)}</PageTitle>
            <Show when=done>
                <p class="notice" role="status">{t!(i18n, account.password_changed)}</p>
            </Show>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <Field name="current_password" kind="password" autocomplete="current-password" error=error>
                    {t!(i18n, account.current_password)}
                </Field>
                <Field
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    error=error
                    check=check_password
                >
                    {t!(i18n, account.new_password)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, account.password_submit)}</button>
            </ActionForm>
            // Owners and managers can add a second factor.
            {move || {
                use_auth()
                    .current()
                    .filter(|u| matches!(u.role, Role::Owner | Role::Manager))
                    .map(|_| view! {
                        <p class="alt"><A href="/account/two-factor">{t!(i18n, two_factor.title)}</A></p>
                    })
            }}
        </section>
    }
}

/// A sign-out button (a form, so it works without WASM).
#[component]
pub fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_auth().sign_out;
    view! {
        <ActionForm action=action attr:class="inline">
            <button type="submit" class="button link">{t!(i18n, nav.sign_out)}</button>
        </ActionForm>
    }
}
