//! The confirmation a form shows once it has saved ("Saved.", "Offer added."), so that staff
//! at a busy till see their change went through without scanning the page for it.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::error::AppError;

/// The children, shown after `action` last succeeded (in this page, or as a plain form post
/// that came back here) and hidden while it runs again. The
/// status region is there from the start, so screen readers announce the text when it appears.
#[component]
pub fn SavedNotice<S>(
    /// The form's action.
    action: ServerAction<S>,
    /// The confirmation text.
    children: ChildrenFn,
    /// For forms that share one action: whether this form was the one sent.
    #[prop(optional, into)]
    mine: Option<Signal<bool>>,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    let result = super::last_result(action);
    let done = move || {
        mine.is_none_or(|m| m.get())
            && !action.pending().get()
            && result.with(|v| matches!(v, Some(Ok(_))))
    };
    view! {
        <div role="status" class="saved">
            {move || done().then(|| view! { <p class="notice">{children()}</p> })}
        </div>
    }
}

/// A secret shown the one time it exists (an API key, a webhook's signing secret): what it is,
/// the secret to copy, and that it is not shown again. Nothing while `secret` is `None`.
#[component]
pub fn ShownOnce(
    /// The secret, once made.
    secret: Signal<Option<String>>,
    /// What was made and where the secret goes.
    made: Signal<&'static str>,
    /// That it is not shown again, and what to do if it is lost.
    once: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <Show when=move || secret.with(Option::is_some)>
            <div class="notice" role="status">
                <p>{made}</p>
                <p><code class="secret">{move || secret.get()}</code></p>
                <p>{once}</p>
            </div>
        </Show>
    }
}
