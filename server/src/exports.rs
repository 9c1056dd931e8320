//! Downloads (owners and managers): the audit log as CSV (`/console/audit.csv`), with the same
//! filters as its page, the cohort table (`/console/analytics/cohorts.csv`) and retention month
//! by month (`/console/analytics/months.csv`); and, for owners, the shop's data and the partner
//! settlement (see [`data`]).

mod data;

pub(crate) use data::{data_csv, settlement_csv};

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

/// `/console/campaigns/{id}/results.csv`: what a campaign or a journey (by the campaign that
/// holds its messages) brought, a line per figure.
pub(crate) async fn campaign_results_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    use app::{campaigns::results, error::AppError};
    if let Some(refused) = refused(user.as_ref()) {
        return refused;
    }
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = async {
        let mut conn = state.db.reader.acquire().await?;
        if let Some(r) = app::journeys::db::results_of_campaign(&mut conn, id).await? {
            return Ok(results::csv(&r, true));
        }
        let c = app::campaigns::db::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok::<_, AppError>(results::csv(&c.results, false))
    }
    .await;
    csv_response(result, &format!("campaign-{id}-results.csv"))
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

/// An analytics page's range of months (and, on the glance page, its churn window).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct MonthRange {
    from: Option<String>,
    to: Option<String>,
    churn_days: Option<String>,
    value_of_100: Option<String>,
    location: Option<String>,
}

/// `/console/analytics/{file}`: an analytics page's table as CSV — `cohorts.csv` (one line per
/// join cohort and month since joining), `months.csv` (retention at a glance, a line a month),
/// `points.csv` (points issued, redeemed and expired, a line a month), `program.csv` (tier moves
/// and next-visit discounts, a line a month), `perks.csv` (return within 30 days with and
/// without each perk, a line per perk), `service.csv` (return after feedback, a line per
/// recommendation-score group) or `rfm.csv` (a line per RFM group); each for the shop or, with
/// `location`, one location.
pub(crate) async fn analytics_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    axum::extract::Path(file): axum::extract::Path<String>,
    Query(q): Query<MonthRange>,
) -> Response {
    use app::analytics::{cohorts, glance, points, program, rfm, service};
    if let Some(refused) = refused(user.as_ref()) {
        return refused;
    }
    let result = async {
        let mut conn = state.db.reader.acquire().await?;
        let (now, from, to) = (state.clock.now(), q.from.as_deref(), q.to.as_deref());
        Ok::<_, app::error::AppError>(match file.as_str() {
            "cohorts.csv" => Some(cohorts::csv(
                &cohorts::db::cohorts(&mut conn, now, from, to, q.location.as_deref()).await?,
            )),
            "months.csv" => Some(glance::csv(
                &glance::db::glance(
                    &mut conn,
                    now,
                    from,
                    to,
                    q.churn_days.as_deref(),
                    q.location.as_deref(),
                )
                .await?,
            )),
            "points.csv" => Some(points::csv(
                &app::analytics::points_db::economy(
                    &mut conn,
                    now,
                    from,
                    to,
                    q.value_of_100.as_deref(),
                    q.location.as_deref(),
                )
                .await?,
            )),
            "program.csv" => Some(program::csv(
                &app::analytics::program_db::program(
                    &mut conn,
                    now,
                    from,
                    to,
                    q.location.as_deref(),
                )
                .await?,
            )),
            "perks.csv" => Some(app::analytics::perk_returns::csv(
                &app::analytics::program_db::program(
                    &mut conn,
                    now,
                    from,
                    to,
                    q.location.as_deref(),
                )
                .await?
                .returns,
            )),
            "service.csv" => Some(service::csv(
                &service::db::service(&mut conn, now, from, to, q.location.as_deref()).await?,
            )),
            "rfm.csv" => Some(rfm::csv(
                &app::analytics::rfm_db::report(
                    &mut conn,
                    now,
                    rfm::Group::AtRisk,
                    q.location.as_deref(),
                )
                .await?,
            )),
            _ => None,
        })
    }
    .await;
    match result.transpose() {
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
        Some(result) => csv_response(result, &file),
    }
}
