//! Errors of server actions as pages show them: the last error of an action (including one a
//! plain form post carried back in the query), and messages that carry a number.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    error::AppError,
    i18n::{t, use_i18n},
};

/// The error of an action's last result, if it failed. Before the action has run in this
/// page, the error of a plain form post (no WASM) counts: the server redirected back here with
/// it in the query (`__path`, `__err`), whichever component created the action.
pub fn last_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(result) => result.as_ref().err().cloned(),
            None => query.with(|q| {
                (q.get_str("__path") == Some(S::PATH))
                    .then(|| q.get_str("__err").map(url_error))
                    .flatten()
            }),
        })
    })
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
