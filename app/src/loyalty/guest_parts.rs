//! The counter's card for a sale to a customer who is not a member: the amount and receipt,
//! what the last sale or refund did, and the location's latest such sales with a refund form
//! each (empty amount: all that is left).

use leptos::{form::ActionForm, prelude::*};

use super::api::{GuestSale, GuestSaleList, RecordGuestSale, RefundGuestSale, guest_sales};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, error_view, fresh_key, last_error},
};

/// Shown while no member is being served.
#[component]
pub fn GuestCard() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let sale = ServerAction::<RecordGuestSale>::new();
    let refund = ServerAction::<RefundGuestSale>::new();
    let list = Resource::new(
        move || (sale.version().get(), refund.version().get()),
        |_| guest_sales(),
    );
    let money = move |s: &GuestSale, minor: i64| format::money(locale(), minor, s.currency);
    // Only the latest change is announced.
    Effect::new(move |_| {
        if matches!(refund.value().get(), Some(Ok(_))) {
            sale.value().set(None);
        }
    });
    Effect::new(move |_| {
        if matches!(sale.value().get(), Some(Ok(_))) {
            refund.value().set(None);
        }
    });
    view! {
        <section class="card" aria-labelledby="guest-title">
            <h2 id="guest-title">{t!(i18n, counter.guest_title)}</h2>
            <p class="hint">{t!(i18n, counter.guest_hint)}</p>
            <div role="status">
                {move || sale.value().get().and_then(Result::ok).map(|s| view! {
                    <p class="notice">{t_string!(i18n, counter.guest_recorded).replace("{amount}", &money(&s, s.amount_minor))}</p>
                })}
                {move || refund.value().get().and_then(Result::ok).map(|r| view! {
                    <p class="notice">{t_string!(i18n, counter.guest_refunded).replace("{amount}", &money(&r.sale, r.amount_minor))}</p>
                })}
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(g) => view! { <GuestForms g sale refund /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GuestForms(
    g: GuestSaleList,
    sale: ServerAction<RecordGuestSale>,
    refund: ServerAction<RefundGuestSale>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let sale_error = last_error(sale);
    let refund_error = last_error(refund);
    let currency = g.currency;
    let rows = g
        .sales
        .iter()
        .map(|s| {
            let (id, left, refunded) = (s.id, s.left_minor(), s.refunded_minor);
            let (amount, date) = (s.amount_minor, s.created_at.clone());
            let input_id = format!("guest-refund-{id}");
            let hint_id = format!("{input_id}-hint");
            view! {
                <li class="purchase">
                    <p>
                        <strong>{move || format::money(locale(), amount, currency)}</strong>
                        " · " {move || format::date(locale(), &date)}
                        {s.receipt.clone().map(|r| view! { " · " {r} })}
                    </p>
                    {(refunded > 0).then(|| view! {
                        <p class="hint">{t!(i18n, counter.refunded_so_far, amount = move || format::money(locale(), refunded, currency))}</p>
                    })}
                    {(left > 0).then(|| view! {
                        <ActionForm action=refund attr:class="inline-form" attr:novalidate=true>
                            <input type="hidden" name="sale_id" value=id />
                            <input type="hidden" name="idempotency_key" value=fresh_key() />
                            <label for=input_id.clone()>{t!(i18n, counter.refund_amount)}</label>
                            <input id=input_id name="amount" type="text" inputmode="decimal" aria-describedby=hint_id.clone() />
                            <button type="submit" class="button">{t!(i18n, counter.refund_submit)}</button>
                            <span class="hint" id=hint_id>{move || t_string!(i18n, counter.guest_refund_hint).replace("{amount}", &format::money(locale(), left, currency))}</span>
                        </ActionForm>
                    })}
                </li>
            }
        })
        .collect_view();
    let empty = g.sales.is_empty();
    view! {
        <ActionForm action=sale attr:novalidate=true attr:class="guest-sale">
            <FormError error=sale_error />
            <input type="hidden" name="currency" value=currency.code() />
            <input type="hidden" name="idempotency_key" value=fresh_key() />
            <Field name="amount" id="guest-amount" error=sale_error
                hint=ViewFn::from(move || t!(i18n, counter.amount_hint, currency = move || currency.code()))>
                {t!(i18n, counter.amount_label)}
            </Field>
            <Field name="receipt" id="guest-receipt" error=sale_error>
                {t!(i18n, counter.receipt_label)}
            </Field>
            <button type="submit" class="button">{t!(i18n, counter.guest_submit)}</button>
        </ActionForm>
        <h3>{t!(i18n, counter.guest_latest)}</h3>
        {if empty {
            view! { <p class="hint">{t!(i18n, counter.guest_none)}</p> }.into_any()
        } else {
            view! { <ul class="purchases">{rows}</ul> }.into_any()
        }}
        <FormError error=refund_error include_fields=true />
    }
}
