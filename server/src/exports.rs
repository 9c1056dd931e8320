//! Downloads: the audit log as CSV (`/console/audit.csv`, owners and managers), with the same
//! filters as its page.

use app::{
    accounts::{CurrentUser, Role},
    audit::db,
    server::AppState,
};
use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// The page's filters: person, kind, shop days.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct AuditQuery {
    actor: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Most rows in one download.
const MAX_ROWS: i64 = 100_000;

/// `/console/audit.csv`: the filtered log, newest first.
pub(crate) async fn audit_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Query(q): Query<AuditQuery>,
) -> Response {
    match user {
        None => return StatusCode::UNAUTHORIZED.into_response(),
        Some(axum::Extension(u)) if !u.role.at_least(Role::Manager) => {
            return StatusCode::FORBIDDEN.into_response();
        }
        Some(_) => {}
    }
    let actor = match q.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => match a.parse::<i64>() {
            Ok(a) => Some(a),
            Err(_) => return StatusCode::UNPROCESSABLE_ENTITY.into_response(),
        },
    };
    let result = async {
        let mut conn = state.db.reader.acquire().await?;
        let filter = db::Filter::new(&mut conn, actor, q.kind, q.from, q.to).await?;
        let entries = db::entries(&mut conn, &filter, None, MAX_ROWS).await?;
        Ok::<_, app::error::AppError>(db::csv(&entries))
    }
    .await;
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_server_error() {
                tracing::error!(error = ?e, "audit CSV");
            }
            status.into_response()
        }
    }
}
