//! Console frame and overview. The frame renders only for staff; members see a refusal (and
//! the server answers 403), visitors a sign-in prompt. The data behind each section is
//! guarded again by its server functions.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Outlet},
    hooks::use_location,
};

use crate::{
    accounts::{CurrentUser, Role, use_auth},
    i18n::{t, t_string, use_i18n},
    ui::{Loading, PageTitle},
};

/// The console's sections, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Find a member, record purchases, redeem codes.
    Counter,
    /// Customer profiles: search, tags, notes.
    Members,
    /// Earning rules, tiers, rewards.
    Programs,
    /// Members-only offers, punch cards, next-visit discounts, referrals.
    Offers,
    /// Feedback inbox and service cases.
    Feedback,
    /// Segments and campaigns.
    Campaigns,
    /// Messages that go out by themselves.
    Journeys,
    /// Contests members enter and their draws.
    Contests,
    /// Retention analytics.
    Analytics,
    /// Staff accounts (owners).
    Staff,
    /// API keys for the shop's other systems (owners).
    Integrations,
    /// Who changed what (owners and managers).
    Audit,
    /// The shop's name, logo and colour (owners and managers).
    Settings,
}

impl Section {
    const ALL: [Section; 13] = [
        Section::Counter,
        Section::Members,
        Section::Programs,
        Section::Offers,
        Section::Feedback,
        Section::Campaigns,
        Section::Journeys,
        Section::Contests,
        Section::Analytics,
        Section::Staff,
        Section::Integrations,
        Section::Audit,
        Section::Settings,
    ];

    fn href(self) -> &'static str {
        match self {
            Section::Counter => "/console/counter",
            Section::Members => "/console/members",
            Section::Programs => "/console/programs",
            Section::Offers => "/console/offers",
            Section::Feedback => "/console/feedback",
            Section::Campaigns => "/console/campaigns",
            Section::Journeys => "/console/journeys",
            Section::Contests => "/console/contests",
            Section::Analytics => "/console/analytics",
            Section::Staff => "/console/staff",
            Section::Integrations => "/console/integrations",
            Section::Audit => "/console/audit",
            Section::Settings => "/console/settings",
        }
    }

    fn visible_to(self, role: Role) -> bool {
        match self {
            Section::Staff | Section::Integrations => role == Role::Owner,
            Section::Programs
            | Section::Offers
            | Section::Campaigns
            | Section::Journeys
            | Section::Contests
            | Section::Analytics
            | Section::Audit
            | Section::Settings => role.at_least(Role::Manager),
            Section::Counter | Section::Members | Section::Feedback => role.is_staff(),
        }
    }

    fn label(self) -> &'static str {
        let i18n = use_i18n();
        match self {
            Section::Counter => t_string!(i18n, console.nav_counter),
            Section::Members => t_string!(i18n, console.nav_members),
            Section::Programs => t_string!(i18n, console.nav_programs),
            Section::Offers => t_string!(i18n, console.nav_offers),
            Section::Feedback => t_string!(i18n, console.nav_feedback),
            Section::Campaigns => t_string!(i18n, console.nav_campaigns),
            Section::Journeys => t_string!(i18n, console.nav_journeys),
            Section::Contests => t_string!(i18n, console.nav_contests),
            Section::Analytics => t_string!(i18n, console.nav_analytics),
            Section::Staff => t_string!(i18n, console.nav_staff),
            Section::Integrations => t_string!(i18n, console.nav_integrations),
            Section::Audit => t_string!(i18n, console.nav_audit),
            Section::Settings => t_string!(i18n, console.nav_settings),
        }
    }
}

/// `/console/*`: the gate and frame.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let auth = use_auth();
    // No `Suspense` here: a page built inside one is built again on the server when it
    // resolves, and the browser would hydrate the first build's resources.
    move || match auth.account.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Some(user)) if user.role.is_staff() => view! { <ConsoleFrame user /> }.into_any(),
        Some(Some(_)) => view! { <Refused /> }.into_any(),
        Some(None) => view! { <SignInFirst /> }.into_any(),
    }
}

/// The section a console path belongs to (`None`: the overview).
fn current_section(path: &str) -> Option<Section> {
    Section::ALL
        .into_iter()
        .find(|s| path == s.href() || path.starts_with(&format!("{}/", s.href())))
}

/// The frame: the sections, and the page. On a phone the sections fold into a "Menu"
/// disclosure (a `<details>`, so it opens without scripts too) that names the open section;
/// from 50rem on they stand in a column beside the page.
#[component]
fn ConsoleFrame(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = user.role;
    let path = use_location().pathname;
    let here = move || {
        path.with(|p| current_section(p))
            .map_or_else(|| t_string!(i18n, console.nav_overview), |s| s.label())
    };
    view! {
        <div class="console">
            <nav class="side-nav" aria-label=move || t_string!(i18n, console.title)>
                // Closed again after each move to another page.
                <details class="console-menu" prop:open=move || { path.track(); false }>
                    <summary>
                        <span>{t!(i18n, console.menu)}</span>
                        <span class="here" aria-hidden="true">{here}</span>
                    </summary>
                    <div class="nav-links">
                        <A href="/console" exact=true>{t!(i18n, console.nav_overview)}</A>
                        {Section::ALL
                            .into_iter()
                            .filter(move |s| s.visible_to(role))
                            .map(|s| view! { <A href=s.href()>{move || s.label()}</A> })
                            .collect_view()}
                    </div>
                </details>
            </nav>
            <div class="console-main">
                <Outlet />
            </div>
        </div>
    }
}

#[component]
fn Refused() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, console.forbidden_title)}</PageTitle>
            <p>{t!(i18n, console.forbidden_body)}</p>
            <A href="/">{t!(i18n, nav.home)}</A>
        </section>
    }
}

#[component]
fn SignInFirst() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, console.title)}</PageTitle>
            <p>{t!(i18n, console.sign_in_needed)}</p>
            <A href="/sign-in" attr:class="button primary">{t!(i18n, nav.sign_in)}</A>
        </section>
    }
}

/// `/console`: overview with the sections this role may open.
#[component]
pub fn ConsoleHome() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let user = move || auth.current();
    view! {
        <PageTitle>{t!(i18n, console.title)}</PageTitle>
        {move || {
            user()
                .map(|u| {
                    let name = u.name.clone();
                    view! {
                        <p class="lede">{t!(i18n, console.welcome, name = move || name.clone())}</p>
                        {u.role.at_least(Role::Manager).then(|| view! { <super::today_view::TodayCard /> })}
                        <ul class="tiles">
                            {Section::ALL
                                .into_iter()
                                .filter(|s| s.visible_to(u.role))
                                .map(|s| view! { <li><A href=s.href() attr:class="tile">{move || s.label()}</A></li> })
                                .collect_view()}
                        </ul>
                    }
                })
        }}
    }
}

/// A section whose features arrive with a later issue.
#[component]
pub fn ComingSoon(section: Section) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle>{move || section.label()}</PageTitle>
        <div class="card">
            <p>{t!(i18n, console.coming_soon)}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_belongs_to_its_section_and_the_overview_to_none() {
        assert_eq!(
            current_section("/console/feedback/12"),
            Some(Section::Feedback)
        );
        assert_eq!(
            current_section("/console/programs"),
            Some(Section::Programs)
        );
        assert_eq!(current_section("/console"), None);
        assert_eq!(current_section("/console/offersx"), None);
    }
}
