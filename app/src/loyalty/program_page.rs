//! `/console/programs`: the loyalty program's rules — earning rate and rounding, expiry, tier
//! qualification and downgrades, tiers, bonus rules, locations — with a preview of what a
//! purchase earns. Managers and owners change them; other staff read them.

use leptos::{form::ActionForm, prelude::*};

use super::{
    program_api::{
        AddBonusRule, AddLocation, SaveSettings, SaveTier, SetBonusRuleActive, program_rules,
    },
    program_preview::{Draft, PreviewCard},
    rules::{Currency, Downgrade, Program, Rounding, Tier},
};
use crate::{
    accounts::{Role, use_auth},
    error::AppError,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    members::countries,
    rewards::{
        admin::RewardsCard,
        api::{SaveReward, reward_catalog},
    },
    ui::{Field, FormError, Loading, PageTitle, SavedNotice, SelectField, error_view, last_error},
};

fn weekday_name(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, d: u8) -> &'static str {
    match d {
        1 => t_string!(i18n, program.mon),
        2 => t_string!(i18n, program.tue),
        3 => t_string!(i18n, program.wed),
        4 => t_string!(i18n, program.thu),
        5 => t_string!(i18n, program.fri),
        6 => t_string!(i18n, program.sat),
        _ => t_string!(i18n, program.sun),
    }
}

