//! Ledger widgets shared by the member's home and the staff counter.

use leptos::prelude::*;

use super::types::{Movement, MovementKind};
use crate::i18n::{LocaleExt as _, format, t, t_string, use_i18n};

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
    }
}

/// A signed amount as the locale writes it (`+1,200` / `−50`).
fn signed(locale: &str, n: i64) -> String {
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
