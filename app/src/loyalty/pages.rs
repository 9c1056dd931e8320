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
        AdjustPoints, RecordPurchase, RedeemPoints, RefundPurchase, member_history, member_points,
        member_purchases,
    },
    components::{BalanceCard, MovementTable, StandingCard, signed},
    program_api::program_rules,
};
use crate::{
    accounts::{Role, use_auth},
    error::AppError,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    members::{MemberCard, find_member},
    ui::{Field, FormError, Loading, PageTitle, SelectField, error_view, last_error},
};

/// The counter.
#[component]
pub fn CounterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let found = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            find_member(q).await
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
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(card)) => view! { <MemberPanel card /> }.into_any(),
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
fn MemberPanel(card: MemberCard) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let redeem = ServerAction::<RedeemPoints>::new();
    let adjust = ServerAction::<AdjustPoints>::new();
    let purchase = ServerAction::<RecordPurchase>::new();
    let refund = ServerAction::<RefundPurchase>::new();
    let member_id = card.id;
    let changed = move || {
        (
            redeem.version().get(),
            adjust.version().get(),
            purchase.version().get(),
            refund.version().get(),
        )
    };
    let points = Resource::new(changed, move |_| member_points(Some(member_id)));
    let purchases = Resource::new(changed, move |_| member_purchases(member_id));
    let program = Resource::new(|| (), |_| program_rules());
    let redeem_error = last_error(redeem);
    let adjust_error = last_error(adjust);
    let purchase_error = last_error(purchase);
    let refund_error = last_error(refund);
    let locale = move || i18n.get_locale().as_str();
    view! {
        <section class="card member-panel">
            <h2>{card.name.clone()}</h2>
            <p class="hint">{card.email.clone()} " · " {card.member_number.clone()}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    // Awaited, not read: during hydration the account may still be loading,
                    // and a form rendered on the server but not in the browser breaks hydration.
                    let can_adjust = auth
                        .user
                        .await
                        .ok()
                        .flatten()
                        .is_some_and(|u| u.role.at_least(Role::Manager));
                    let panel = async {
                        Ok::<_, AppError>((points.await?, purchases.await?, program.await?))
                    };
                    match panel.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok((summary, purchases, program)) => {
                            let state = (
                                summary.recent.first().map_or(0, |m| m.id),
                                purchases.first().map_or(0, |p| p.id),
                            );
                            let currency = program.settings.currency.clone();
                            let locations: Vec<(String, String)> = program
                                .locations
                                .iter()
                                .map(|l| (l.id.to_string(), l.name.clone()))
                                .collect();
                            view! {
                                <BalanceCard balance=summary.balance />
                                <StandingCard summary=summary.clone() />
                                <PurchaseOutcome purchase refund />
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
                                <h3>{t!(i18n, counter.purchases_title)}</h3>
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
                                <h3>{t!(i18n, points.activity)}</h3>
                                <MovementTable movements=summary.recent />
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
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
                view! {
                    <p class="notice">{t!(i18n, counter.earned, points = move || format::number(locale(), points))}</p>
                    {tier.map(|name| view! { <p class="notice">{t!(i18n, counter.new_tier, tier = move || name.clone())}</p> })}
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
