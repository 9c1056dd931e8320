//! Perks on screen: the member's offers, next-visit discounts, punch cards and referral code
//! (on their home page); the counter's offer/discount choice and what a purchase set off.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{EnterReferral, my_perks},
    types::{
        Applied, CounterPerks, Coupon, CouponStatus, MemberOffer, OfferKind, PunchProgress,
        Referral,
    },
};
use crate::loyalty::rules::Currency;
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, error_text, last_error, last_result},
};

/// What an offer gives, in words: "10 % off", "€5.00 off", "×2 points", "A free item".
pub fn gives(locale: &str, kind: OfferKind, value: i64, currency: Currency) -> String {
    let i18n = use_i18n();
    match kind {
        OfferKind::Percent => {
            t_string!(i18n, perks.gives_percent).replace("{p}", &value.to_string())
        }
        OfferKind::Fixed => t_string!(i18n, perks.gives_fixed)
            .replace("{a}", &format::money(locale, value, currency)),
        OfferKind::Points => {
            t_string!(i18n, perks.gives_points).replace("{m}", &format::decimal(locale, value))
        }
        OfferKind::Item => t_string!(i18n, perks.gives_item).to_owned(),
    }
}

/// The counter's choice of offer or next-visit discount, and the item count for punch cards.
#[component]
pub fn CounterApply(
    perks: CounterPerks,
    currency: Currency,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let mut options = vec![(String::new(), t_string!(i18n, perks.apply_none).to_owned())];
    for MemberOffer { offer, blocked, .. } in &perks.offers {
        if blocked.is_none() {
            let what = gives(locale, offer.kind, offer.value, currency);
            options.push((
                format!("offer:{}", offer.id),
                format!("{} — {what}", offer.title),
            ));
        }
    }
    for c in perks
        .coupons
        .iter()
        .filter(|c| c.status == CouponStatus::Usable)
    {
        let label = t_string!(i18n, perks.apply_coupon)
            .replace("{p}", &c.percent.to_string())
            .replace("{a}", &format::money(locale, c.min_purchase, currency));
        options.push((format!("coupon:{}", c.id), label));
    }
    let cards = perks
        .item_cards
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let has_choice = options.len() > 1;
    view! {
        {has_choice.then(|| view! {
            <crate::ui::SelectField name="apply" id="purchase-apply" options error>
                {t!(i18n, perks.apply_label)}
            </crate::ui::SelectField>
        })}
        {(!cards.is_empty()).then(|| view! {
            <Field name="items" id="purchase-items" kind="number" error
                hint=ViewFn::from(move || t_string!(i18n, perks.items_hint).replace("{cards}", &cards))>
                {t!(i18n, perks.items_label)}
            </Field>
        })}
    }
    .into_any()
}

/// What a recorded purchase set off, for the counter's notice.
#[component]
pub fn AppliedNotice(applied: Applied, currency: Currency, paid: i64) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let mut lines: Vec<String> = Vec::new();
    if applied.discount_minor > 0 || applied.offer.is_some() {
        let what = applied
            .offer
            .clone()
            .or_else(|| {
                applied
                    .coupon_percent
                    .map(|p| t_string!(i18n, perks.coupon_short).replace("{p}", &p.to_string()))
            })
            .unwrap_or_default();
        lines.push(
            t_string!(i18n, perks.applied)
                .replace("{what}", &what)
                .replace(
                    "{off}",
                    &format::money(locale, applied.discount_minor, currency),
                )
                .replace("{paid}", &format::money(locale, paid, currency)),
        );
    }
    if let Some(c) = &applied.coupon_issued {
        lines.push(
            t_string!(i18n, perks.coupon_issued)
                .replace("{p}", &c.percent.to_string())
                .replace("{from}", &format::date(locale, &c.valid_from))
                .replace("{until}", &format::date(locale, &c.valid_until)),
        );
    }
    for (name, stamps, needed) in &applied.stamps {
        lines.push(
            t_string!(i18n, perks.stamped)
                .replace("{card}", name)
                .replace("{n}", &stamps.to_string())
                .replace("{needed}", &needed.to_string()),
        );
    }
    for reward in &applied.codes {
        lines.push(t_string!(i18n, perks.card_full).replace("{reward}", reward));
    }
    if applied.referral_bonus > 0 {
        lines.push(
            t_string!(i18n, perks.referral_paid)
                .replace("{points}", &format::number(locale, applied.referral_bonus)),
        );
    }
    lines
        .into_iter()
        .map(|l| view! { <p class="notice">{l}</p> })
        .collect_view()
}

