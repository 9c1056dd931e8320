//! A case's words and its timeline, shared by the member's view and the console's inbox:
//! statuses, categories and events in the viewer's language.

use leptos::prelude::*;

use super::{
    api::CaseEvent,
    types::{CaseStatus, Category},
};
use crate::i18n::{LocaleExt as _, format, t_string, use_i18n};

/// A case status in the viewer's language.
pub fn status_label(status: CaseStatus) -> &'static str {
    let i18n = use_i18n();
    match status {
        CaseStatus::New => t_string!(i18n, feedback.status_new),
        CaseStatus::InProgress => t_string!(i18n, feedback.status_in_progress),
        CaseStatus::Waiting => t_string!(i18n, feedback.status_waiting),
        CaseStatus::Resolved => t_string!(i18n, feedback.status_resolved),
    }
}

/// A category in the viewer's language.
pub(super) fn category_label(c: Category) -> &'static str {
    let i18n = use_i18n();
    match c {
        Category::Product => t_string!(i18n, feedback.cat_product),
        Category::Service => t_string!(i18n, feedback.cat_service),
        Category::Staff => t_string!(i18n, feedback.cat_staff),
        Category::Delivery => t_string!(i18n, feedback.cat_delivery),
        Category::Other => t_string!(i18n, feedback.cat_other),
    }
}

fn event_label(kind: &str) -> &'static str {
    let i18n = use_i18n();
    match kind {
        "opened" => t_string!(i18n, feedback.ev_opened),
        "note" => t_string!(i18n, feedback.ev_note),
        "reply" => t_string!(i18n, feedback.ev_reply),
        "member_reply" => t_string!(i18n, feedback.ev_member_reply),
        "again" => t_string!(i18n, feedback.ev_again),
        "status" => t_string!(i18n, feedback.ev_status),
        "assigned" => t_string!(i18n, feedback.ev_assigned),
        "resolved" => t_string!(i18n, feedback.ev_resolved),
        "reward" => t_string!(i18n, feedback.ev_reward),
        _ => t_string!(i18n, feedback.ev_goodwill),
    }
}

/// A case's timeline, oldest first.
#[component]
pub(super) fn Timeline(events: Vec<CaseEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    view! {
        <ol class="timeline">
            {events.into_iter().map(|e| {
                let at = e.at.clone();
                let label = event_label(&e.kind);
                let body = match e.kind.as_str() {
                    "status" => CaseStatus::parse(&e.body).map_or(e.body.clone(), |s| status_label(s).to_owned()),
                    "goodwill" => t_string!(i18n, feedback.goodwill_points).replace(
                        "{points}",
                        &e.body.parse().map_or_else(|_| e.body.clone(), |n| format::number(locale(), n)),
                    ),
                    _ => e.body.clone(),
                };
                view! {
                    <li class=format!("event event-{}", e.kind)>
                        <p class="hint">
                            {move || format::date_time(locale(), &at)} " · " {label}
                            {e.who.map(|w| format!(" · {w}"))}
                        </p>
                        {(!body.is_empty()).then(|| view! { <p>{body}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
