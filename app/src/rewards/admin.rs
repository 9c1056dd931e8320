//! The rewards catalog on the console's program page: what there is (cost, stock, dates, tier,
//! code validity, what happens to unused codes) and a form to add a reward.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::SaveReward,
    types::{ICONS, Offered},
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    loyalty::rules::Program,
    ui::{Field, FormError, SavedNotice, SelectField, last_error},
};

/// An icon's name in the viewer's language, for the icon picker.
fn icon_name(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, key: &str) -> &'static str {
    match key {
        "coffee" => t_string!(i18n, rewards.icon_coffee),
        "pastry" => t_string!(i18n, rewards.icon_pastry),
        "voucher" => t_string!(i18n, rewards.icon_voucher),
        "bag" => t_string!(i18n, rewards.icon_bag),
        "star" => t_string!(i18n, rewards.icon_star),
        _ => t_string!(i18n, rewards.icon_gift),
    }
}

/// The catalog and (managers and owners) the form that adds to it.
#[component]
pub fn RewardsCard(
    p: Program,
    rewards: Vec<Offered>,
    action: ServerAction<SaveReward>,
    can_edit: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut tiers = vec![(String::new(), t_string!(i18n, rewards.any_tier).to_owned())];
    tiers.extend(p.tiers.iter().map(|t| (t.id.to_string(), t.name.clone())));
    let icons: Vec<(String, String)> = ICONS
        .iter()
        .map(|k| ((*k).to_owned(), icon_name(i18n, k).to_owned()))
        .collect();
    view! {
        <section class="card" aria-labelledby="rewards-title">
            <h2 id="rewards-title">{t!(i18n, rewards.admin_title)}</h2>
            <RewardTable rewards />
            {can_edit.then(|| view! { <AddRewardForm tiers icons action /> })}
        </section>
    }
    .into_any()
}

#[component]
fn RewardTable(rewards: Vec<Offered>) -> impl IntoView {
    let i18n = use_i18n();
    if rewards.is_empty() {
        view! { <p class="hint">{t!(i18n, rewards.none_offered)}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap" tabindex="0" role="group" aria-labelledby="rewards-title">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, rewards.col_reward)}</th>
                            <th scope="col" class="num">{t!(i18n, rewards.cost_label)}</th>
                            <th scope="col" class="num">{t!(i18n, rewards.stock_label)}</th>
                            <th scope="col">{t!(i18n, rewards.col_rules)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rewards.into_iter().map(|Offered { reward, .. }| view! { <RewardRow r=reward /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    }
}

#[component]
fn RewardRow(r: super::types::Reward) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let (cost, stock, days) = (r.cost, r.stock, r.valid_days);
    let (starts, ends) = (r.starts_on.clone(), r.ends_on.clone());
    let dates = move || format::date_range(locale(), starts.as_deref(), ends.as_deref());
    let tier = r.min_tier.clone().map(|(_, n)| n);
    let rule = if r.refund_if_unused {
        t!(i18n, rewards.rule_returns).into_any()
    } else {
        t!(i18n, rewards.rule_no_return).into_any()
    };
    let conditions = view! {
        {t!(i18n, rewards.valid_days, days = move || days)}
        " "
        {rule}
        {tier.map(|name| view! { " " {t!(i18n, rewards.min_tier, tier = move || name.clone())} })}
        {move || dates().map(|d| view! { " " <span class="reason">{d}</span> })}
    }
    .into_any();
    view! {
        <tr>
            <td>
                <super::pages::RewardIcon key=r.icon.clone() /> " " {r.name.clone()}
                {(!r.active).then(|| view! { " " <span class="reason">{t!(i18n, rewards.inactive)}</span> })}
            </td>
            <td class="num">{move || format::number(locale(), cost)}</td>
            <td class="num">
                {move || stock.map_or_else(|| t_string!(i18n, rewards.unlimited).to_owned(), |n| format::number(locale(), n))}
            </td>
            <td class="wrap">{conditions}</td>
        </tr>
    }
    .into_any()
}

#[component]
fn AddRewardForm(
    tiers: Vec<(String, String)>,
    icons: Vec<(String, String)>,
    action: ServerAction<SaveReward>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    view! {
        <ActionForm action attr:novalidate=true attr:aria-labelledby="add-reward-title" attr:class="stack">
            <h3 id="add-reward-title" class="section-gap">{t!(i18n, rewards.add_title)}</h3>
            <FormError error />
            <Field name="name" id="reward-name" error>{t!(i18n, program.name)}</Field>
            <Field name="description" id="reward-description" error>{t!(i18n, rewards.description_label)}</Field>
            <Field name="cost" id="reward-cost" error>{t!(i18n, rewards.cost_label)}</Field>
            <Field name="stock" id="reward-stock" error hint=ViewFn::from(move || t!(i18n, rewards.stock_hint))>
                {t!(i18n, rewards.stock_label)}
            </Field>
            <Field name="starts_on" id="reward-starts" kind="date" error>{t!(i18n, program.starts_on)}</Field>
            <Field name="ends_on" id="reward-ends" kind="date" error>{t!(i18n, program.ends_on)}</Field>
            <SelectField name="min_tier_id" id="reward-tier" options=tiers error>
                {t!(i18n, rewards.min_tier_label)}
            </SelectField>
            <SelectField name="icon" id="reward-icon" options=icons error>
                {t!(i18n, rewards.icon_label)}
            </SelectField>
            <Field name="valid_days" id="reward-days" value="30".to_owned() error>{t!(i18n, rewards.valid_days_label)}</Field>
            <div class="check">
                <input type="checkbox" id="reward-refund" name="refund_if_unused" value="on" />
                <label for="reward-refund">{t!(i18n, rewards.refund_label)}</label>
            </div>
            <button type="submit" class="button primary">{t!(i18n, rewards.add_submit)}</button>
            <SavedNotice action>{t!(i18n, rewards.reward_added)}</SavedNotice>
        </ActionForm>
    }
    .into_any()
}