/// The program page.
#[component]
pub fn ProgramPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let settings = ServerAction::<SaveSettings>::new();
    let tier = ServerAction::<SaveTier>::new();
    let bonus = ServerAction::<AddBonusRule>::new();
    let active = ServerAction::<SetBonusRuleActive>::new();
    let location = ServerAction::<AddLocation>::new();
    let reward = ServerAction::<SaveReward>::new();
    let rewards = Resource::new(move || reward.version().get(), |_| reward_catalog());
    let program = Resource::new(
        move || {
            (
                settings.version().get(),
                tier.version().get(),
                bonus.version().get(),
                active.version().get(),
                location.version().get(),
            )
        },
        |_| program_rules(),
    );
    view! {
        <PageTitle>{t!(i18n, program.title)}</PageTitle>
        <p><leptos_router::components::A href="/console/programs/texts">{t!(i18n, texts.link)}</leptos_router::components::A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                // Awaited, not read: the account may still be loading while hydrating.
                let can_edit = auth
                    .user
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.role.at_least(Role::Manager));
                let loaded = async { Ok::<_, AppError>((program.await?, rewards.await?)) };
                match loaded.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok((p, catalog)) => {
                        let draft = Draft::new(&p.settings, i18n.get_locale_untracked().as_str());
                        view! {
                        <SettingsCard p=p.clone() action=settings can_edit draft />
                        {can_edit.then(|| view! { <PreviewCard p=p.clone() draft /> })}
                        <TiersCard p=p.clone() action=tier can_edit />
                        <BonusCard p=p.clone() action=bonus toggle=active can_edit />
                        <RewardsCard p=p.clone() rewards=catalog action=reward can_edit />
                        <LocationsCard p action=location can_edit />
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsCard(
    p: Program,
    action: ServerAction<SaveSettings>,
    can_edit: bool,
    draft: Draft,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked().as_str();
    let error = last_error(action);
    let s = p.settings;
    let currencies: Vec<(String, String)> = Currency::ALL
        .iter()
        .map(|c| (c.code().to_owned(), c.code().to_owned()))
        .collect();
    let roundings = vec![
        (
            Rounding::Down.as_str().to_owned(),
            t_string!(i18n, program.round_down).to_owned(),
        ),
        (
            Rounding::Nearest.as_str().to_owned(),
            t_string!(i18n, program.round_nearest).to_owned(),
        ),
    ];
    let downgrades = vec![
        (
            Downgrade::OneTier.as_str().to_owned(),
            t_string!(i18n, program.downgrade_one).to_owned(),
        ),
        (
            Downgrade::ToEarned.as_str().to_owned(),
            t_string!(i18n, program.downgrade_earned).to_owned(),
        ),
    ];
    // Unset, the country follows the time zone (or there is none, as for UTC).
    let unset = match crate::members::phone::country_of_zone(&s.time_zone) {
        Some(code) => {
            let name = countries::name(locale, code);
            format!("{} ({name})", t_string!(i18n, program.country_from_zone))
        }
        None => t_string!(i18n, program.country_none).to_owned(),
    };
    let country_options: Vec<(String, String)> = std::iter::once((String::new(), unset))
        .chain(crate::members::phone::countries().map(|code| {
            let name = countries::name(locale, code);
            (code.to_owned(), name.to_owned())
        }))
        .collect();
    view! {
        <section class="card" aria-labelledby="settings-title">
            <h2 id="settings-title">{t!(i18n, program.settings_title)}</h2>
            <ActionForm action attr:novalidate=true>
                // The preview follows the rate and rounding as they are typed.
                <fieldset disabled=!can_edit on:input=move |ev| draft.follow(&ev)>
                    <FormError error />
                    <SelectField name="currency" id="currency" options=currencies selected=s.currency.code().to_owned() error>
                        {t!(i18n, program.currency)}
                    </SelectField>
                    <Field name="rate" error value=format::decimal_input(locale, s.rate_hundredths) hint=ViewFn::from(move || t!(i18n, program.rate_hint))>
                        {t!(i18n, program.rate)}
                    </Field>
                    <SelectField name="rounding" id="rounding" options=roundings selected=s.rounding.as_str() error>
                        {t!(i18n, program.rounding)}
                    </SelectField>
                    <Field name="expiry_months" error value=s.expiry_months.map(|m| m.to_string()).unwrap_or_default() hint=ViewFn::from(move || t!(i18n, program.expiry_hint))>
                        {t!(i18n, program.expiry_months)}
                    </Field>
                    <Field name="qualification_months" error value=s.qualification_months.to_string() hint=ViewFn::from(move || t!(i18n, program.qualification_hint))>
                        {t!(i18n, program.qualification_months)}
                    </Field>
                    <SelectField name="downgrade" id="downgrade" options=downgrades selected=s.downgrade.as_str() error>
                        {t!(i18n, program.downgrade)}
                    </SelectField>
                    <Field name="time_zone" error value=s.time_zone.clone() hint=ViewFn::from(move || t!(i18n, program.time_zone_hint))>
                        {t!(i18n, program.time_zone)}
                    </Field>
                    <SelectField name="country" id="country" options=country_options selected=s.country.clone().unwrap_or_default() error hint=ViewFn::from(move || t!(i18n, program.country_hint))>
                        {t!(i18n, program.country)}
                    </SelectField>
                    {can_edit.then(|| view! { <button type="submit" class="button primary">{t!(i18n, common.save)}</button> })}
                </fieldset>
                <SavedNotice action>{t!(i18n, common.saved)}</SavedNotice>
            </ActionForm>
            <p class="hint">{t!(i18n, program.stacking_rule)}</p>
        </section>
    }
}

#[component]
fn TiersCard(p: Program, action: ServerAction<SaveTier>, can_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    view! {
        <section class="card" aria-labelledby="tiers-title">
            <h2 id="tiers-title">{t!(i18n, program.tiers_title)}</h2>
            <p class="hint">{t!(i18n, program.tiers_hint)}</p>
            <div class="table-wrap" tabindex="0" role="group" aria-labelledby="tiers-title">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, program.name)}</th>
                            <th scope="col" class="num">{t!(i18n, program.threshold)}</th>
                            <th scope="col" class="num">{t!(i18n, program.multiplier)}</th>
                            <th scope="col">{t!(i18n, program.perks)}</th>
                            <th scope="col">{t!(i18n, program.priority_service)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {p.tiers.iter().cloned().map(|t| view! {
                            <tr>
                                <td>{t.name}</td>
                                <td class="num">{move || format::number(locale(), t.threshold)}</td>
                                <td class="num">{move || format::multiplier(locale(), t.multiplier_pct)}</td>
                                <td>{t.perks}</td>
                                <td>{match t.priority_hours {
                                    Some(h) => t!(i18n, program.priority_within, hours = move || format::number(locale(), h)).into_any(),
                                    None => "—".into_any(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {can_edit.then(|| {
                // The forms share one action; what it answers shows in the one sent.
                let sent = RwSignal::new(0_i64);
                view! {
                    {p.tiers.into_iter().map(|t| view! {
                        <details>
                            <summary>{t!(i18n, program.change_tier, name = { let n = t.name.clone(); move || n.clone() })}</summary>
                            <TierForm action sent tier=Some(t) />
                        </details>
                    }).collect_view()}
                    <details>
                        <summary>{t!(i18n, program.add_tier)}</summary>
                        <TierForm action sent tier=None />
                    </details>
                }
            })}
        </section>
    }
}

/// A tier's fields: empty to add one, filled to change `tier`. `sent` is the id of the tier
/// whose form was sent last (0: the new one's), so only that form shows the answer.
#[component]
fn TierForm(
    action: ServerAction<SaveTier>,
    sent: RwSignal<i64>,
    tier: Option<Tier>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = tier.as_ref().map_or(0, |t| t.id);
    let mine = Signal::derive(move || sent.get() == me);
    let any_error = last_error(action);
    let error = Signal::derive(move || any_error.get().filter(|_| mine.get()));
    // Each form's fields get their own ids (`tier-3-name`; `tier-name` for a new one).
    let key = tier
        .as_ref()
        .map_or_else(|| "tier".to_owned(), |t| format!("tier-{}", t.id));
    let id = move |field: &str| format!("{key}-{field}");
    let t = tier.clone();
    let value = move |f: fn(&Tier) -> String| t.as_ref().map(f).unwrap_or_default();
    let hours_hint = ViewFn::from(move || t!(i18n, program.priority_hint));
    let editing = tier.is_some();
    view! {
        <ActionForm action attr:novalidate=true on:submit=move |_| sent.set(me)>
            <FormError error />
            {tier.as_ref().map(|t| view! { <input type="hidden" name="id" value=t.id /> })}
            <Field name="name" id=id("name") error value=value(|t| t.name.clone())>{t!(i18n, program.name)}</Field>
            <Field name="threshold" id=id("threshold") kind="number" error value=value(|t| t.threshold.to_string())>{t!(i18n, program.threshold)}</Field>
            <Field name="multiplier" id=id("multiplier") error value=tier.as_ref().map_or_else(|| "1".to_owned(), |t| crate::loyalty::rules::show_hundredths(t.multiplier_pct))>{t!(i18n, program.multiplier)}</Field>
            <Field name="perks" id=id("perks") error value=value(|t| t.perks.clone())>{t!(i18n, program.perks)}</Field>
            <Field name="priority_hours" id=id("priority") kind="number" error hint=hours_hint
                value=value(|t| t.priority_hours.map(|h| h.to_string()).unwrap_or_default())>
                {t!(i18n, program.priority_hours)}
            </Field>
            <button type="submit" class="button primary">{t!(i18n, common.save)}</button>
            <SavedNotice action mine>{move || match editing {
                true => t!(i18n, program.tier_saved).into_any(),
                false => t!(i18n, program.tier_added).into_any(),
            }}</SavedNotice>
        </ActionForm>
    }
}

#[component]
fn BonusCard(
    p: Program,
    action: ServerAction<AddBonusRule>,
    toggle: ServerAction<SetBonusRuleActive>,
    can_edit: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let locale = move || i18n.get_locale().as_str();
    let location_name = {
        let locations = p.locations.clone();
        move |id: Option<i64>| {
            id.and_then(|id| {
                locations
                    .iter()
                    .find(|l| l.id == id)
                    .map(|l| l.name.clone())
            })
        }
    };
    let mut days = vec![(String::new(), t_string!(i18n, program.any_day).to_owned())];
    days.extend((1..=7u8).map(|d| (d.to_string(), weekday_name(i18n, d).to_owned())));
    let mut locations = vec![(
        String::new(),
        t_string!(i18n, program.any_location).to_owned(),
    )];
    locations.extend(
        p.locations
            .iter()
            .map(|l| (l.id.to_string(), l.name.clone())),
    );
    view! {
        <section class="card" aria-labelledby="bonus-title">
            <h2 id="bonus-title">{t!(i18n, program.bonus_title)}</h2>
            {if p.bonus_rules.is_empty() {
                view! { <p class="hint">{t!(i18n, program.no_bonus)}</p> }.into_any()
            } else {
                view! {
                    <ul class="rules">
                        {p.bonus_rules.into_iter().map(|r| {
                            let when = [
                                r.weekday.map(|d| weekday_name(i18n, d).to_owned()),
                                location_name(r.location_id),
                                format::date_range(locale(), r.starts_on.as_deref(), r.ends_on.as_deref()),
                            ]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ");
                            let (id, on, pct, extra) = (r.id, r.active, r.multiplier_pct, r.extra_points);
                            view! {
                                <li class:inactive=!on>
                                    <strong>{r.name}</strong>
                                    " " {move || format::multiplier(locale(), pct)}
                                    {(extra > 0).then_some(move || format!(" +{}", format::number(locale(), extra)))}
                                    <span class="hint">" " {when}</span>
                                    {can_edit.then(|| view! {
                                        <ActionForm action=toggle attr:class="inline-form">
                                            <input type="hidden" name="id" value=id />
                                            <input type="hidden" name="active" value=(!on).to_string() />
                                            <button type="submit" class="button small">
                                                {if on { t!(i18n, program.switch_off).into_any() } else { t!(i18n, program.switch_on).into_any() }}
                                            </button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {can_edit.then(|| view! {
                <details>
                    <summary>{t!(i18n, program.add_bonus)}</summary>
                    <ActionForm action attr:novalidate=true>
                        <FormError error />
                        <Field name="name" id="bonus-name" error>{t!(i18n, program.name)}</Field>
                        <Field name="multiplier" id="bonus-multiplier" error value="2">{t!(i18n, program.multiplier)}</Field>
                        <Field name="extra_points" id="bonus-extra" kind="number" error value="0">{t!(i18n, program.extra_points)}</Field>
                        <SelectField name="weekday" id="bonus-weekday" options=days error>{t!(i18n, program.weekday)}</SelectField>
                        <SelectField name="location_id" id="bonus-location" options=locations error>{t!(i18n, counter.location_label)}</SelectField>
                        <Field name="starts_on" id="bonus-starts" kind="date" error>{t!(i18n, program.starts_on)}</Field>
                        <Field name="ends_on" id="bonus-ends" kind="date" error>{t!(i18n, program.ends_on)}</Field>
                        <button type="submit" class="button primary">{t!(i18n, common.save)}</button>
                        <SavedNotice action>{t!(i18n, program.bonus_added)}</SavedNotice>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

#[component]
fn LocationsCard(p: Program, action: ServerAction<AddLocation>, can_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    view! {
        <section class="card" aria-labelledby="locations-title">
            <h2 id="locations-title">{t!(i18n, program.locations_title)}</h2>
            <ul class="rules">
                {p.locations.into_iter().map(|l| view! { <li>{l.name}</li> }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <ActionForm action attr:novalidate=true attr:class="inline-form">
                    <FormError error />
                    <Field name="name" id="location-name" error>{t!(i18n, program.new_location)}</Field>
                    <button type="submit" class="button">{t!(i18n, program.add_location)}</button>
                    <SavedNotice action>{t!(i18n, program.location_added)}</SavedNotice>
                </ActionForm>
            })}
        </section>
    }
}