/// The member's perks on their home page.
#[component]
pub fn MemberPerksView() -> impl IntoView {
    let perks = Resource::new(|| (), |_| my_perks());
    let refer = ServerAction::<EnterReferral>::new();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                perks.await.ok().map(|p| {
                    let currency = p.currency;
                    view! {
                        <OfferList offers=p.offers currency />
                        <CouponList coupons=p.coupons currency />
                        <PunchCards cards=p.cards />
                        <ReferralCard referral=p.referral action=refer />
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn OfferList(offers: Vec<MemberOffer>, currency: Currency) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    (!offers.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="offers-title">
            <h2 id="offers-title">{t!(i18n, perks.offers_title)}</h2>
            <ul class="perk-list">
                {offers.into_iter().map(|MemberOffer { offer, blocked, .. }| {
                    let (kind, value) = (offer.kind, offer.value);
                    let until = offer.ends_on.clone();
                    view! {
                        <li class="perk" id=format!("offer-{}", offer.id)>
                            <h3>{offer.title.clone()}</h3>
                            <p class="perk-gives">{move || gives(locale(), kind, value, currency)}</p>
                            {(!offer.description.is_empty()).then(|| view! { <p>{offer.description.clone()}</p> })}
                            {until.map(|d| view! { <p class="hint">{move || t_string!(i18n, perks.until).replace("{date}", &format::date(locale(), &d))}</p> })}
                            {offer.per_member_limit.map(|n| view! { <p class="hint">{move || t_string!(i18n, perks.per_member).replace("{n}", &n.to_string())}</p> })}
                            {blocked.map(|m| view! { <p class="reason">{move || error_text(m)}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="hint">{t!(i18n, perks.offers_hint)}</p>
        </section>
    }.into_any())
}

#[component]
fn CouponList(coupons: Vec<Coupon>, currency: Currency) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let shown: Vec<Coupon> = coupons
        .into_iter()
        .filter(|c| c.status != CouponStatus::Expired)
        .take(3)
        .collect();
    (!shown.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="coupons-title">
            <h2 id="coupons-title">{t!(i18n, perks.coupons_title)}</h2>
            <ul class="perk-list">
                {shown.into_iter().map(|c| {
                    let (from, until, min, pct) = (c.valid_from.clone(), c.valid_until.clone(), c.min_purchase, c.percent);
                    let status = c.status;
                    let class = if status == CouponStatus::Used { "perk coupon used" } else { "perk coupon" };
                    view! {
                        <li class=class>
                            <h3>{move || t_string!(i18n, perks.coupon_title).replace("{p}", &pct.to_string())}</h3>
                            {match status {
                                CouponStatus::Used => view! { <p class="reason">{t!(i18n, perks.coupon_used)}</p> }.into_any(),
                                _ => view! {
                                    <p>{move || t_string!(i18n, perks.coupon_valid)
                                        .replace("{from}", &format::date(locale(), &from))
                                        .replace("{until}", &format::date(locale(), &until))}</p>
                                    <p class="hint">{move || t_string!(i18n, perks.coupon_terms)
                                        .replace("{a}", &format::money(locale(), min, currency))}</p>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }.into_any())
}

#[component]
fn PunchCards(cards: Vec<PunchProgress>) -> impl IntoView {
    let i18n = use_i18n();
    (!cards.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="cards-title">
            <h2 id="cards-title">{t!(i18n, perks.cards_title)}</h2>
            <ul class="perk-list">
                {cards.into_iter().map(|p| {
                    let (n, needed) = (p.stamps, p.card.stamps_needed);
                    let reward = p.card.reward.clone();
                    let label = format!("punch-{}", p.card.id);
                    view! {
                        <li class="perk">
                            <h3 id=label.clone()>{p.card.name.clone()}</h3>
                            <p class="stamps" role="img" aria-label=move || t_string!(i18n, perks.stamps_of).replace("{n}", &n.to_string()).replace("{needed}", &needed.to_string())>
                                {(0..needed).map(|i| view! { <span class=if i < n { "stamp on" } else { "stamp" }></span> }).collect_view()}
                            </p>
                            <p>{move || t_string!(i18n, perks.stamps_of).replace("{n}", &n.to_string()).replace("{needed}", &needed.to_string())}</p>
                            <p class="hint">{move || t_string!(i18n, perks.card_gives).replace("{reward}", &reward)}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }.into_any())
}

#[component]
fn ReferralCard(referral: Referral, action: ServerAction<EnterReferral>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let link = referral.link.clone();
    let (referred, bonus) = (referral.referred, referral.bonus);
    view! {
        <section class="card" aria-labelledby="refer-title">
            <h2 id="refer-title">{t!(i18n, perks.refer_title)}</h2>
            {(bonus > 0).then(|| view! { <p>{move || t_string!(i18n, perks.refer_bonus).replace("{points}", &bonus.to_string())}</p> })}
            <p>{t!(i18n, perks.refer_share)}</p>
            <p class="referral-link"><code>{link.clone()}</code></p>
            <crate::social::ShareLinks url=link text=t_string!(i18n, perks.refer_title).to_owned() />
            <p class="hint">{move || t_string!(i18n, perks.refer_code).replace("{code}", &referral.code)}</p>
            <p class="hint">{move || t_string!(i18n, perks.refer_count).replace("{n}", &referred.to_string())}</p>
            {referral.referred_by.clone().map(|name| view! { <p class="hint">{move || t_string!(i18n, perks.referred_by).replace("{name}", &name)}</p> })}
            {move || last_result(action).get().and_then(Result::ok).map(|name| view! {
                <p class="notice" role="status">{t_string!(i18n, perks.referred_by).replace("{name}", &name)}</p>
            })}
            {referral.can_enter.then(|| view! {
                <ActionForm action attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <Field name="code" id="referral-code" error>{t!(i18n, perks.refer_enter)}</Field>
                    <button type="submit" class="button">{t!(i18n, perks.refer_submit)}</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}
