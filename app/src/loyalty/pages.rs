//! `/console/counter`: find a member, see their balance and activity, redeem points (any
//! staff) or adjust them with a reason (managers and owners). The search is a GET form and the
//! changes are plain forms, so the counter works before the WASM loads.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::Form, hooks::use_query_map};

use super::{
    api::{AdjustPoints, RedeemPoints, member_points},
    components::{BalanceCard, MovementTable},
};
use crate::{
    accounts::{Role, use_auth},
    i18n::{t, use_i18n},
    members::{MemberCard, find_member},
    ui::{Field, FormError, Loading, PageTitle, error_view, last_error},
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

/// Redeem and adjust forms keyed on what the member's ledger looked like when the form was
/// shown: a double submit replays instead of moving points twice, and a successful change
/// refreshes the ledger, which gives the next form a fresh key.
fn form_key(action: &str, member_id: i64, last_movement: i64) -> String {
    format!("counter-{action}-{member_id}-{last_movement}")
}

#[component]
fn MemberPanel(card: MemberCard) -> impl IntoView {
    let i18n = use_i18n();
    let can_adjust = use_auth()
        .current()
        .is_some_and(|u| u.role.at_least(Role::Manager));
    let redeem = ServerAction::<RedeemPoints>::new();
    let adjust = ServerAction::<AdjustPoints>::new();
    let member_id = card.id;
    let points = Resource::new(
        move || (redeem.version().get(), adjust.version().get()),
        move |_| member_points(Some(member_id)),
    );
    let redeem_error = last_error(redeem);
    let adjust_error = last_error(adjust);
    view! {
        <section class="card member-panel">
            <h2>{card.name.clone()}</h2>
            <p class="hint">{card.email.clone()} " · #" {card.id}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match points.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(summary) => {
                            let last = summary.recent.first().map_or(0, |m| m.id);
                            view! {
                                <BalanceCard balance=summary.balance />
                                <div class="counter-forms">
                                    <ActionForm action=redeem attr:novalidate=true>
                                        <h3>{t!(i18n, counter.redeem_title)}</h3>
                                        <FormError error=redeem_error />
                                        <input type="hidden" name="member_id" value=member_id />
                                        <input type="hidden" name="reason" value="" />
                                        <input type="hidden" name="idempotency_key" value=form_key("redeem", member_id, last) />
                                        <Field name="points" id="redeem-points" kind="number" error=redeem_error>
                                            {t!(i18n, counter.points_label)}
                                        </Field>
                                        <button type="submit" class="button primary">{t!(i18n, counter.redeem_submit)}</button>
                                    </ActionForm>
                                    {can_adjust.then(|| view! {
                                        <ActionForm action=adjust attr:novalidate=true>
                                            <h3>{t!(i18n, counter.adjust_title)}</h3>
                                            <FormError error=adjust_error />
                                            <input type="hidden" name="member_id" value=member_id />
                                            <input type="hidden" name="idempotency_key" value=form_key("adjust", member_id, last) />
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
