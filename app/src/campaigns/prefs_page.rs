//! The pages a message's links open, without signing in (the token in the address is the
//! key): `/u/:token` to change which offers a member gets (the "unsubscribe" link; the same
//! address answers a one-click `POST`, see the server), and `/confirm/:token` to confirm an
//! address (a button, so link scanners confirm nothing). Both render in the member's language:
//! the server sets the language cookie from the token before rendering.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_params_map;

use super::{ConfirmEmail, SavePreferences, get_preferences};
use crate::{
    i18n::{t, use_i18n},
    ui::{FormError, Loading, PageTitle, error_view, last_error},
};

fn token() -> String {
    use_params_map().with_untracked(|p| p.get("token").unwrap_or_default())
}

/// `/u/:token`.
#[component]
pub fn PreferencesPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = token();
    let save = ServerAction::<SavePreferences>::new();
    let error = last_error(save);
    let prefs = Resource::new(|| (), {
        let token = token.clone();
        move |_| get_preferences(token.clone())
    });
    view! {
        <Transition fallback=Loading>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match prefs.await {
                        Err(e) => view! {
                            <PageTitle>{t!(i18n, campaigns.prefs_title)}</PageTitle>
                            <p class="form-error" role="alert">{error_view(&e, true)}</p>
                        }.into_any(),
                        Ok(p) => {
                            let shown = move || save.value().get().and_then(Result::ok);
                            let email = p.email;
                            let sms = p.sms;
                            view! {
                                <PageTitle>{t!(i18n, campaigns.prefs_title)}</PageTitle>
                                <p class="lede">{t!(i18n, campaigns.prefs_lede)} " " <strong>{p.email_hint.clone()}</strong></p>
                                <section class="card">
                                    <ActionForm action=save attr:class="stack">
                                        <FormError error />
                                        <input type="hidden" name="token" value=token />
                                        <input type="hidden" name="channels" value="email,sms" />
                                        <label class="check"><input type="checkbox" name="email" value="on" checked=email />" " {t!(i18n, members.email_marketing)}</label>
                                        <label class="check"><input type="checkbox" name="sms" value="on" checked=sms disabled=!p.has_phone />" " {t!(i18n, members.sms_marketing)}</label>
                                        <button type="submit" class="button primary">{t!(i18n, common.save)}</button>
                                        {move || shown().map(|now| view! {
                                            <p class="notice" role="status">
                                                {if now.email || now.sms { t!(i18n, campaigns.prefs_saved).into_any() } else { t!(i18n, campaigns.prefs_none).into_any() }}
                                            </p>
                                        })}
                                    </ActionForm>
                                </section>
                            }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// `/confirm/:token`.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmEmail>::new();
    let error = last_error(confirm);
    view! {
        <PageTitle>{t!(i18n, campaigns.confirm_title)}</PageTitle>
        <section class="card">
            <ActionForm action=confirm attr:class="stack">
                <FormError error />
                <input type="hidden" name="token" value=token() />
                <p>{t!(i18n, campaigns.confirm_lede)}</p>
                <button type="submit" class="button primary">{t!(i18n, campaigns.confirm_button)}</button>
                {move || matches!(confirm.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="notice" role="status">{t!(i18n, campaigns.confirmed)}</p>
                })}
            </ActionForm>
        </section>
    }
}
