//! The counter's forms: purchase (with "record again?" when the same amount was just
//! recorded for the member), redemption, adjustment (managers and owners), refunds (asked
//! first with the amount and the points they take back), and what the last change did.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{RecordPurchase, RefundPurchase},
    components::signed,
    counter_page::CounterActions,
    types::Purchase,
};
use crate::{
    error::{AppError, Confirm},
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, fresh_key, last_error},
};

/// Moves the keyboard focus to the element with this id once the current render is on
/// screen (in the browser; nothing on the server, where `autofocus` does the same for the
/// first page load).
pub fn focus(id: &'static str) {
    #[cfg(not(feature = "ssr"))]
    request_animation_frame(move || {
        use leptos::wasm_bindgen::JsCast as _;
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(feature = "ssr")]
    let _ = id;
}

/// Minor units as a plain decimal for a hidden input (`1250` → `12.50`).
fn plain_amount(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Purchase, redemption and (managers and owners) adjustment forms. Each carries a key made
/// when it is shown: the panel is rebuilt after every change, so every attempt has its own.
#[component]
pub fn CounterForms(
    member_id: i64,
    currency: crate::loyalty::rules::Currency,
    can_adjust: bool,
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
    let repeat_asked = move || {
        matches!(
            purchase_error.get(),
            Some(AppError::NeedsConfirmation(Confirm::RepeatPurchase { .. }))
        )
    };
    view! {
        <div class="counter-forms">
            <ActionForm action=purchase attr:novalidate=true attr:aria-labelledby="purchase-title">
                <h3 id="purchase-title">{t!(i18n, counter.purchase_title)}</h3>
                <FormError error=purchase_error />
                <input type="hidden" name="member_id" value=member_id />
                <input type="hidden" name="currency" value=currency.code() />
                <input type="hidden" name="idempotency_key" value=fresh_key() />
                <Field name="amount" id="purchase-amount" kind="text" error=purchase_error autofocus=true
                    hint=ViewFn::from(move || t!(i18n, counter.amount_hint, currency = move || currency.code()))>
                    {t!(i18n, counter.amount_label)}
                </Field>
                {move || repeat_asked().then(|| view! {
                    <div class="check confirm">
                        <input type="checkbox" id="purchase-confirm" name="confirm" value="true" />
                        <label for="purchase-confirm">{t!(i18n, counter.record_again)}</label>
                    </div>
                })}
                <Field name="receipt" id="purchase-receipt" error=purchase_error>
                    {t!(i18n, counter.receipt_label)}
                </Field>
                <div class="check">
                    <input type="checkbox" id="purchase-full-price" name="full_price" value="true" checked=true />
                    <label for="purchase-full-price">{t!(i18n, counter.full_price_label)}</label>
                </div>
                <crate::perks::pages::CounterApply perks currency error=purchase_error />
                <button type="submit" class="button primary">{t!(i18n, counter.purchase_submit)}</button>
            </ActionForm>
            <ActionForm action=redeem attr:novalidate=true attr:aria-labelledby="redeem-title">
                <h3 id="redeem-title">{t!(i18n, counter.redeem_title)}</h3>
                <FormError error=redeem_error />
                <input type="hidden" name="member_id" value=member_id />
                <input type="hidden" name="reason" value="" />
                <input type="hidden" name="idempotency_key" value=fresh_key() />
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
                    <input type="hidden" name="idempotency_key" value=fresh_key() />
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

/// The member's latest purchases, each with a refund form for what is left of it. A refund
/// is asked first: the server answers with the amount and the points it would take back,
/// and only the confirmation refunds.
#[component]
pub fn PurchaseList(
    purchases: Vec<Purchase>,
    refund: ServerAction<RefundPurchase>,
) -> impl IntoView {
    let i18n = use_i18n();
    let refund_error = last_error(refund);
    let locale = move || i18n.get_locale().as_str();
    let asked = move |id: i64| match refund_error.get() {
        Some(AppError::NeedsConfirmation(Confirm::Refund {
            purchase_id,
            amount_minor,
            ..
        })) if purchase_id == id => Some(amount_minor),
        _ => None,
    };
    if purchases.is_empty() {
        return view! { <p class="hint">{t!(i18n, counter.no_purchases)}</p> }.into_any();
    }
    view! {
        <ul class="purchases">
            {purchases.into_iter().map(|p| {
                let left = p.amount_minor - p.refunded_minor;
                let (date, cur) = (p.created_at.clone(), p.currency);
                let input_id = format!("refund-amount-{}", p.id);
                let (refunded, shortfall, id) = (p.refunded_minor, p.shortfall, p.id);
                let key = fresh_key();
                view! {
                    <li class="purchase">
                        <p>
                            <strong>{move || format::money(locale(), p.amount_minor, cur)}</strong>
                            " · " {move || format::date(locale(), &date)} " · " {p.location.clone()}
                            " · " {move || signed(locale(), p.points)} " " {t!(i18n, points.unit)}
                        </p>
                        {(p.discount_minor > 0).then(|| {
                            let off = p.discount_minor;
                            view! { <p class="hint">{move || t_string!(i18n, perks.discounted).replace("{amount}", &format::money(locale(), off, cur))}</p> }
                        })}
                        {(refunded > 0).then(|| view! {
                            <p class="hint">{t!(i18n, counter.refunded_so_far, amount = move || format::money(locale(), refunded, cur))}</p>
                        })}
                        {(shortfall > 0).then(|| view! {
                            <p class="notice-plain">{t!(i18n, counter.shortfall, points = move || format::number(locale(), shortfall))}</p>
                        })}
                        {(left > 0).then(|| {
                            let (key2, hint_id) = (key.clone(), format!("{input_id}-hint"));
                            view! {
                                <ActionForm action=refund attr:class="inline-form" attr:novalidate=true>
                                    <input type="hidden" name="purchase_id" value=id />
                                    <input type="hidden" name="idempotency_key" value=key />
                                    <label for=input_id.clone()>{t!(i18n, counter.refund_amount)}</label>
                                    <input id=input_id name="amount" type="text" inputmode="decimal" aria-describedby=hint_id.clone() />
                                    <button type="submit" class="button">{t!(i18n, counter.refund_submit)}</button>
                                    <span class="hint" id=hint_id>{move || t_string!(i18n, counter.refund_up_to).replace("{amount}", &format::money(locale(), left, cur))}</span>
                                </ActionForm>
                                {move || { let key = key2.clone(); asked(id).map(move |amount| view! {
                                    <div class="confirm-box" role="alert">
                                        <FormError error=refund_error include_fields=true />
                                        <ActionForm action=refund attr:class="inline-form">
                                            <input type="hidden" name="purchase_id" value=id />
                                            <input type="hidden" name="amount" value=plain_amount(amount) />
                                            <input type="hidden" name="confirm" value="true" />
                                            <input type="hidden" name="idempotency_key" value=key />
                                            <button type="submit" class="button primary">{t!(i18n, counter.refund_confirm)}</button>
                                            <button type="button" class="button" on:click=move |_| refund.value().set(None)>
                                                {t!(i18n, counter.cancel)}
                                            </button>
                                        </ActionForm>
                                    </div>
                                }) }}
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <FormError error=Signal::derive(move || refund_error.get().filter(|e| !matches!(e, AppError::NeedsConfirmation(_)))) include_fields=true />
    }
    .into_any()
}

/// What the last purchase or refund did, announced to screen readers. It stays after the
/// member is cleared, so staff can tell the customer what they earned.
#[component]
pub fn PurchaseOutcome(
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
                let (paid, currency) = (r.purchase.amount_minor, r.purchase.currency);
                view! {
                    <p class="notice">{t!(i18n, counter.recorded, amount = move || format::money(locale(), paid, currency), points = move || format::number(locale(), points))}</p>
                    {tier.map(|name| view! { <p class="notice">{t!(i18n, counter.new_tier, tier = move || name.clone())}</p> })}
                    <crate::perks::pages::AppliedNotice applied=r.perks paid currency />
                }
            })}
            {move || refund.value().get().and_then(Result::ok).map(|r| {
                let (back, short) = (r.points_reversed, r.shortfall);
                view! {
                    <p class="notice">{t!(i18n, counter.reversed, points = move || format::number(locale(), back))}</p>
                    {(short > 0).then(|| view! { <p class="notice-plain">{t!(i18n, counter.shortfall, points = move || format::number(locale(), short))}</p> })}
                    <UndoneNotice undone=r.undone />
                }
            })}
        </div>
    }
}

/// What else a refund undid: referral bonus, stamps, codes, next-visit discounts, offer use.
#[component]
fn UndoneNotice(undone: crate::perks::types::Undone) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let crate::perks::types::Undone {
        referral_points: referral,
        referral_shortfall: referral_short,
        stamps,
        codes_voided: codes,
        coupon_voided,
        offer_returned,
        coupon_returned,
    } = undone;
    let number = move |n: i64| move || format::number(locale(), n);
    view! {
        {(referral > 0).then(|| view! { <p class="notice">{t!(i18n, counter.undo_referral, points = number(referral))}</p> })}
        {(referral_short > 0).then(|| view! { <p class="notice-plain">{t!(i18n, counter.undo_referral_short, points = number(referral_short))}</p> })}
        {(stamps > 0).then(|| view! { <p class="notice">{t!(i18n, counter.undo_stamps, n = number(stamps))}</p> })}
        {(codes > 0).then(|| view! { <p class="notice">{t!(i18n, counter.undo_codes, n = number(codes))}</p> })}
        {coupon_voided.then(|| view! { <p class="notice">{t!(i18n, counter.undo_coupon)}</p> })}
        {offer_returned.then(|| view! { <p class="notice">{t!(i18n, counter.offer_back)}</p> })}
        {coupon_returned.then(|| view! { <p class="notice">{t!(i18n, counter.coupon_back)}</p> })}
    }
}
