//! `/sign-in/code` (the second sign-in step), `/account/two-factor` (set up, recovery codes,
//! turn off) and the owner's rule card on the staff page. Plain forms: they work without WASM.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::A;

use super::{
    api::{DisableTwoFactor, RenewRecoveryCodes, StartTwoFactor, TwoFactorInfo, two_factor_status},
    rule::{SetTwoFactorRequired, two_factor_required},
};
use crate::{
    accounts::use_auth,
    i18n::{t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, error_view, last_error},
};

/// `/sign-in/code`: the code from the authenticator app (or a recovery code).
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let action = use_auth().sign_in_code;
    let error = last_error(action);
    let hint = ViewFn::from(move || t!(i18n, two_factor.code_hint));
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, two_factor.code_title)}</PageTitle>
            <p class="lede">{t!(i18n, two_factor.code_lede)}</p>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <Field name="code" autocomplete="one-time-code" error=error hint autofocus=true>
                    {t!(i18n, two_factor.code)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, two_factor.code_submit)}</button>
            </ActionForm>
            <p class="alt"><A href="/sign-in">{t!(i18n, two_factor.start_over)}</A></p>
        </section>
    }
}

/// The actions of the two-factor page; the status refetches after each.
#[derive(Clone, Copy)]
struct Actions {
    start: ServerAction<StartTwoFactor>,
    confirm: ServerAction<super::api::ConfirmTwoFactor>,
    off: ServerAction<DisableTwoFactor>,
    renew: ServerAction<RenewRecoveryCodes>,
}

/// `/account/two-factor`: set up an authenticator, get recovery codes, turn it off.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let acts = Actions {
        start: ServerAction::new(),
        confirm: use_auth().two_factor_confirm,
        off: ServerAction::new(),
        renew: ServerAction::new(),
    };
    let status = Resource::new(
        move || {
            (
                acts.start.version().get(),
                acts.confirm.version().get(),
                acts.off.version().get(),
                acts.renew.version().get(),
            )
        },
        |_| two_factor_status(),
    );
    view! {
        <section class="card narrow two-factor">
            <PageTitle>{t!(i18n, two_factor.title)}</PageTitle>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <Body s acts /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Body(s: TwoFactorInfo, acts: Actions) -> impl IntoView {
    let i18n = use_i18n();
    if let Some(codes) = s.fresh_codes {
        return view! {
            <h2>{t!(i18n, two_factor.codes_title)}</h2>
            <p>{t!(i18n, two_factor.codes_lede)}</p>
            <ol class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            // A full page load: the top bar and the rest follow the new session.
            <a class="button primary" href=s.home rel="external">{t!(i18n, two_factor.done)}</a>
        }
        .into_any();
    }
    if s.enabled {
        let left = s.recovery_left;
        let renew_error = last_error(acts.renew);
        let off_error = last_error(acts.off);
        return view! {
            <p class="notice" role="status">{t!(i18n, two_factor.on)}</p>
            <p>{t!(i18n, two_factor.recovery_left, count = left)}</p>
            <h2>{t!(i18n, two_factor.renew_title)}</h2>
            <p class="hint">{t!(i18n, two_factor.renew_lede)}</p>
            <ActionForm action=acts.renew attr:novalidate=true>
                <FormError error=renew_error />
                <Field name="password" id="renew_password" kind="password" autocomplete="current-password" error=renew_error>
                    {t!(i18n, account.current_password)}
                </Field>
                <button type="submit" class="button">{t!(i18n, two_factor.renew_submit)}</button>
            </ActionForm>
            <h2>{t!(i18n, two_factor.off_title)}</h2>
            {if s.required {
                view! { <p class="hint">{t!(i18n, two_factor.required_note)}</p> }.into_any()
            } else {
                view! {
                    <p class="hint">{t!(i18n, two_factor.off_lede)}</p>
                    <ActionForm action=acts.off attr:novalidate=true>
                        <FormError error=off_error />
                        <Field name="password" id="off_password" kind="password" autocomplete="current-password" error=off_error>
                            {t!(i18n, account.current_password)}
                        </Field>
                        <button type="submit" class="button">{t!(i18n, two_factor.off_submit)}</button>
                    </ActionForm>
                }.into_any()
            }}
        }
        .into_any();
    }
    let turned_off = matches!(acts.off.value().get_untracked(), Some(Ok(())));
    let intro = view! {
        {turned_off.then(|| view! { <p class="notice" role="status">{t!(i18n, two_factor.turned_off)}</p> })}
        {s.signing_in.then(|| view! { <p class="notice-plain">{t!(i18n, two_factor.required_lede)}</p> })}
        <p>{t!(i18n, two_factor.lede)}</p>
    };
    match s.setup_secret {
        Some(secret) => {
            let error = last_error(acts.confirm);
            view! {
                {intro}
                <p>{t!(i18n, two_factor.scan)}</p>
                <img
                    class="qr"
                    src="/account/two-factor.svg"
                    width="176"
                    height="176"
                    alt=move || t_string!(i18n, two_factor.qr_alt)
                />
                <p>{t!(i18n, two_factor.secret)} ": " <code class="secret">{secret}</code></p>
                <ActionForm action=acts.confirm attr:novalidate=true>
                    <FormError error=error />
                    <Field name="code" autocomplete="one-time-code" error=error>
                        {t!(i18n, two_factor.code)}
                    </Field>
                    <button type="submit" class="button primary">{t!(i18n, two_factor.confirm)}</button>
                </ActionForm>
            }
            .into_any()
        }
        None => {
            let error = last_error(acts.start);
            view! {
                {intro}
                <ActionForm action=acts.start>
                    <FormError error=error include_fields=true />
                    <button type="submit" class="button primary">{t!(i18n, two_factor.start)}</button>
                </ActionForm>
            }
            .into_any()
        }
    }
}

/// The owner's card on the staff page: require a second factor of owners and managers.
#[component]
pub fn TwoFactorRule() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetTwoFactorRequired>::new();
    let required = Resource::new(move || set.version().get(), |_| two_factor_required());
    let error = last_error(set);
    view! {
        <section class="card">
            <h2>{t!(i18n, two_factor.rule_title)}</h2>
            <p class="hint">{t!(i18n, two_factor.rule_lede)}</p>
            <FormError error=error include_fields=true />
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match required.await {
                        Ok(on) => view! {
                            <p><strong>{move || if on { t_string!(i18n, two_factor.rule_on) } else { t_string!(i18n, two_factor.rule_off) }}</strong></p>
                            <ActionForm action=set attr:class="inline">
                                <input type="hidden" name="required" value=(!on).to_string() />
                                <button type="submit" class="button">
                                    {move || if on { t_string!(i18n, two_factor.stop_requiring) } else { t_string!(i18n, two_factor.require) }}
                                </button>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
            <p class="alt"><A href="/account/two-factor">{t!(i18n, two_factor.your_own)}</A></p>
        </section>
    }
}
