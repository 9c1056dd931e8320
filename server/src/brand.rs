//! The shop's brand over plain HTTP: the logo (`/brand/logo`) and colour stylesheet
//! (`/brand.css`) every page links, and the logo's upload and removal from Console → Settings
//! (plain form posts that come back to the page with how they went).

use app::{
    accounts::{CurrentUser, Role},
    brand::{self, db},
    server::AppState,
};
use axum::{
    Extension,
    extract::{Multipart, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

/// Both files carry the brand's version in their URL, so they may be kept for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "brand");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `GET /brand/logo`: the logo, or 404.
pub(crate) async fn logo(State(state): State<AppState>) -> Response {
    let found = async {
        let mut conn = state.db.reader.acquire().await?;
        db::logo(&mut conn).await
    }
    .await;
    match found {
        Ok(Some((bytes, kind))) => {
            let kind =
                HeaderValue::from_str(&kind).unwrap_or(HeaderValue::from_static("image/png"));
            let headers = [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ];
            (headers, bytes).into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => failed(e),
    }
}

/// `GET /brand.css`: the brand colour for light and dark pages.
pub(crate) async fn stylesheet(State(state): State<AppState>) -> Response {
    let found = async {
        let mut conn = state.db.reader.acquire().await?;
        db::brand(&mut conn).await
    }
    .await;
    match found {
        Ok(b) => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            brand::stylesheet(&b.colour),
        )
            .into_response(),
        Err(e) => failed(e),
    }
}

fn manager(user: Option<Extension<CurrentUser>>) -> Result<CurrentUser, StatusCode> {
    match user {
        None => Err(StatusCode::UNAUTHORIZED),
        Some(Extension(u)) if u.role.at_least(Role::Manager) => Ok(u),
        Some(_) => Err(StatusCode::FORBIDDEN),
    }
}

fn back(note: &str) -> Response {
    Redirect::to(&format!("/console/settings?logo={note}")).into_response()
}

/// `POST /console/settings/logo` (multipart, field `logo`): replaces the logo. PNG, JPEG or
/// WebP (told by its bytes, not its name) up to [`brand::MAX_LOGO`].
pub(crate) async fn upload_logo(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    mut form: Multipart,
) -> Response {
    let me = match manager(user) {
        Ok(me) => me,
        Err(status) => return status.into_response(),
    };
    let mut bytes = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(_) => return StatusCode::BAD_REQUEST.into_response(),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
    }
    let Some(bytes) = bytes else {
        return back("type");
    };
    if bytes.len() > brand::MAX_LOGO {
        return back("size");
    }
    let Some(kind) = brand::logo_type(&bytes) else {
        return back("type");
    };
    let now = state.clock.now();
    let size = bytes.len();
    let saved = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                db::set_logo(tx, Some((&bytes, kind)), now).await?;
                let detail = format!("{kind}, {size} bytes");
                app::audit::db::record(tx, Some(me.id), "shop.logo", "shop", &detail).await?;
                Ok(())
            })
        })
        .await;
    match saved {
        Ok(()) => back("saved"),
        Err(e) => failed(e),
    }
}

/// `POST /console/settings/logo/remove`: back to the name alone.
pub(crate) async fn remove_logo(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    let me = match manager(user) {
        Ok(me) => me,
        Err(status) => return status.into_response(),
    };
    let now = state.clock.now();
    let removed = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                db::set_logo(tx, None, now).await?;
                app::audit::db::record(tx, Some(me.id), "shop.logo", "shop", "removed").await?;
                Ok(())
            })
        })
        .await;
    match removed {
        Ok(()) => back("removed"),
        Err(e) => failed(e),
    }
}
