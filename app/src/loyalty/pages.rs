//! `/me/history`: the signed-in member's points history. (The staff counter is in
//! `counter_page`.)

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use super::{api::member_history, components::MovementTable};
use crate::{
    i18n::{t, t_string, use_i18n},
    ui::{Loading, PageTitle, error_view},
};

/// `/me/history`: every movement of the signed-in member, newest first, a page at a time
/// (`?before=<movement id>` for older ones).
#[component]
pub fn PointsHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = move || query.with(|m| m.get("before").and_then(|b| b.parse::<i64>().ok()));
    let page = Resource::new(before, |before| member_history(None, before));
    view! {
        <PageTitle>{t!(i18n, points.history_title)}</PageTitle>
        <section class="card">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(slice) => {
                            let older = slice.older;
                            view! {
                                <MovementTable movements=slice.movements />
                                <nav class="pager" aria-label=move || t_string!(i18n, points.pages)>
                                    {before().is_some().then(|| view! { <A href="/me/history">{t!(i18n, points.newest)}</A> })}
                                    {older.map(|id| view! { <A href=format!("/me/history?before={id}")>{t!(i18n, points.older)}</A> })}
                                </nav>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
