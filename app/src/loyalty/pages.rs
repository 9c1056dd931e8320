//! `/console/counter`: find a member (email, phone, member number or their scanned card), see
//! their balance, tier and activity, record a purchase or refund one, redeem points (any staff)
//! or adjust them with a reason (managers and owners). The search is a GET form and the changes
//! are plain forms, so the counter works before the WASM loads. Also the member's history page.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use super::{
    api::{
        AdjustPoints, CounterData, RecordPurchase, RedeemPoints, RefundPurchase, counter_panel,
        member_history,
    },
    components::{BalanceCard, MovementTable, StandingCard, signed},
    types::Purchase,
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    rewards::UseCodeForm,
    ui::{Field, FormError, Loading, PageTitle, SelectField, error_view, last_error},
};

/// The counter's four changes, made at page level so the panel's resource can follow them.
#[derive(Clone, Copy)]
struct CounterActions {
    redeem: ServerAction<RedeemPoints>,
    adjust: ServerAction<AdjustPoints>,
    purchase: ServerAction<RecordPurchase>,
    refund: ServerAction<RefundPurchase>,
}

/// The counter. One resource loads the found member's whole panel (refetched after every
/// change), so hydration never meets a resource the server created but the browser did not.
#[component]
pub fn CounterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let actions = CounterActions {
        redeem: ServerAction::new(),
        adjust: ServerAction::new(),
        purchase: ServerAction::new(),
        refund: ServerAction::new(),
    };
    let source = move || {
        (
            q(),
            actions.redeem.version().get(),
            actions.adjust.version().get(),
            actions.purchase.version().get(),
            actions.refund.version().get(),
        )
    };
    let places = Resource::new(|| (), |_| super::program_api::program_rules());
    let found = Resource::new(source, |(q, ..)| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            counter_panel(q).await
        }
    });
    view! {
        <PageTitle>{t!(i18n, console.nav_counter)}</PageTitle>
        <section class="card">
            <Form method="GET" action="" attr:class="search">
                <div class="field">
                    <label for="q">{t!(i18n, counter.find_label)}</label>
                    <input id="q" name="q" type="search" autocomplete="off" prop:value=q />
                </div>
                <button type="submit" class="button primary">{t!(i18n, counter.find_submit)}</button>
            </Form>
        </section>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                places.await.ok().map(|p| {
                    let locations = p.locations.into_iter().map(|l| (l.id.to_string(), l.name)).collect();
                    view! { <UseCodeForm locations /> }
                })
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(panel)) => view! { <MemberPanel panel actions /> }.into_any(),
                    Ok(None) if q().trim().is_empty() => ().into_any(),
                    Ok(None) => view! { <p class="notice-plain" role="status">{t!(i18n, counter.not_found)}</p> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Forms keyed on what the member's ledger looked like when the form was shown: a double
/// submit replays instead of acting twice, and a successful change refreshes the panel, which
/// gives the next form a fresh key.
fn form_key(action: &str, member_id: i64, state: (i64, i64)) -> String {
    format!("counter-{action}-{member_id}-{}-{}", state.0, state.1)
}

/// Minor units as a plain decimal for an input's value (`1250` → `12.50`).
fn plain_amount(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

#[component]
fn MemberPanel(panel: CounterData, actions: CounterActions) -> impl IntoView {
    let i18n = use_i18n();
    let CounterData {
        card,
        summary,
        purchases,
        currency,
        locations,
        can_adjust,
        perks,
    } = panel;
    let member_id = card.id;
    let state = (
        summary.recent.first().map_or(0, |m| m.id),
        purchases.first().map_or(0, |p| p.id),
    );
    let locations: Vec<(String, String)> = locations
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    view! {
        <section class="card member-panel">
            <h2>{card.name.clone()}</h2>
            <p class="hint">{card.email.clone()} " · " {card.member_number.clone()}</p>
            <BalanceCard balance=summary.balance />
            <StandingCard summary=summary.clone() />
            <PurchaseOutcome purchase=actions.purchase refund=actions.refund />
            <CounterForms member_id currency locations can_adjust state actions perks />
            <h3>{t!(i18n, counter.purchases_title)}</h3>
            <PurchaseList purchases refund=actions.refund />
            <h3>{t!(i18n, points.activity)}</h3>
            <MovementTable movements=summary.recent />
        </section>
    }
    .into_any()
}

/// Purchase, redemption and (managers and owners) adjustment forms.
#[component]
fn CounterForms(
    member_id: i64,
    currency: String,
    locations: Vec<(String, String)>,
    can_adjust: bool,
    state: (i64, i64),
    actions: CounterActions,
    perks: crate::perks::types::CounterPerks,
) -> impl IntoView {
    let i18n = use_i18n();
    let CounterActions {
        redeem,
        adjust,
        purchase,
        ..
    } = actions;
    let redeem_error = last_error(redeem);
    let adjust_error = last_error(adjust);
    let purchase_error = last_error(purchase);
    view! {
        <div class="counter-forms">
            <ActionForm action=purchase attr:novalidate=true attr:aria-labelledby="purchase-title">
                <h3 id="purchase-title">{t!(i18n, counter.purchase_title)}</h3>
                <FormError error=purchase_error />
                <input type="hidden" name="member_id" value=member_id />
                <input type="hidden" name="currency" value=currency.clone() />
                <input type="hidden" name="idempotency_key" value=form_key("purchase", member_id, state) />
                <Field name="amount" id="purchase-amount" kind="text" error=purchase_error
                    hint=ViewFn::from({ let c = currency.clone(); move || t!(i18n, counter.amount_hint, currency = { let c = c.clone(); move || c.clone() }) })>
                    {t!(i18n, counter.amount_label)}
                </Field>
                <SelectField name="location_id" id="purchase-location" options=locations error=purchase_error>
                    {t!(i18n, counter.location_label)}
                </SelectField>
                <Field name="receipt" id="purchase-receipt" error=purchase_error>
                    {t!(i18n, counter.receipt_label)}
                </Field>
                <div class="check">
                    <input type="checkbox" id="purchase-full-price" name="full_price" value="true" checked=true />
                    <label for="purchase-full-price">{t!(i18n, counter.full_price_label)}</label>
                </div>
                <crate::perks::pages::CounterApply perks currency=currency.clone() error=purchase_error />
                <button type="submit" class="button primary">{t!(i18n, counter.purchase_submit)}</button>
            </ActionForm>
            <ActionForm action=redeem attr:novalidate=true attr:aria-labelledby="redeem-title">
                <h3 id="redeem-title">{t!(i18n, counter.redeem_title)}</h3>
                <FormError error=redeem_error />
                <input type="hidden" name="member_id" value=member_id />
                <input type="hidden" name="reason" value="" />
                <input type="hidden" name="idempotency_key" value=form_key("redeem", member_id, state) />
                <Field name="points" id="redeem-points" kind="number" error=redeem_error>
                    {t!(i18n, counter.points_label)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, counter.redeem_submit)}</button>
            </ActionForm>
            {can_adjust.then(|| view! {
                <ActionForm action=adjust attr:novalidate=true attr:aria-labelledby="adjust-title">
                    <h3 id="adjust-title">{t!(i18n, counter.adjust_title)}</h3>
                    <FormError error=adjust_error />
                    <input type="hidden" name="member_id" value=member_id />
                    <input type="hidden" name="idempotency_key" value=form_key("adjust", member_id, state) />
                    <Field name="points" id="adjust-points" error=adjust_error hint=ViewFn::from(move || t!(i18n, counter.adjust_hint))>
                        {t!(i18n, counter.adjust_points)}
                    </Field>
                    <Field name="reason" id="adjust-reason" error=adjust_error>
                        {t!(i18n, counter.reason_label)}
                    </Field>
                    <button type="submit" class="button">{t!(i18n, counter.adjust_submit)}</button>
                </ActionForm>
            })}
        </div>
    }
    .into_any()
}

/// The member's latest purchases, each with a refund form for what is left of it.
#[component]
fn PurchaseList(purchases: Vec<Purchase>, refund: ServerAction<RefundPurchase>) -> impl IntoView {
    let i18n = use_i18n();
    let refund_error = last_error(refund);
    let locale = move || i18n.get_locale().as_str();
    view! {
        <FormError error=refund_error include_fields=true />
        {if purchases.is_empty() {
            view! { <p class="hint">{t!(i18n, counter.no_purchases)}</p> }.into_any()
        } else {
            view! {
                <ul class="purchases">
                    {purchases.into_iter().map(|p| {
                        let left = p.amount_minor - p.refunded_minor;
                        let (date, cur, cur2) = (p.created_at.clone(), p.currency.clone(), p.currency.clone());
                        let input_id = format!("refund-amount-{}", p.id);
                        let refunded = p.refunded_minor;
                        let shortfall = p.shortfall;
                        view! {
                            <li class="purchase">
                                <p>
                                    <strong>{move || format::money(locale(), p.amount_minor, &cur)}</strong>
                                    " · " {move || format::date(locale(), &date)} " · " {p.location.clone()}
                                    " · " {move || signed(locale(), p.points)} " " {t!(i18n, points.unit)}
                                </p>
                                {(p.discount_minor > 0).then(|| {
                                    let (off, cur) = (p.discount_minor, p.currency.clone());
                                    view! { <p class="hint">{move || t_string!(i18n, perks.discounted).replace("{amount}", &format::money(locale(), off, &cur))}</p> }
                                })}
                                {(refunded > 0).then(|| view! {
                                    <p class="hint">{t!(i18n, counter.refunded_so_far, amount = move || format::money(locale(), refunded, &cur2))}</p>
                                })}
                                {(shortfall > 0).then(|| view! {
                                    <p class="notice-plain">{t!(i18n, counter.shortfall, points = move || format::number(locale(), shortfall))}</p>
                                })}
                                {(left > 0).then(|| view! {
                                    <ActionForm action=refund attr:class="inline-form" attr:novalidate=true>
                                        <input type="hidden" name="purchase_id" value=p.id />
                                        <input type="hidden" name="idempotency_key" value=format!("counter-refund-{}-{}", p.id, refunded) />
                                        <label for=input_id.clone()>{t!(i18n, counter.refund_amount)}</label>
                                        <input id=input_id name="amount" type="text" inputmode="decimal" value=plain_amount(left) />
                                        <button type="submit" class="button">{t!(i18n, counter.refund_submit)}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
    .into_any()
}

/// What the last purchase or refund did, announced to screen readers.
#[component]
fn PurchaseOutcome(
    purchase: ServerAction<RecordPurchase>,
    refund: ServerAction<RefundPurchase>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    view! {
        <div role="status" class="outcome">
            {move || purchase.value().get().and_then(Result::ok).map(|r| {
                let points = r.purchase.points;
                let tier = r.new_tier.clone();
                let (paid, currency) = (r.purchase.amount_minor, r.purchase.currency.clone());
                view! {
                    <p class="notice">{t!(i18n, counter.earned, points = move || format::number(locale(), points))}</p>
                    {tier.map(|name| view! { <p class="notice">{t!(i18n, counter.new_tier, tier = move || name.clone())}</p> })}
                    <crate::perks::pages::AppliedNotice applied=r.perks paid currency />
                }
            })}
            {move || refund.value().get().and_then(Result::ok).map(|r| {
                let (back, short) = (r.points_reversed, r.shortfall);
                view! {
                    <p class="notice">{t!(i18n, counter.reversed, points = move || format::number(locale(), back))}</p>
                    {(short > 0).then(|| view! { <p class="notice-plain">{t!(i18n, counter.shortfall, points = move || format::number(locale(), short))}</p> })}
                }
            })}
        </div>
    }
}

/// `/me/history`: every movement of the signed-in member, newest first, a page at a time
/// (`?before=<movement id>` for older ones).
#[component]
pub fn PointsHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = move || query.with(|m| m.get("before").and_then(|b| b.parse::<i64>().ok()));
    let page = Resource::new(before, |before| member_history(None, before));
    view! {
        <PageTitle>{t!(i18n, points.history_title)}</PageTitle>
        <section class="card">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(slice) => {
                            let older = slice.older;
                            view! {
                                <MovementTable movements=slice.movements />
                                <nav class="pager" aria-label=move || t_string!(i18n, points.pages)>
                                    {before().is_some().then(|| view! { <A href="/me/history">{t!(i18n, points.newest)}</A> })}
                                    {older.map(|id| view! { <A href=format!("/me/history?before={id}")>{t!(i18n, points.older)}</A> })}
                                </nav>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
