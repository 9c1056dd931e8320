//! Errors of server actions as pages show them: the last error of an action (including one a
//! plain form post carried back in the query), and messages that carry a number.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    error::AppError,
    i18n::{t, use_i18n},
};

/// An action's last result. Before the action has run in this page, the result of a plain
/// form post (no WASM) counts: the server redirected back here with it in the query
/// (`__path` naming the server function, then `__err` for an error or `__out` for what it
/// returned; see the server's `server_fn_handler`), whichever component created the action.
/// So a page served without the WASM shows the same confirmation as a hydrated one.
pub fn last_result<S>(action: ServerAction<S>) -> Signal<Option<Result<S::Output, AppError>>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        action.value().get().or_else(|| {
            query.with(|q| {
                if q.get_str("__path") != Some(S::PATH) {
                    return None;
                }
                match (q.get_str("__err"), q.get_str("__out")) {
                    (Some(err), _) => Some(Err(url_error(err))),
                    (None, Some(out)) => url_output::<S::Output>(out).map(Ok),
                    (None, None) => None,
                }
            })
        })
    })
}

/// The error of an action's last result, if it failed (see `last_result`).
pub fn last_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    let result = last_result(action);
    Signal::derive(move || result.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// What a server function returned, as a plain form post's redirect carries it: its JSON
/// (the query's own escaping keeps it intact). Anything else — a forged or cut link — shows
/// nothing.
fn url_output<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    serde_json::from_str(json).ok()
}

/// An error as a plain form post's redirect carries it in the query.
fn url_error(encoded: &str) -> AppError {
    leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(encoded)
}

/// "You need 103 more points", with the number the server counted.
pub(super) fn points_short(missing: i64) -> AnyView {
    use crate::i18n::format::{self, Plural, plural};
    let i18n = use_i18n();
    (move || {
        let locale = crate::i18n::LocaleExt::as_str(i18n.get_locale());
        let n = format::number(locale, missing);
        let points = move || n.clone();
        match plural(locale, missing) {
            Plural::One => t!(i18n, errors.points_short_sg, points = points).into_any(),
            Plural::Zero => t!(i18n, errors.points_short_pl0, points = points).into_any(),
            Plural::Other => t!(i18n, errors.points_short_pl, points = points).into_any(),
        }
    })
    .into_any()
}
