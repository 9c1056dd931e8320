//! Downloads (owners and managers): the audit log as CSV (`/console/audit.csv`), with the same
//! filters as its page, and the cohort table (`/console/analytics/cohorts.csv`).

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

/// 401 for visitors, 403 below manager; `None` for managers and owners.
fn refused(user: Option<&axum::Extension<CurrentUser>>) -> Option<Response> {
    match user {
        None => Some(StatusCode::UNAUTHORIZED.into_response()),
        Some(axum::Extension(u)) if !u.role.at_least(Role::Manager) => {
            Some(StatusCode::FORBIDDEN.into_response())
        }
        Some(_) => None,
    }
}

/// Most rows in one download.
const MAX_ROWS: i64 = 100_000;

/// `/console/audit.csv`: the filtered log, newest first.
pub(crate) async fn audit_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Query(q): Query<AuditQuery>,
) -> Response {
    if let Some(refused) = refused(user.as_ref()) {
        return refused;
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
    csv_response(result, "audit-log.csv")
}

/// A CSV download named `file`, or the error's status (logged when it is the server's).
fn csv_response(result: Result<String, app::error::AppError>, file: &str) -> Response {
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_server_error() {
                tracing::error!(error = ?e, file, "CSV download");
            }
            status.into_response()
        }
    }
}

/// The cohort page's range (join months).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct MonthRange {
    from: Option<String>,
    to: Option<String>,
}

/// `/console/analytics/cohorts.csv`: the cohort table, one line per cohort and month since
/// joining.
pub(crate) async fn cohorts_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Query(q): Query<MonthRange>,
) -> Response {
    if let Some(refused) = refused(user.as_ref()) {
        return refused;
    }
    let result = async {
        let mut conn = state.db.reader.acquire().await?;
        let c = app::analytics::cohorts::db::cohorts(
            &mut conn,
            state.clock.now(),
            q.from.as_deref(),
            q.to.as_deref(),
        )
        .await?;
        Ok::<_, app::error::AppError>(app::analytics::cohorts::csv(&c))
    }
    .await;
    csv_response(result, "cohorts.csv")
}
