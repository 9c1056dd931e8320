//! `/console/counter`, built for a busy till: one location choice (remembered per staff
//! account), the search box focused on arrival, the amount focused once a member is found,
//! and after a purchase the member cleared and the search focused for the next customer.
//! Search by email, phone (however typed), member number (with or without its leading
//! zeros, typed or scanned), or part of a name or email, with a short list when several
//! match. Every form is a plain form too: without the WASM a purchase comes back to the same
//! member with its confirmation.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    NavigateOptions,
    components::{A, Form},
    hooks::{use_navigate, use_query_map},
};

use super::{
    api::{
        AdjustPoints, CounterData, PlaceChoice, RecordPurchase, RedeemPoints, RefundPurchase,
        SetCounterPlace, counter_panel, counter_place,
    },
    components::{BalanceCard, MovementTable, StandingCard},
    counter_parts::{CounterForms, PurchaseList, PurchaseOutcome, focus},
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    members::MemberCard,
    rewards::UseCodeForm,
    ui::{FormError, Loading, PageTitle, error_view, last_error},
};

/// The counter's changes, made at page level so the panel's resource can follow them and a
/// purchase's confirmation outlives the member it was for.
#[derive(Clone, Copy)]
pub(super) struct CounterActions {
    pub redeem: ServerAction<RedeemPoints>,
    pub adjust: ServerAction<AdjustPoints>,
    pub purchase: ServerAction<RecordPurchase>,
    pub refund: ServerAction<RefundPurchase>,
}

/// The counter. One resource loads the found member's whole panel (refetched after every
/// change), so hydration never meets a resource the server created but the browser did not.
#[component]
pub fn CounterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let done = move || query.with(|m| m.get("done").and_then(|d| d.parse::<i64>().ok()));
    let actions = CounterActions {
        redeem: ServerAction::new(),
        adjust: ServerAction::new(),
        purchase: ServerAction::new(),
        refund: ServerAction::new(),
    };
    let set_place = ServerAction::<SetCounterPlace>::new();
    let source = move || {
        (
            q(),
            done(),
            actions.redeem.version().get(),
            actions.adjust.version().get(),
            actions.purchase.version().get(),
            actions.refund.version().get(),
        )
    };
    let place = Resource::new(move || set_place.version().get(), |_| counter_place());
    let found = Resource::new(source, |(q, done, ..)| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            counter_panel(q, done).await.map(Some)
        }
    });
    // A purchase recorded: that customer is served. Clear them and get ready for the next.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(actions.purchase.value().get(), Some(Ok(_))) {
            navigate("/console/counter", NavigateOptions::default());
            focus("q");
        }
    });
    let empty = move || q().trim().is_empty();
    view! {
        <PageTitle>{t!(i18n, console.nav_counter)}</PageTitle>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                place.await.ok().map(|p| view! { <PlaceForm place=p action=set_place /> })
            })}
        </Transition>
        <PurchaseOutcome purchase=actions.purchase refund=actions.refund />
        <section class="card">
            <Form method="GET" action="" attr:class="search">
                <div class="field">
                    <label for="q">{t!(i18n, counter.find_label)}</label>
                    <input id="q" name="q" type="search" autocomplete="off" prop:value=q autofocus=empty />
                </div>
                <button type="submit" class="button primary">{t!(i18n, counter.find_submit)}</button>
                <ScanButton target="q" />
            </Form>
        </section>
        // Camera scanning (member cards and reward codes); buttons show where it can work.
        <script type="module" src="/scan.js"></script>
        <UseCodeForm />
        {move || empty().then(|| view! { <super::guest_parts::GuestCard /> })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(found)) => match found.panel {
                        Some(panel) => view! { <MemberPanel panel actions /> }.into_any(),
                        None if found.matches.is_empty() => view! {
                            <p class="notice-plain" role="status">{t!(i18n, counter.not_found)}</p>
                        }.into_any(),
                        None => view! { <Matches matches=found.matches /> }.into_any(),
                    },
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A button that scans a QR code with the device's camera into the input `target` and
/// submits its form (shown only where the browser has a camera API; see `public/scan.js`).
#[component]
pub fn ScanButton(target: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="button scan" data-scan=target
            data-cancel=move || t_string!(i18n, counter.cancel)
            data-title=move || t_string!(i18n, counter.scan_title)>
            {t!(i18n, counter.scan)}
        </button>
    }
}

/// Where the staff member works: one choice for purchases, reward codes and refunds,
/// remembered for their account.
#[component]
fn PlaceForm(place: PlaceChoice, action: ServerAction<SetCounterPlace>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let current = place.current;
    view! {
        <ActionForm action attr:class="counter-place" attr:novalidate=true>
            <label for="counter-location">{t!(i18n, counter.location_label)}</label>
            <select id="counter-location" name="location_id">
                {place.locations.into_iter().map(|(id, name)| view! {
                    <option value=id selected=current == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button">{t!(i18n, counter.location_change)}</button>
            <FormError error include_fields=true />
        </ActionForm>
    }
}

/// Several members match: pick one (each link finds exactly that member by number).
#[component]
fn Matches(matches: Vec<MemberCard>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="matches-title">
            <h2 id="matches-title">{t!(i18n, counter.several)}</h2>
            <ul class="matches">
                {matches.into_iter().map(|m| view! {
                    <li>
                        <A href=format!("/console/counter?q={}", m.member_number)>{m.name}</A>
                        <span class="hint">{m.email} " · " {m.member_number}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn MemberPanel(panel: CounterData, actions: CounterActions) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let CounterData {
        card,
        summary,
        purchases,
        currency,
        can_adjust,
        perks,
        done,
    } = panel;
    let member_id = card.id;
    // Found: the amount is what staff type next.
    Effect::new(move |_| focus("purchase-amount"));
    let tier = summary.tier.as_ref().map(|t| t.name.clone());
    let priority = summary
        .tier
        .as_ref()
        .is_some_and(|t| t.priority_hours.is_some());
    view! {
        <section class="card member-panel">
            <h2>{card.name.clone()}</h2>
            <p class="hint">
                {card.email.clone()} " · " {card.member_number.clone()}
                {tier.map(|name| view! { " " <span class="tier-badge">{name}</span> })}
                {priority.then(|| view! { " " <span class="badge priority">{t!(i18n, program.priority_service)}</span> })}
            </p>
            {done.map(|p| {
                let (amount, cur, points) = (p.amount_minor, p.currency, p.points);
                view! {
                    <p class="notice" role="status">
                        {t!(i18n, counter.recorded, amount = move || format::money(locale(), amount, cur), points = move || format::number(locale(), points))}
                    </p>
                }
            })}
            <BalanceCard balance=summary.balance />
            <StandingCard summary=summary.clone() />
            <CounterForms member_id currency actions perks can_adjust />
            <h3>{t!(i18n, counter.purchases_title)}</h3>
            <PurchaseList purchases refund=actions.refund />
            <h3>{t!(i18n, points.activity)}</h3>
            <MovementTable movements=summary.recent />
        </section>
    }
    .into_any()
}
