//! The brand in the top bar of every page, and Console → Settings where it is set.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::{Stylesheet, Title};
use leptos_router::{components::A, hooks::use_query_map};

use super::{Brand, DEFAULT_COLOUR, SaveBrand, shop_brand};
use crate::{
    accounts::{Role, use_auth},
    error::AppError,
    i18n::{t, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, SavedNotice, error_view, last_error},
};

/// The shop's logo and name, linking home; its colour's stylesheet when it has its own.
#[component]
pub fn BrandMark() -> impl IntoView {
    let brand = Resource::new(|| (), |_| shop_brand());
    view! {
        <Transition fallback=|| view! { <A href="/" attr:class="brand">{super::PRODUCT}</A> }>
            {move || Suspend::new(async move {
                let b = brand.await.unwrap_or_else(|_| Brand {
                    name: String::new(),
                    colour: DEFAULT_COLOUR.to_owned(),
                    has_logo: false,
                    version: String::new(),
                });
                let css = (b.colour != DEFAULT_COLOUR).then(|| view! { <Stylesheet href=b.css_url() /> });
                let logo = b.logo_url().map(|src| view! { <img src=src alt="" class="brand-logo" /> });
                let name = b.shown_name().to_owned();
                view! {
                    {css}
                    <Title text=name.clone() />
                    <A href="/" attr:class="brand">{logo}<span>{name}</span></A>
                }
            })}
        </Transition>
    }
}

/// `/console/settings`: the shop's name, colour and logo, and the analytics' settings.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveBrand>::new();
    let error = last_error(action);
    let brand = Resource::new(move || action.version().get(), |_| shop_brand());
    // The logo form posts plainly and comes back with how it went.
    let logo_note = use_query_map().with_untracked(|q| q.get("logo"));
    view! {
        <section class="settings">
            <PageTitle>{t!(i18n, settings.title)}</PageTitle>
            <p class="lede">{t!(i18n, settings.lede)}</p>
            <Transition fallback=Loading>
                {move || {
                let logo_note = logo_note.clone();
                Suspend::new(async move {
                    // Owners and managers; counter staff are told so.
                    let allowed = use_auth().user.await.ok().flatten().is_some_and(|u| u.role.at_least(Role::Manager));
                    if !allowed {
                        return Ok(view! { <p class="form-error" role="alert">{error_view(&AppError::Forbidden, true)}</p> }.into_any());
                    }
                    brand.await.map(|b| {
                        let logo = b.logo_url();
                        view! {
                            <section class="card">
                                <h2>{t!(i18n, settings.brand_title)}</h2>
                                <ActionForm action=action attr:novalidate=true>
                                    <FormError error=error />
                                    <Field name="name" error=error value=b.name.clone()
                                        hint=ViewFn::from(move || t!(i18n, settings.name_hint))>
                                        {t!(i18n, settings.name)}
                                    </Field>
                                    <Field name="colour" kind="color" error=error value=b.colour.clone()
                                        hint=ViewFn::from(move || t!(i18n, settings.colour_hint))>
                                        {t!(i18n, settings.colour)}
                                    </Field>
                                    <button type="submit" class="button primary">{t!(i18n, settings.save)}</button>
                                    <SavedNotice action=action>{move || t!(i18n, settings.saved)}</SavedNotice>
                                </ActionForm>
                            </section>
                            <section class="card">
                                <h2>{t!(i18n, settings.logo_title)}</h2>
                                {logo_note.clone().map(|n| view! { <LogoNote note=n /> })}
                                {logo.clone().map(|src| view! {
                                    <p class="logo-preview"><img src=src alt=move || crate::i18n::t_string!(i18n, settings.logo_current) /></p>
                                })}
                                <form method="post" action="/console/settings/logo" enctype="multipart/form-data">
                                    <div class="field">
                                        <label for="logo">{t!(i18n, settings.logo)}</label>
                                        <span class="hint" id="logo-hint">{t!(i18n, settings.logo_hint)}</span>
                                        <input id="logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" aria-describedby="logo-hint" required />
                                    </div>
                                    <button type="submit" class="button primary">{t!(i18n, settings.logo_upload)}</button>
                                </form>
                                {logo.map(|_| view! {
                                    <form method="post" action="/console/settings/logo/remove" class="inline">
                                        <button type="submit" class="button link">{t!(i18n, settings.logo_remove)}</button>
                                    </form>
                                })}
                            </section>
                            <section class="card" aria-labelledby="posters">
                                <h2 id="posters">{t!(i18n, social.posters_title)}</h2>
                                <p>{t!(i18n, social.posters_text)}</p>
                                <p><A href="/print/join">{t!(i18n, social.print_link)}</A></p>
                            </section>
                            <crate::analytics::settings::AnalyticsSettingsCard />
                        }.into_any()
                    })
                })}}
            </Transition>
        </section>
    }
}

/// How the last logo upload went (`?logo=saved|removed|type|size`).
#[component]
fn LogoNote(note: String) -> impl IntoView {
    let i18n = use_i18n();
    match note.as_str() {
        "saved" => {
            view! { <p class="notice" role="status">{t!(i18n, settings.logo_saved)}</p> }.into_any()
        }
        "removed" => {
            view! { <p class="notice" role="status">{t!(i18n, settings.logo_removed)}</p> }
                .into_any()
        }
        "size" => {
            view! { <p class="form-error" role="alert">{t!(i18n, settings.logo_too_big)}</p> }
                .into_any()
        }
        _ => view! { <p class="form-error" role="alert">{t!(i18n, settings.logo_wrong_type)}</p> }
            .into_any(),
    }
}
