//! QR codes as SVG: a member's card, their own reward codes, a feedback form's public link.

use app::server::AppState;
use axum::{extract::State, response::IntoResponse};

/// `text` as a QR code (SVG) that may be cached privately for a day.
fn qr_svg(text: &str) -> axum::response::Response {
    qr_svg_cached(text, "private, max-age=86400")
}

/// `text` as a QR code (SVG) with the given `Cache-Control`.
fn qr_svg_cached(text: &str, cache: &'static str) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(176, 176)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, cache),
                ],
                svg,
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "QR code");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The signed-in member's card as a QR code (SVG) of their member number, which the counter's
/// search box reads like typed text when scanned.
pub(crate) async fn member_card(
    user: Option<axum::Extension<app::accounts::CurrentUser>>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    match user {
        None => StatusCode::UNAUTHORIZED.into_response(),
        Some(axum::Extension(user)) if user.role == app::accounts::Role::Member => {
            qr_svg(&app::loyalty::rules::member_number(user.id))
        }
        Some(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// One of the signed-in member's reward codes as a QR code (`/me/rewards/<CODE>.svg`); other
/// members' codes are not found.
pub(crate) async fn reward_code_qr(
    State(state): State<AppState>,
    user: Option<axum::Extension<app::accounts::CurrentUser>>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let Some(axum::Extension(user)) = user else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(code) = file
        .strip_suffix(".svg")
        .and_then(app::rewards::types::parse_code)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let owner: Result<Option<i64>, _> =
        sqlx::query_scalar("SELECT member_id FROM reward_codes WHERE code = $1")
            .bind(&code)
            .fetch_optional(&state.db.reader)
            .await;
    match owner {
        Ok(Some(id)) if id == user.id => qr_svg(&code),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reward code look-up");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The public page `<path>/<slug>` as a QR code, for `file` = `<slug>.svg` when `query` (with
/// the slug as `$1`) finds it; not found otherwise.
async fn page_qr(
    state: &AppState,
    file: &str,
    query: &str,
    path: &str,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let Some(slug) = file.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let found: Result<Option<String>, _> = sqlx::query_scalar(query)
        .bind(slug)
        .fetch_optional(&state.db.reader)
        .await;
    match found {
        Ok(Some(slug)) => qr_svg(&format!(
            "{}{path}/{slug}",
            state.base_url.trim_end_matches('/')
        )),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, path, "public page look-up");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The public link of an active feedback form as a QR code (`/qr/feedback/<slug>.svg`), to
/// print on receipts and table cards; unknown or closed forms are not found.
pub(crate) async fn feedback_qr(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    let query = "SELECT slug FROM feedback_forms WHERE slug = $1 AND active";
    page_qr(&state, &file, query, "/feedback").await
}

/// A contest's public page as a QR code (`/qr/contest/<slug>.svg`), for its poster.
pub(crate) async fn contest_qr(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    let query = "SELECT slug FROM contests WHERE slug = $1";
    page_qr(&state, &file, query, "/contests").await
}

/// A member offer's public page as a QR code (`/qr/offer/<id>.svg`), for its poster; only
/// for an offer its public page shows.
pub(crate) async fn offer_qr(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let Some(id) = file
        .strip_suffix(".svg")
        .and_then(|f| f.parse::<i64>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let found = async {
        let mut conn = state.db.reader.acquire().await?;
        app::perks::engine::public_offer(&mut conn, id, state.clock.now()).await
    };
    match found.await {
        Ok(Some(_)) => qr_svg(&format!(
            "{}/offers/{id}",
            state.base_url.trim_end_matches('/')
        )),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "offer look-up");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The join page's address as a QR code (`/qr/join.svg`), for posters and table cards.
pub(crate) async fn join_qr(State(state): State<AppState>) -> axum::response::Response {
    qr_svg_cached(
        &format!("{}/join", state.base_url.trim_end_matches('/')),
        "public, max-age=3600",
    )
}

/// The authenticator secret being set up on this session as a QR code
/// (`/account/two-factor.svg`); never cached, since it is the secret itself.
pub(crate) async fn two_factor_qr(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    user: Option<axum::Extension<app::accounts::CurrentUser>>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let user = user.map(|axum::Extension(u)| u);
    match app::accounts::two_factor::setup_uri(&state.db, &session, user.as_ref()).await {
        Ok(Some(uri)) => qr_svg_cached(&uri, "no-store"),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
