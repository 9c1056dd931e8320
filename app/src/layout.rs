//! The frame around every page: the top bar (brand, navigation for who is signed in, language)
//! and the not-found page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    accounts::{SignOutButton, use_auth},
    i18n::{t, use_i18n},
    ui::{LanguageSwitcher, PageTitle},
};

/// The bar at the top of every page.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, nav.skip)}</a>
        <header class="top-bar">
            <crate::brand::BrandMark />
            <nav aria-label=move || crate::i18n::t_string!(i18n, nav.main)>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => view! {
                                {user.role.is_staff().then(|| view! { <A href="/console">{t!(i18n, nav.console)}</A> })}
                                {(!user.role.is_staff()).then(|| view! {
                                    <A href="/me/rewards">{t!(i18n, rewards.nav)}</A>
                                    <A href="/me/history">{t!(i18n, nav.history)}</A>
                                    <A href="/me/data">{t!(i18n, nav.my_data)}</A>
                                })}
                                <A href="/account/password">{t!(i18n, nav.password)}</A>
                                <SignOutButton />
                            }.into_any(),
                            _ => view! {
                                <A href="/sign-in">{t!(i18n, nav.sign_in)}</A>
                                <A href="/join">{t!(i18n, nav.join)}</A>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
            <LanguageSwitcher />
        </header>
    }
}

/// Any unknown path. Answers 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, not_found.title)}</PageTitle>
            <p>{t!(i18n, not_found.body)}</p>
            <A href="/">{t!(i18n, nav.home)}</A>
        </section>
    }
}
