//! `/console/journeys` (the list) and `/console/journeys/:trigger` (managers and owners): a
//! journey's switch and settings, what it brought — entries, messages, clicks, purchases
//! attributed to the message and the control group's purchases beside them — and its
//! messages per language with a preview and a test send.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};

use super::{Journey, RemoveStep, SaveJourney, SaveStep, Trigger, get_journey, journeys};
use crate::{
    campaigns::{MessagesSection, PreviewSection, ResultsView, SaveMessage},
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, SavedNotice, error_view, last_error},
};

/// A trigger's name.
pub fn name(t: Trigger) -> &'static str {
    let i18n = use_i18n();
    match t {
        Trigger::Welcome => t_string!(i18n, journeys.welcome),
        Trigger::PointsExpiring => t_string!(i18n, journeys.points_expiring),
        Trigger::Birthday => t_string!(i18n, journeys.birthday),
        Trigger::TierReached => t_string!(i18n, journeys.tier_reached),
        Trigger::TierAtRisk => t_string!(i18n, journeys.tier_at_risk),
        Trigger::WinBack => t_string!(i18n, journeys.win_back),
        Trigger::CouponIssued => t_string!(i18n, journeys.coupon_issued),
        Trigger::CouponEnding => t_string!(i18n, journeys.coupon_ending),
        Trigger::RewardInReach => t_string!(i18n, journeys.reward_in_reach),
        Trigger::CaseAnswered => t_string!(i18n, journeys.case_answered),
        Trigger::OfferStarting => t_string!(i18n, journeys.offer_starting),
    }
}

fn about(t: Trigger) -> &'static str {
    let i18n = use_i18n();
    match t {
        Trigger::Welcome => t_string!(i18n, journeys.welcome_about),
        Trigger::PointsExpiring => t_string!(i18n, journeys.points_expiring_about),
        Trigger::Birthday => t_string!(i18n, journeys.birthday_about),
        Trigger::TierReached => t_string!(i18n, journeys.tier_reached_about),
        Trigger::TierAtRisk => t_string!(i18n, journeys.tier_at_risk_about),
        Trigger::WinBack => t_string!(i18n, journeys.win_back_about),
        Trigger::CouponIssued => t_string!(i18n, journeys.coupon_issued_about),
        Trigger::CouponEnding => t_string!(i18n, journeys.coupon_ending_about),
        Trigger::RewardInReach => t_string!(i18n, journeys.reward_in_reach_about),
        Trigger::CaseAnswered => t_string!(i18n, journeys.case_answered_about),
        Trigger::OfferStarting => t_string!(i18n, journeys.offer_starting_about),
    }
}

/// The wait field's label and hint for trigger `t`.
fn wait_words(t: Trigger) -> (&'static str, &'static str) {
    let i18n = use_i18n();
    match t {
        Trigger::Welcome => (
            t_string!(i18n, journeys.wait_welcome),
            t_string!(i18n, journeys.wait_welcome_hint),
        ),
        Trigger::PointsExpiring => (
            t_string!(i18n, journeys.wait_points_expiring),
            t_string!(i18n, journeys.wait_points_expiring_hint),
        ),
        Trigger::Birthday => (
            t_string!(i18n, journeys.wait_birthday),
            t_string!(i18n, journeys.wait_birthday_hint),
        ),
        Trigger::TierReached => (
            t_string!(i18n, journeys.wait_tier_reached),
            t_string!(i18n, journeys.wait_tier_reached_hint),
        ),
        Trigger::TierAtRisk => (
            t_string!(i18n, journeys.wait_tier_at_risk),
            t_string!(i18n, journeys.wait_tier_at_risk_hint),
        ),
        Trigger::WinBack => (
            t_string!(i18n, journeys.wait_days),
            t_string!(i18n, journeys.wait_hint),
        ),
        Trigger::CouponIssued => (
            t_string!(i18n, journeys.wait_coupon_issued),
            t_string!(i18n, journeys.wait_coupon_issued_hint),
        ),
        Trigger::CouponEnding => (
            t_string!(i18n, journeys.wait_coupon_ending),
            t_string!(i18n, journeys.wait_coupon_ending_hint),
        ),
        Trigger::RewardInReach => (
            t_string!(i18n, journeys.wait_reward_in_reach),
            t_string!(i18n, journeys.wait_reward_in_reach_hint),
        ),
        Trigger::CaseAnswered => (
            t_string!(i18n, journeys.wait_case_answered),
            t_string!(i18n, journeys.wait_case_answered_hint),
        ),
        Trigger::OfferStarting => (
            t_string!(i18n, journeys.wait_offer_starting),
            t_string!(i18n, journeys.wait_offer_starting_hint),
        ),
    }
}

