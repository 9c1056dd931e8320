//! `/console/offers`: members-only offers, punch cards, the next-visit discount rule and the
//! referral bonus, with referral counts per member. Managers and owners change them.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{PerksAdmin, SaveOffer, SavePerkSettings, SavePunchCard, perks_console},
    types::{Audience, Offer, OfferKind, PerkSettings, PunchCard, SUGGESTED_RETURN_PERCENT},
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, SavedNotice, SelectField, error_view, last_error},
};

/// The offers page.
#[component]
pub fn OffersPage() -> impl IntoView {
    let i18n = use_i18n();
    let offer = ServerAction::<SaveOffer>::new();
    let settings = ServerAction::<SavePerkSettings>::new();
    let card = ServerAction::<SavePunchCard>::new();
    let data = Resource::new(
        move || {
            (
                offer.version().get(),
                settings.version().get(),
                card.version().get(),
            )
        },
        |_| perks_console(),
    );
    view! {
        <PageTitle>{t!(i18n, perks.console_title)}</PageTitle>
        <p><leptos_router::components::A href="/console/programs/texts">{t!(i18n, texts.link)}</leptos_router::components::A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(d) => view! {
                        <OffersCard d=d.clone() action=offer />
                        <ReturnCard d=d.clone() action=settings />
                        <CardsCard d=d.clone() action=card />
                        <ReferralsCard d />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OffersCard(d: PerksAdmin, action: ServerAction<SaveOffer>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let tiers = d.tiers.clone();
    let audience = move |o: &Offer| match o.audience {
        Audience::All => t_string!(i18n, perks.audience_all).to_owned(),
        Audience::Picked => {
            t_string!(i18n, perks.audience_picked).replace("{n}", &o.members.len().to_string())
        }
        Audience::Tiers => o
            .tiers
            .iter()
            .filter_map(|id| tiers.iter().find(|(t, _)| t == id).map(|(_, n)| n.clone()))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let rows: Vec<_> = d
        .offers
        .iter()
        .map(|o| {
            let currency = d.currency;
            let (kind, value) = (o.kind, o.value);
            let (used, limit) = (o.uses, o.total_limit);
            let uses = move || match limit {
                Some(l) => format!("{} / {}", format::number(locale(), used), format::number(locale(), l)),
                None => format::number(locale(), used),
            };
            let (starts, ends) = (o.starts_on.clone(), o.ends_on.clone());
            let dates = move || format::date_range(locale(), starts.as_deref(), ends.as_deref());
            // Its public page and poster, for offers anyone may see.
            let (id, shown) = (o.id, o.active && o.audience != Audience::Picked);
            view! {
                <tr>
                    <td>
                        {o.title.clone()} {(!o.active).then(|| view! { " " <span class="reason">{t!(i18n, rewards.inactive)}</span> })}
                        {shown.then(|| view! {
                            <br />
                            <a href=format!("/offers/{id}")>{t!(i18n, perks.public_page)}</a> " · "
                            <a href=format!("/print/offer/{id}")>{t!(i18n, perks.poster)}</a>
                        })}
                    </td>
                    <td class="wrap">{move || super::pages::gives(locale(), kind, value, currency)}</td>
                    <td class="wrap">{audience(o)}</td>
                    <td class="num">{uses}</td>
                    <td>{dates}</td>
                </tr>
            }
        })
        .collect();
    let mut audiences = vec![(
        "all".to_owned(),
        t_string!(i18n, perks.audience_all).to_owned(),
    )];
    audiences.extend(d.tiers.iter().map(|(id, name)| {
        (
            format!("tier:{id}"),
            t_string!(i18n, perks.audience_tier).replace("{tier}", name),
        )
    }));
    audiences.push((
        "picked".to_owned(),
        t_string!(i18n, perks.audience_pick).to_owned(),
    ));
    let kinds: Vec<(String, String)> = OfferKind::ALL
        .iter()
        .map(|k| {
            let label = match k {
                OfferKind::Percent => t_string!(i18n, perks.kind_percent),
                OfferKind::Fixed => t_string!(i18n, perks.kind_fixed),
                OfferKind::Points => t_string!(i18n, perks.kind_points),
                OfferKind::Item => t_string!(i18n, perks.kind_item),
            };
            (k.as_str().to_owned(), label.to_owned())
        })
        .collect();
    let error = last_error(action);
    view! {
        <section class="card" aria-labelledby="offers-admin-title">
            <h2 id="offers-admin-title">{t!(i18n, perks.offers_title)}</h2>
            {if rows.is_empty() {
                view! { <p class="hint">{t!(i18n, perks.no_offers)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="group" aria-labelledby="offers-admin-title">
                        <table>
                            <thead><tr>
                                <th scope="col">{t!(i18n, perks.col_offer)}</th>
                                <th scope="col">{t!(i18n, perks.col_gives)}</th>
                                <th scope="col">{t!(i18n, perks.col_audience)}</th>
                                <th scope="col" class="num">{t!(i18n, perks.col_uses)}</th>
                                <th scope="col">{t!(i18n, perks.col_dates)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {d.can_edit.then(|| view! {
                <ActionForm action attr:novalidate=true attr:aria-labelledby="add-offer-title" attr:class="stack">
                    <h3 id="add-offer-title" class="section-gap">{t!(i18n, perks.add_offer)}</h3>
                    <FormError error />
                    <Field name="title" id="offer-title" error>{t!(i18n, perks.title_label)}</Field>
                    <Field name="description" id="offer-description" error>{t!(i18n, rewards.description_label)}</Field>
                    <SelectField name="kind" id="offer-kind" options=kinds error>{t!(i18n, perks.kind_label)}</SelectField>
                    <Field name="value" id="offer-value" error hint=ViewFn::from(move || t!(i18n, perks.value_hint))>{t!(i18n, perks.value_label)}</Field>
                    <SelectField name="audience" id="offer-audience" options=audiences error>{t!(i18n, perks.audience_label)}</SelectField>
                    <Field name="members" id="offer-members" error hint=ViewFn::from(move || t!(i18n, perks.members_hint))>{t!(i18n, perks.members_label)}</Field>
                    <Field name="starts_on" id="offer-starts" kind="date" error>{t!(i18n, program.starts_on)}</Field>
                    <Field name="ends_on" id="offer-ends" kind="date" error>{t!(i18n, program.ends_on)}</Field>
                    <Field name="per_member_limit" id="offer-per-member" kind="number" error hint=ViewFn::from(move || t!(i18n, rewards.stock_hint))>{t!(i18n, perks.per_member_label)}</Field>
                    <Field name="total_limit" id="offer-total" kind="number" error hint=ViewFn::from(move || t!(i18n, rewards.stock_hint))>{t!(i18n, perks.total_label)}</Field>
                    <button type="submit" class="button primary">{t!(i18n, perks.add_offer_submit)}</button>
                    <SavedNotice action>{t!(i18n, perks.offer_added)}</SavedNotice>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ReturnCard(d: PerksAdmin, action: ServerAction<SavePerkSettings>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let PerkSettings {
        return_percent,
        return_min_purchase,
        return_days,
        return_min_next,
        referral_points,
        referral_min_purchase,
    } = d.settings;
    let currency = d.currency.code();
    // Amounts in the fields as the viewer writes them; the server reads "25,00" and "25.00".
    let locale = i18n.get_locale_untracked().as_str();
    let plain = move |minor| format::amount_input(locale, minor);
    let hint_pct = move || {
        t_string!(i18n, perks.return_percent_hint)
            .replace("{p}", &SUGGESTED_RETURN_PERCENT.to_string())
    };
    view! {
        <section class="card" aria-labelledby="return-title">
            <h2 id="return-title">{t!(i18n, perks.return_title)}</h2>
            <p class="hint">{t!(i18n, perks.return_explain)}</p>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <FormError error />
                <fieldset disabled=!d.can_edit>
                    <Field name="return_percent" id="return-percent" kind="number" error
                        value=return_percent.map_or_else(String::new, |p| p.to_string())
                        hint=ViewFn::from(hint_pct)>{t!(i18n, perks.return_percent_label)}</Field>
                    <Field name="return_min_purchase" id="return-min" error value=plain(return_min_purchase)
                        hint=ViewFn::from(move || currency)>{t!(i18n, perks.return_min_label)}</Field>
                    <Field name="return_days" id="return-days" kind="number" error value=return_days.to_string()>{t!(i18n, perks.return_days_label)}</Field>
                    <Field name="return_min_next" id="return-min-next" error value=plain(return_min_next)
                        hint=ViewFn::from(move || currency)>{t!(i18n, perks.return_min_next_label)}</Field>
                    <h3 class="section-gap">{t!(i18n, perks.refer_title)}</h3>
                    <Field name="referral_points" id="referral-points" kind="number" error value=referral_points.to_string()
                        hint=ViewFn::from(move || t!(i18n, perks.referral_points_hint))>{t!(i18n, perks.referral_points_label)}</Field>
                    <Field name="referral_min_purchase" id="referral-min" error value=plain(referral_min_purchase)
                        hint=ViewFn::from(move || currency)>{t!(i18n, perks.referral_min_label)}</Field>
                    {d.can_edit.then(|| view! { <button type="submit" class="button primary">{t!(i18n, common.save)}</button> })}
                </fieldset>
                <SavedNotice action>{t!(i18n, common.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn CardsCard(d: PerksAdmin, action: ServerAction<SavePunchCard>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let rows: Vec<_> = d
        .cards
        .iter()
        .map(|c: &PunchCard| {
            let how = if c.per_item {
                t_string!(i18n, perks.per_item).to_owned()
            } else {
                t_string!(i18n, perks.per_purchase).to_owned()
            };
            view! {
                <tr>
                    <td>{c.name.clone()}</td>
                    <td class="num">{c.stamps_needed}</td>
                    <td>{how}</td>
                    <td>{c.reward.clone()}</td>
                </tr>
            }
        })
        .collect();
    let rewards: Vec<(String, String)> = d
        .rewards
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    view! {
        <section class="card" aria-labelledby="cards-admin-title">
            <h2 id="cards-admin-title">{t!(i18n, perks.cards_title)}</h2>
            {if rows.is_empty() {
                view! { <p class="hint">{t!(i18n, perks.no_cards)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="group" aria-labelledby="cards-admin-title">
                        <table>
                            <thead><tr>
                                <th scope="col">{t!(i18n, perks.col_card)}</th>
                                <th scope="col" class="num">{t!(i18n, perks.col_stamps)}</th>
                                <th scope="col">{t!(i18n, perks.col_how)}</th>
                                <th scope="col">{t!(i18n, rewards.col_reward)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {(d.can_edit && !rewards.is_empty()).then(|| view! {
                <ActionForm action attr:novalidate=true attr:aria-labelledby="add-card-title" attr:class="stack">
                    <h3 id="add-card-title" class="section-gap">{t!(i18n, perks.add_card)}</h3>
                    <FormError error />
                    <Field name="name" id="card-name" error>{t!(i18n, perks.card_name_label)}</Field>
                    <Field name="stamps_needed" id="card-stamps" kind="number" error value="10".to_owned()>{t!(i18n, perks.stamps_label)}</Field>
                    <SelectField name="reward_id" id="card-reward" options=rewards error>{t!(i18n, perks.card_reward_label)}</SelectField>
                    <div class="check">
                        <input type="checkbox" id="card-per-item" name="per_item" value="true" />
                        <label for="card-per-item">{t!(i18n, perks.per_item_label)}</label>
                    </div>
                    <Field name="min_amount" id="card-min" error hint=ViewFn::from(move || t!(i18n, perks.card_min_hint))>{t!(i18n, perks.card_min_label)}</Field>
                    <button type="submit" class="button primary">{t!(i18n, perks.add_card_submit)}</button>
                    <SavedNotice action>{t!(i18n, perks.card_added)}</SavedNotice>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ReferralsCard(d: PerksAdmin) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let rows: Vec<_> = d
        .referrals
        .into_iter()
        .map(|(name, email, joined, rewarded)| {
            view! {
                <tr>
                    <td>{name} <span class="reason">{email}</span></td>
                    <td class="num">{move || format::number(locale(), joined)}</td>
                    <td class="num">{move || format::number(locale(), rewarded)}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <section class="card" aria-labelledby="referrals-title">
            <h2 id="referrals-title">{t!(i18n, perks.referrals_title)}</h2>
            {if rows.is_empty() {
                view! { <p class="hint">{t!(i18n, perks.no_referrals)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="group" aria-labelledby="referrals-title">
                        <table>
                            <thead><tr>
                                <th scope="col">{t!(i18n, perks.col_member)}</th>
                                <th scope="col" class="num">{t!(i18n, perks.col_joined)}</th>
                                <th scope="col" class="num">{t!(i18n, perks.col_rewarded)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
