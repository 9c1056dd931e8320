//! Ledger widgets shared by the member's home and the staff counter.

use leptos::prelude::*;

use super::types::{Movement, MovementKind, PointsSummary};
use crate::i18n::{
    LocaleExt as _,
    format::{self, Plural, plural},
    t, t_string, use_i18n,
};

fn kind_label(kind: MovementKind) -> &'static str {
    let i18n = use_i18n();
    match kind {
        MovementKind::Earn => t_string!(i18n, kinds.earn),
        MovementKind::Redeem => t_string!(i18n, kinds.redeem),
        MovementKind::RefundReversal => t_string!(i18n, kinds.refund_reversal),
        MovementKind::Expiry => t_string!(i18n, kinds.expiry),
        MovementKind::Adjustment => t_string!(i18n, kinds.adjustment),
        MovementKind::Bonus => t_string!(i18n, kinds.bonus),
        MovementKind::Goodwill => t_string!(i18n, kinds.goodwill),
        MovementKind::RewardReturn => t_string!(i18n, kinds.reward_return),
        MovementKind::Referral => t_string!(i18n, kinds.referral),
    }
}

/// A signed amount as the locale writes it (`+1,200` / `−50`).
pub fn signed(locale: &str, n: i64) -> String {
    if n > 0 {
        format!("+{}", format::number(locale, n))
    } else {
        format!("−{}", format::number(locale, -n))
    }
}

/// A balance in large type with its label.
#[component]
pub fn BalanceCard(balance: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="balance">
            <span class="balance-label">{t!(i18n, points.balance)}</span>
            <span class="balance-value">{move || format::number(i18n.get_locale().as_str(), balance)}</span>
            <span class="balance-unit">{t!(i18n, points.unit)}</span>
        </div>
    }
}

/// Recent movements, newest first.
#[component]
pub fn MovementTable(movements: Vec<Movement>) -> impl IntoView {
    let i18n = use_i18n();
    if movements.is_empty() {
        return view! { <p class="hint">{t!(i18n, points.no_activity)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="movements">
                <caption class="visually-hidden">{t!(i18n, points.activity)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, points.col_date)}</th>
                        <th scope="col">{t!(i18n, points.col_what)}</th>
                        <th scope="col" class="num">{t!(i18n, points.col_points)}</th>
                        <th scope="col" class="num">{t!(i18n, points.balance)}</th>
                    </tr>
                </thead>
                <tbody>
                    {movements
                        .into_iter()
                        .map(|m| {
                            let locale = move || i18n.get_locale().as_str();
                            let date = m.created_at.clone();
                            view! {
                                <tr>
                                    <td>{move || format::date(locale(), &date)}</td>
                                    <td>
                                        {move || kind_label(m.kind)}
                                        {(!m.reason.is_empty()).then(|| view! { <span class="reason">{m.reason.clone()}</span> })}
                                        {m.location.clone().map(|l| view! { <span class="reason">{l}</span> })}
                                    </td>
                                    <td class="num">{move || signed(locale(), m.amount)}</td>
                                    <td class="num">{move || format::number(locale(), m.balance_after)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Tier, progress to the next tier and the next expiry.
#[component]
pub fn StandingCard(summary: PointsSummary) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let tier = summary.tier.clone().map(|tier| {
        let perks =
            (!tier.perks.is_empty()).then(|| view! { <p class="perks">{tier.perks.clone()}</p> });
        let name = tier.name.clone();
        view! {
            <p class="tier">
                <span class="tier-label">{t!(i18n, points.tier)}</span>
                <strong class="tier-name">{name}</strong>
            </p>
            {perks}
        }
    });
    let earned = summary.earned;
    let months = summary.qualification_months;
    let progress = match summary.next_tier.clone() {
        Some((next, missing)) => {
            let name = next.name.clone();
            view! {
                <div class="progress">
                    <label for="tier-progress">
                        {move || {
                            let (n, name) = (format::number(locale(), missing), name.clone());
                            match plural(locale(), missing) {
                                Plural::One => t!(i18n, points.to_next_sg, points = move || n.clone(), tier = move || name.clone()).into_any(),
                                Plural::Zero => t!(i18n, points.to_next_pl0, points = move || n.clone(), tier = move || name.clone()).into_any(),
                                Plural::Other => t!(i18n, points.to_next_pl, points = move || n.clone(), tier = move || name.clone()).into_any(),
                            }
                        }}
                    </label>
                    <progress id="tier-progress" max=next.threshold value=earned></progress>
                    <p class="hint">{t!(i18n, points.earned_in_period, points = move || format::number(locale(), earned), months = move || months)}</p>
                </div>
            }
            .into_any()
        }
        None if summary.tier.is_some() => {
            view! { <p class="hint">{t!(i18n, points.top_tier)}</p> }.into_any()
        }
        None => ().into_any(),
    };
    let expiry = summary.next_expiry.clone().map(|(n, at)| {
        view! {
            <p class="expiry">
                {move || {
                    let (count, date) = (format::number(locale(), n), format::date(locale(), &at));
                    match plural(locale(), n) {
                        Plural::One => t!(i18n, points.expiring_sg, points = move || count.clone(), date = move || date.clone()).into_any(),
                        Plural::Zero => t!(i18n, points.expiring_pl0, points = move || count.clone(), date = move || date.clone()).into_any(),
                        Plural::Other => t!(i18n, points.expiring_pl, points = move || count.clone(), date = move || date.clone()).into_any(),
                    }
                }}
            </p>
        }
    });
    view! {
        <div class="standing">
            {tier}
            {progress}
            {expiry}
        </div>
    }
}

/// The member's card: a QR code of their member number and the number as text.
#[component]
pub fn MemberCardView(number: String) -> impl IntoView {
    let i18n = use_i18n();
    let spaced = format!(
        "{} {}",
        &number[..number.len().min(4)],
        &number[number.len().min(4)..]
    );
    view! {
        <section class="card member-card" aria-labelledby="member-card-title">
            <h2 id="member-card-title">{t!(i18n, points.card_title)}</h2>
            <img src="/me/card.svg" width="176" height="176" alt=move || t_string!(i18n, points.card_qr_alt) />
            <p class="member-number">{spaced}</p>
            <p class="hint">{t!(i18n, points.card_hint)}</p>
        </section>
    }
}
