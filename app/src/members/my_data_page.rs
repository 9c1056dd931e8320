//! `/me/data`: a member's own data — profile, marketing channels, a download of everything
//! stored about them, closing the account. Plain forms: all of it works without the WASM.

use leptos::{form::ActionForm, prelude::*};

use super::{
    my_data::{CloseMyAccount, SetMyChannels, UpdateMyProfile, my_profile},
    profile::ProfileHead,
};
use crate::{
    accounts::check_name,
    i18n::{LocaleExt as _, t, use_i18n},
    ui::{
        Field, FormError, LanguageField, Loading, PageTitle, SavedNotice, TextAreaField, last_error,
    },
};

/// `/me/data`.
#[component]
pub fn MyDataPage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <section class="my-data">
            <PageTitle>{t!(i18n, my_data.title)}</PageTitle>
            <p class="lede">{t!(i18n, my_data.lede)}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    profile.await.map(|p| view! {
                        <ProfileForm profile=p.clone() />
                        <ChannelsForm profile=p />
                        <Download />
                        <CloseAccount />
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProfileForm(profile: ProfileHead) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<UpdateMyProfile>::new();
    let error = last_error(action);
    let phone_hint = ViewFn::from(move || t!(i18n, account.phone_hint));
    let zone_hint = ViewFn::from(move || t!(i18n, my_data.time_zone_hint));
    let address_hint = ViewFn::from(move || t!(i18n, my_data.postal_address_hint));
    let lang = profile.language.as_str();
    view! {
        <section class="card">
            <h2>{t!(i18n, my_data.profile_title)}</h2>
            <p>{t!(i18n, account.email)} ": " <strong>{profile.email}</strong></p>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <Field name="preferred_name" autocomplete="given-name" error=error check=check_name value=profile.name>
                    {t!(i18n, account.preferred_name)}
                </Field>
                <Field name="phone" kind="tel" autocomplete="tel" error=error hint=phone_hint value=profile.phone.unwrap_or_default()>
                    {t!(i18n, account.phone)}
                </Field>
                <Field name="birthday" kind="date" autocomplete="bday" error=error value=profile.birthday.unwrap_or_default()>
                    {t!(i18n, members.birthday)}
                </Field>
                <LanguageField selected=lang />
                <Field name="time_zone" error=error hint=zone_hint value=profile.time_zone.unwrap_or_default()>
                    {t!(i18n, my_data.time_zone)}
                </Field>
                <TextAreaField name="postal_address" id="postal-address" rows=4 error=error hint=address_hint
                    value=profile.postal_address.unwrap_or_default()>
                    {t!(i18n, my_data.postal_address)}
                </TextAreaField>
                <button type="submit" class="button primary">{t!(i18n, my_data.save)}</button>
                <SavedNotice action=action>{move || t!(i18n, my_data.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChannelsForm(profile: ProfileHead) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetMyChannels>::new();
    let error = last_error(action);
    view! {
        <section class="card">
            <h2>{t!(i18n, my_data.channels_title)}</h2>
            <ActionForm action=action>
                <FormError error=error />
                <input type="hidden" name="channels" value=super::my_data::CHANNELS />
                <fieldset class="consents">
                    <legend>{t!(i18n, account.consents_legend)}</legend>
                    <label class="check">
                        <input type="checkbox" name="email_marketing" value="on" checked=profile.email_marketing />
                        {t!(i18n, account.consent_email)}
                    </label>
                    <label class="check">
                        <input type="checkbox" name="sms_marketing" value="on" checked=profile.sms_marketing />
                        {t!(i18n, account.consent_sms)}
                    </label>
                    <p class="hint">{t!(i18n, my_data.channels_hint)}</p>
                </fieldset>
                <button type="submit" class="button primary">{t!(i18n, my_data.save_channels)}</button>
                <SavedNotice action=action>{move || t!(i18n, my_data.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
}

#[component]
fn Download() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, my_data.download_title)}</h2>
            <p>{t!(i18n, my_data.download_lede)}</p>
            // A plain link: the browser saves the file the server names.
            <a class="button" href="/api/me/data.json" download="" rel="external">
                {t!(i18n, my_data.download)}
            </a>
        </section>
    }
}

#[component]
fn CloseAccount() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CloseMyAccount>::new();
    let error = last_error(action);
    view! {
        <section class="card danger-zone">
            <h2>{t!(i18n, my_data.close_title)}</h2>
            <p>{t!(i18n, my_data.close_lede)}</p>
            <ActionForm action=action attr:novalidate=true>
                <FormError error=error />
                <Field name="password" id="close-password" kind="password" autocomplete="current-password" error=error>
                    {t!(i18n, my_data.close_password)}
                </Field>
                <button type="submit" class="button danger">{t!(i18n, my_data.close_submit)}</button>
            </ActionForm>
        </section>
    }
}
