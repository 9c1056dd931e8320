//! The home page: a landing page for visitors, a personal greeting for members, and a way on
//! to the console for staff.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    accounts::{CurrentUser, Role, use_auth},
    i18n::{
        LocaleExt as _,
        format::{self, Plural, plural},
        t, use_i18n,
    },
    loyalty::{
        BalanceCard, MovementTable, StandingCard, components::MemberCardView, member_points,
    },
    rewards::types::{CodeStatus, RewardCode},
    ui::{Loading, PageTitle},
};

/// `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    // Read, not awaited in a `Suspense`: see `Auth::account`.
    move || match auth.account.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Some(user)) if user.role == Role::Member => view! { <MemberHome user /> }.into_any(),
        Some(Some(user)) => view! { <StaffHome user /> }.into_any(),
        Some(None) => view! { <Landing /> }.into_any(),
    }
}

#[component]
fn MemberHome(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let name = user.name;
    let points = Resource::new(|| (), |_| member_points(None));
    let codes = Resource::new(|| (), |_| crate::rewards::api::my_rewards());
    view! {
        <section class="member-home">
            <PageTitle>{t!(i18n, home.greeting, name = move || name.clone())}</PageTitle>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    let to_use = codes.await.map_or(0, |c| codes_to_use(&c));
                    points.await.ok().map(|summary| view! {
                        <CodesToUse count=to_use />
                        <div class="member-grid">
                            <div class="card">
                                <BalanceCard balance=summary.balance />
                                <StandingCard summary=summary.clone() />
                            </div>
                            <MemberCardView number=summary.member_number.clone() />
                        </div>
                        <section class="card">
                            <h2>{t!(i18n, points.activity)}</h2>
                            <MovementTable movements=summary.recent />
                            <p><A href="/me/history">{t!(i18n, points.all_history)}</A></p>
                            <p><A href="/me/rewards">{t!(i18n, rewards.see_all)}</A></p>
                            <p><A href="/me/feedback">{t!(i18n, feedback.home_link)}</A></p>
                        </section>
                        <crate::feedback::pages::VisitInvite />
                        <crate::perks::pages::MemberPerksView />
                    })
                })}
            </Transition>
        </section>
    }
}

/// How many of `codes` the member can still use.
fn codes_to_use(codes: &[RewardCode]) -> i64 {
    let n = codes
        .iter()
        .filter(|c| c.status == CodeStatus::Active)
        .count();
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// "You have 2 reward codes to use", linking to them; nothing when there are none.
#[component]
fn CodesToUse(count: i64) -> impl IntoView {
    let i18n = use_i18n();
    (count > 0).then(|| {
        let text = move || {
            let locale = i18n.get_locale().as_str();
            let n = format::number(locale, count);
            let shown = move || n.clone();
            match plural(locale, count) {
                Plural::One => t!(i18n, rewards.waiting_sg, count = shown).into_any(),
                Plural::Zero => t!(i18n, rewards.waiting_pl0, count = shown).into_any(),
                Plural::Other => t!(i18n, rewards.waiting_pl, count = shown).into_any(),
            }
        };
        view! {
            <p class="notice codes-to-use">
                <A href="/me/rewards">{text}</A>
            </p>
        }
    })
}

#[component]
fn StaffHome(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let name = user.name;
    view! {
        <section class="card narrow">
            <PageTitle>{t!(i18n, home.greeting, name = move || name.clone())}</PageTitle>
            <p>{t!(i18n, home.staff_hint)}</p>
            <A href="/console" attr:class="button primary">{t!(i18n, nav.console)}</A>
        </section>
    }
}

#[component]
fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    // After closing an account (`/?closed=1`).
    let closed =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("closed").is_some());
    view! {
        <section class="landing">
            {closed.then(|| view! { <p class="notice" role="status">{t!(i18n, my_data.closed)}</p> })}
            <PageTitle>{t!(i18n, home.landing_title)}</PageTitle>
            <p class="lede">{t!(i18n, home.landing_lede)}</p>
            <div class="actions">
                <A href="/join" attr:class="button primary">{t!(i18n, nav.join)}</A>
                <A href="/sign-in" attr:class="button">{t!(i18n, nav.sign_in)}</A>
            </div>
        </section>
    }
}