/// The list of journeys.
#[component]
pub fn JourneysPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| journeys());
    view! {
        <PageTitle>{t!(i18n, journeys.title)}</PageTitle>
        <p class="lede">{t!(i18n, journeys.lede)}</p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(items) => view! { <div class="journey-list">{items.into_iter().map(|(trigger, on, r)| {
                        let l = i18n.get_locale_untracked().as_str();
                        view! {
                            <section class="card">
                                <h2><A href=format!("/console/journeys/{}", trigger.as_str())>{name(trigger)}</A></h2>
                                <p><span class="badge">{if on { t_string!(i18n, journeys.on) } else { t_string!(i18n, journeys.off) }}</span></p>
                                <p class="hint">{about(trigger)}</p>
                                <p>
                                    {t!(i18n, journeys.entered)} ": " {format::number(l, r.entered)} " · "
                                    {t!(i18n, journeys.sent)} ": " {format::number(l, r.sent)} " · "
                                    {t!(i18n, journeys.bought)} ": " {format::number(l, r.bought)}
                                </p>
                            </section>
                        }
                    }).collect_view()}</div> }.into_any(),
                }
            })}
        </Transition>
        <super::rules_card::RulesCard />
    }
}

/// One journey.
#[component]
pub fn JourneyPage() -> impl IntoView {
    let i18n = use_i18n();
    let trigger = use_params_map().with_untracked(|p| p.get("trigger").unwrap_or_default());
    let save = ServerAction::<SaveJourney>::new();
    let message = ServerAction::<SaveMessage>::new();
    let step = ServerAction::<SaveStep>::new();
    let remove = ServerAction::<RemoveStep>::new();
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                message.version().get(),
                step.version().get(),
                remove.version().get(),
            )
        },
        move |_| get_journey(trigger.clone()),
    );
    view! {
        <p><A href="/console/journeys">{t!(i18n, journeys.back)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <PageTitle>{t!(i18n, journeys.title)}</PageTitle><p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(j) => view! { <JourneyView j save message step remove /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn JourneyView(
    j: Journey,
    save: ServerAction<SaveJourney>,
    message: ServerAction<SaveMessage>,
    step: ServerAction<SaveStep>,
    remove: ServerAction<RemoveStep>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(save);
    let s = j.settings;
    let id = j.campaign.id;
    let sms = j.campaign.channel == crate::campaigns::Channel::Sms;
    let (wait_label, wait_hint) = wait_words(j.trigger);
    view! {
        <PageTitle>{name(j.trigger)}</PageTitle>
        <p class="lede">
            <span class="badge">{if s.enabled { t_string!(i18n, journeys.on) } else { t_string!(i18n, journeys.off) }}</span>
            " " {about(j.trigger)}
        </p>
        <section class="card" aria-labelledby="journey-settings">
            <h2 id="journey-settings">{t!(i18n, journeys.settings)}</h2>
            <ActionForm action=save attr:novalidate=true attr:class="stack">
                <FormError error />
                <input type="hidden" name="trigger" value=j.trigger.as_str() />
                <div class="check">
                    <input type="checkbox" id="enabled" name="enabled" value="on" checked=s.enabled />
                    <label for="enabled">{t!(i18n, journeys.enabled)}</label>
                </div>
                <Field name="wait_days" kind="number" error value=s.wait_days.to_string()
                    hint=ViewFn::from(move || wait_hint)>{wait_label}</Field>
                <Field name="reentry_days" kind="number" error value=s.reentry_days.map(|d| d.to_string()).unwrap_or_default()
                    hint=ViewFn::from(move || t_string!(i18n, journeys.reentry_hint))>{t!(i18n, journeys.reentry_days)}</Field>
                <Field name="holdout_pct" kind="number" error value=s.holdout_pct.to_string()
                    hint=ViewFn::from(move || t_string!(i18n, journeys.holdout_hint))>{t!(i18n, journeys.holdout_pct)}</Field>
                <Field name="window_days" kind="number" error value=s.window_days.to_string()
                    hint=ViewFn::from(move || t_string!(i18n, journeys.window_hint))>{t!(i18n, journeys.window_days)}</Field>
                <button type="submit" class="button primary">{t!(i18n, common.save)}</button>
                <SavedNotice action=save>{move || t_string!(i18n, journeys.saved)}</SavedNotice>
            </ActionForm>
        </section>
        <ResultsView r=j.results currency=j.currency window=s.window_days journey=true
            csv=format!("/console/campaigns/{id}/results.csv") />
        <MessagesSection c=j.campaign.clone() message editable=true
            names_offer={j.trigger == Trigger::OfferStarting} />
        <PreviewSection id sms />
        <super::step_page::StepsSection j=j.clone() save=step remove />
    }
}
