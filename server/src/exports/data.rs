//! Owners' downloads of the shop's own data: the members, purchases, ledger, feedback and
//! cases exports (streamed: rows go out as they are read, in 64 KiB chunks, so memory stays
//! flat however many there are) and a month's partner settlement. Each data download is
//! written to the audit log before it starts: it carries members' personal data.

use app::{
    accounts::{CurrentUser, Role},
    integrations::exports::{self, Export},
    server::AppState,
};
use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// 401 for visitors, 403 below owner; the owner otherwise.
fn owner(user: Option<axum::Extension<CurrentUser>>) -> Result<CurrentUser, StatusCode> {
    match user {
        None => Err(StatusCode::UNAUTHORIZED),
        Some(axum::Extension(u)) if u.role != Role::Owner => Err(StatusCode::FORBIDDEN),
        Some(axum::Extension(u)) => Ok(u),
    }
}

/// `/console/export/{what}.csv`: `members`, `purchases`, `ledger`, `feedback` or `cases`.
pub(crate) async fn data_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(file): Path<String>,
) -> Response {
    let me = match owner(user) {
        Ok(me) => me,
        Err(refused) => return refused.into_response(),
    };
    let Some(export) = file.strip_suffix(".csv").and_then(Export::parse) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let logged = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                let subject = format!("export:{}", export.name());
                app::audit::db::record(tx, Some(me.id), "data.export", &subject, "").await?;
                Ok(())
            })
        })
        .await;
    if let Err(e) = logged {
        tracing::error!(error = ?e, "export: audit log");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        let result = async {
            let mut conn = db.reader.acquire().await?;
            exports::stream(&mut conn, export, |chunk| {
                let tx = tx.clone();
                async move { tx.send(Ok(chunk)).await.is_ok() }
            })
            .await
        }
        .await;
        if let Err(e) = result {
            // The download ends in an error rather than looking complete.
            tracing::error!(error = ?e, export = export.name(), "export failed");
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
        }
    });
    // `poll_fn` (not `unfold`): the compression layer polls once more after the end.
    let mut rx = rx;
    let chunks = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", export.name()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        axum::body::Body::from_stream(chunks),
    )
        .into_response()
}

/// The settlement's month.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct MonthQuery {
    month: Option<String>,
}

/// `/console/integrations/partners/settlement.csv?month=YYYY-MM`: a line per partner.
pub(crate) async fn settlement_csv(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Query(q): Query<MonthQuery>,
) -> Response {
    use app::integrations::partners::{api::settlement_of, db::settlement_csv};
    if let Err(refused) = owner(user) {
        return refused.into_response();
    }
    let month = q.month.unwrap_or_default();
    let result = async {
        let mut conn = state.db.reader.acquire().await?;
        let s = settlement_of(&mut conn, &month, state.clock.now()).await?;
        let body = settlement_csv(&s.month, s.currency.code(), &s.lines);
        Ok::<_, app::error::AppError>((s.month, body))
    }
    .await;
    let file = match &result {
        Ok((month, _)) => format!("settlement-{month}.csv"),
        Err(_) => "settlement.csv".to_owned(),
    };
    super::csv_response(result.map(|(_, body)| body), &file)
}
