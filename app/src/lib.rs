//! Regulars: the Leptos app. This file holds the HTML shell, the root component and the route
//! table; everything else lives in its domain folder (one per domain: types, server functions,
//! queries, engine and pages; the README's Architecture section describes them).

pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod brand;
pub mod campaigns;
#[cfg(feature = "ssr")]
pub mod checkout;
pub mod console;
pub mod contests;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
pub mod feedback;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod idempotency;
pub mod integrations;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod journeys;
pub mod layout;
pub mod loyalty;
pub mod members;
#[cfg(feature = "ssr")]
pub mod outbox;
pub mod perks;
#[cfg(feature = "ssr")]
pub mod proxies;
pub mod rewards;
#[cfg(feature = "ssr")]
pub mod server;
pub mod social;
pub mod staff;
pub mod texts;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::{
    accounts::{
        ChangePasswordPage, SignInCodePage, SignInPage, SignUpPage, SignUpSentPage, TwoFactorPage,
        provide_auth,
    },
    console::{ConsoleHome, ConsoleLayout},
    feedback::{
        inbox::{CasePage, InboxPage},
        pages::{MemberFeedbackPage, PublicFeedbackPage},
        quality_page::QualityPage,
        setup_page::FeedbackSetupPage,
    },
    i18n::{I18nContextProvider, LANG_COOKIE},
    layout::{NotFound, TopBar},
    loyalty::{CounterPage, PointsHistoryPage, ProgramPage},
    members::HomePage,
    perks::OffersPage,
    rewards::RewardsPage,
    staff::StaffPage,
};

/// The HTML document around the app, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::page_security_headers();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                {if loads_wasm() {
                    view! { <HydrationScripts options /> }.into_any()
                } else {
                    view! { <script src="/plain.js" defer></script> }.into_any()
                }}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether this page loads the WASM bundle. A member's own pages (`/`, `/me/…`) and the public
/// feedback form (`/feedback/…`, opened from a receipt's QR code) and the print sheets
/// (`/print/…`) are served as plain HTML:
/// every form on them works without it, and a phone on a shop's weak signal
/// should not download the whole console's module to check a balance (1.5 MB brotli, where
/// the page itself is ≈ 20 KB). Staff pages and the sign-in and sign-up forms hydrate. A plain
/// page gets `/plain.js` instead: a few lines that switch the language on choosing it.
fn loads_wasm() -> bool {
    #[cfg(feature = "ssr")]
    {
        server::request_path().is_none_or(|p| hydrates(&p))
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// Whether the page at `path` hydrates (see `loads_wasm`).
pub fn hydrates(path: &str) -> bool {
    !(path == "/"
        || path == "/me"
        || path.starts_with("/me/")
        || path.starts_with("/feedback/")
        || path.starts_with("/print/"))
}

/// The root component: language, auth and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Regulars" />
        <I18nContextProvider cookie_name=LANG_COOKIE>
            <AppRoutes />
        </I18nContextProvider>
    }
}

