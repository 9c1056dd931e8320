//! Server-side plumbing every `api.rs` uses: the shared state, who is calling, and the HTTP
//! status of an error. Only compiled with `ssr`.

use axum::{
    extract::{ConnectInfo, FromRef},
    http::{HeaderValue, header, request::Parts},
};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::{net::SocketAddr, sync::Arc};

use crate::{
    accounts::{CurrentUser, Hasher, Limits, Role},
    db::{BoxFuture, Db, Stamp},
    error::AppError,
};

/// Everything a request handler may need. One per running server (tests get their own).
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos' own options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The database pools.
    pub db: Db,
    /// Password hashing with bounded concurrency.
    pub hasher: Hasher,
    /// Sign-in and sign-up rate limits.
    pub limits: Arc<Limits>,
    /// Sessions older than this are ended, however active.
    pub session_absolute: std::time::Duration,
    /// An active session is saved again (its idle deadline moved) at most this often.
    pub session_touch: std::time::Duration,
    /// Whether cookies this server sets carry `Secure`.
    pub secure_cookies: bool,
    /// The program's time (tests set it).
    pub clock: crate::db::Clock,
    /// The public address users reach (links in pages and messages).
    pub base_url: Arc<str>,
    /// Reverse proxies whose word on the client's address is taken.
    pub proxies: Arc<crate::proxies::Proxies>,
    /// Whether webhooks may point at loopback, private and link-local addresses (and use
    /// plain http): tests and local receivers only.
    pub webhooks_allow_private: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, as provided to every server function and page render.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The signed-in account making this request (resolved once per request by the server's
/// auth middleware), if any.
pub fn caller() -> Option<CurrentUser> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<CurrentUser>().cloned())
}

/// The caller, if they hold at least `required`; `Unauthorized` when nobody is signed in,
/// `Forbidden` when the role is too low.
pub fn require(required: Role) -> Result<CurrentUser, AppError> {
    let user = caller().ok_or(AppError::Unauthorized)?;
    if user.role.at_least(required) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Runs `work` on the write queue (one job of a commit, see [`Db::write`]) as the signed-in
/// caller holding at least `required`, given who that is and the time now (the server's
/// clock). Answers 401/403 before anything is queued.
pub async fn write_as<T, F>(required: Role, work: F) -> Result<T, AppError>
where
    F: for<'c> FnOnce(
            &'c mut sqlx::SqliteConnection,
            CurrentUser,
            Stamp,
        ) -> BoxFuture<'c, Result<T, AppError>>
        + Send
        + 'static,
    T: Send + 'static,
{
    let me = require(required)?;
    let st = state()?;
    let now = st.clock.now();
    st.db.write(move |tx| work(tx, me, now)).await
}

/// The signed-in member: `Unauthorized` without an account, `Forbidden` for staff (the
/// member-only functions act on the caller's own points, codes and cases).
pub fn require_member() -> Result<CurrentUser, AppError> {
    let user = caller().ok_or(AppError::Unauthorized)?;
    if user.role == crate::accounts::Role::Member {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address: the peer's, or, from a trusted proxy, the one it forwards.
pub fn client_ip() -> String {
    let Some(parts) = use_context::<Parts>() else {
        return "unknown".to_owned();
    };
    let Some(peer) = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".to_owned();
    };
    let Some(st) = use_context::<AppState>() else {
        return peer.to_string();
    };
    let values = |name: header::HeaderName| -> Vec<&str> {
        parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    st.proxies
        .client(
            peer,
            &values(header::FORWARDED),
            &values(header::HeaderName::from_static("x-forwarded-for")),
        )
        .to_string()
}

/// The caller's language: their account's, else the language cookie's, else the browser's
/// (`Accept-Language`, as the page itself picks it), else English.
pub fn current_language() -> String {
    if let Some(user) = caller() {
        return crate::i18n::LocaleExt::as_str(user.language).to_owned();
    }
    let parts = use_context::<Parts>();
    let browser = || {
        parts
            .as_ref()?
            .headers
            .get(header::ACCEPT_LANGUAGE)?
            .to_str()
            .ok()
            .and_then(crate::i18n::from_accept_language)
            .map(str::to_owned)
    };
    parts
        .as_ref()
        .and_then(|p| {
            p.headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .find_map(|c| {
                    c.trim()
                        .strip_prefix(crate::i18n::LANG_COOKIE)?
                        .strip_prefix('=')
                        .map(str::to_owned)
                })
        })
        .and_then(|code| {
            use crate::i18n::LocaleExt as _;
            crate::i18n::parse_locale(&code).map(|l| l.as_str().to_owned())
        })
        .or_else(browser)
        .unwrap_or_else(|| "en".to_owned())
}

/// The path of the request being answered (none outside a request).
pub fn request_path() -> Option<String> {
    use_context::<Parts>().map(|p| p.uri.path().to_owned())
}

/// True for a plain HTML form post (no WASM yet): those get a redirect carrying the error,
/// so the status must stay a redirect.
pub fn is_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)?
                .to_str()
                .ok()
                .map(|a| a.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Adds a `Set-Cookie` header to this response.
pub fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(cookie),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Content-Security-Policy for an HTML page: scripts only from this origin or carrying this
/// response's nonce (Leptos' hydration and streaming scripts get it), WASM compilation allowed,
/// no framing. The other security headers come from the server's middleware.
pub fn page_security_headers() {
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&csp),
    ) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