/// Every route renders completely on the server (`SsrMode::Async`): pages must work before
/// and without the WASM, and streamed Suspense chunks need a script to be swapped in. The
/// data behind our pages is a few local SQLite reads, so waiting for it costs little.
#[component]
fn AppRoutes() -> impl IntoView {
    provide_auth();
    // Marks <main> once the WASM has taken over (effects run only in the browser), so tests
    // and scripts can tell a hydrated page from a server-rendered one.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Router>
            <TopBar />
            <main id="main" tabindex="-1" data-hydrated=move || hydrated.get().then_some("true")>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/join") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("/join/sent") view=SignUpSentPage />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in/code") view=SignInCodePage ssr=SsrMode::Async />
                    <Route path=path!("/account/password") view=ChangePasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/account/two-factor") view=TwoFactorPage ssr=SsrMode::Async />
                    <Route path=path!("/me/history") view=PointsHistoryPage ssr=SsrMode::Async />
                    <Route path=path!("/me/rewards") view=RewardsPage ssr=SsrMode::Async />
                    <Route path=path!("/me/data") view=crate::members::MyDataPage ssr=SsrMode::Async />
                    <Route path=path!("/me/feedback") view=MemberFeedbackPage ssr=SsrMode::Async />
                    <Route path=path!("/u/:token") view=crate::campaigns::PreferencesPage ssr=SsrMode::Async />
                    <Route path=path!("/confirm/:token") view=crate::campaigns::ConfirmEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/feedback/:slug") view=PublicFeedbackPage ssr=SsrMode::Async />
                    <Route path=path!("/print/join") view=crate::social::PrintPage ssr=SsrMode::Async />
                    <Route path=path!("/print/feedback/:slug") view=crate::social::PrintPage ssr=SsrMode::Async />
                    <Route path=path!("/print/contest/:slug") view=crate::social::PrintPage ssr=SsrMode::Async />
                    <Route path=path!("/contests/:slug") view=crate::contests::ContestPublicPage ssr=SsrMode::Async />
                    <Route path=path!("/offers/:id") view=crate::perks::OfferPublicPage ssr=SsrMode::Async />
                    <Route path=path!("/print/offer/:slug") view=crate::social::PrintPage ssr=SsrMode::Async />
                    <Route path=path!("/print/letters/:id") view=crate::campaigns::LettersPage ssr=SsrMode::Async />
                    <Route path=path!("/print/campaign/:slug") view=crate::social::PrintPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("/console") view=ConsoleLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=ConsoleHome ssr=SsrMode::Async />
                        <Route path=path!("counter") view=CounterPage ssr=SsrMode::Async />
                        <Route path=path!("members") view=crate::members::MembersPage ssr=SsrMode::Async />
                        <Route path=path!("members/:id") view=crate::members::MemberProfilePage ssr=SsrMode::Async />
                        <Route path=path!("programs") view=ProgramPage ssr=SsrMode::Async />
                        <Route path=path!("programs/texts") view=crate::texts::TextsPage ssr=SsrMode::Async />
                        <Route path=path!("offers") view=OffersPage ssr=SsrMode::Async />
                        <Route path=path!("feedback") view=InboxPage ssr=SsrMode::Async />
                        <Route path=path!("feedback/setup") view=FeedbackSetupPage ssr=SsrMode::Async />
                        <Route path=path!("feedback/quality") view=QualityPage ssr=SsrMode::Async />
                        <Route path=path!("feedback/:id") view=CasePage ssr=SsrMode::Async />
                        <Route path=path!("campaigns") view=crate::campaigns::CampaignsPage ssr=SsrMode::Async />
                        <Route path=path!("campaigns/:id") view=crate::campaigns::CampaignPage ssr=SsrMode::Async />
                        <Route path=path!("segments") view=crate::campaigns::SegmentsPage ssr=SsrMode::Async />
                        <Route path=path!("journeys") view=crate::journeys::JourneysPage ssr=SsrMode::Async />
                        <Route path=path!("journeys/:trigger") view=crate::journeys::JourneyPage ssr=SsrMode::Async />
                        <Route path=path!("journeys/:trigger/steps/:position") view=crate::journeys::StepPage ssr=SsrMode::Async />
                        <Route path=path!("contests") view=crate::contests::ContestsPage ssr=SsrMode::Async />
                        <Route path=path!("analytics") view=crate::analytics::GlancePage ssr=SsrMode::Async />
                        <Route path=path!("analytics/cohorts") view=crate::analytics::CohortsPage ssr=SsrMode::Async />
                        <Route path=path!("analytics/rfm") view=crate::analytics::RfmPage ssr=SsrMode::Async />
                        <Route path=path!("analytics/points") view=crate::analytics::PointsPage ssr=SsrMode::Async />
                        <Route path=path!("analytics/program") view=crate::analytics::ProgramEffectPage ssr=SsrMode::Async />
                        <Route path=path!("analytics/service") view=crate::analytics::ServicePage ssr=SsrMode::Async />
                        <Route path=path!("staff") view=StaffPage ssr=SsrMode::Async />
                        <Route path=path!("integrations") view=crate::integrations::ApiKeysPage ssr=SsrMode::Async />
                        <Route path=path!("integrations/import") view=crate::integrations::import::ImportPage ssr=SsrMode::Async />
                        <Route path=path!("integrations/import/:id") view=crate::integrations::import::ImportRunPage ssr=SsrMode::Async />
                        <Route path=path!("integrations/partners") view=crate::integrations::partners::PartnersPage ssr=SsrMode::Async />
                        <Route path=path!("settings") view=crate::brand::SettingsPage ssr=SsrMode::Async />
                        <Route path=path!("audit") view=crate::audit::AuditLogPage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_members_own_pages_are_plain_html_and_the_rest_hydrates() {
        for plain in [
            "/",
            "/me",
            "/me/rewards",
            "/me/history",
            "/me/data",
            "/me/feedback",
        ] {
            assert!(!super::hydrates(plain), "{plain}");
        }
        for app in [
            "/console",
            "/console/counter",
            "/sign-in",
            "/join",
            "/account/password",
            "/meet",
            "/u/x",
        ] {
            assert!(super::hydrates(app), "{app}");
        }
    }
}
