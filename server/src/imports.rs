//! `POST /console/integrations/import` (owners; multipart: `kind`, `file`): a CSV file of
//! members or past purchases, checked readable and stored, then the import page for it. A
//! refusal goes back to the upload page with the reason.

use app::{
    accounts::{CurrentUser, Role},
    integrations::import::{self, csv::CsvError, types::Kind},
    server::AppState,
};
use axum::{
    Extension,
    extract::{Multipart, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

fn back(error: &str) -> Response {
    Redirect::to(&format!("/console/integrations/import?error={error}")).into_response()
}

/// Stores the upload and shows its import page.
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    mut form: Multipart,
) -> Response {
    let me = match user {
        None => return StatusCode::UNAUTHORIZED.into_response(),
        Some(Extension(u)) if u.role != Role::Owner => {
            return StatusCode::FORBIDDEN.into_response();
        }
        Some(Extension(u)) => u,
    };
    let (mut kind, mut file) = (None, None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.ok().and_then(|k| Kind::parse(k.trim())),
                Some("file") => {
                    let name = field.file_name().unwrap_or("import.csv").to_owned();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b)),
                        Err(_) => return back("too_large"),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back("too_large"),
        }
    }
    let (Some(kind), Some((name, bytes))) = (kind, file) else {
        return back("no_file");
    };
    if bytes.is_empty() {
        return back("no_file");
    }
    let table = match import::csv::parse(&bytes, import::MAX_ROWS) {
        Ok(table) => table,
        Err(CsvError::NotUtf8) => return back("not_utf8"),
        Err(CsvError::Empty) => return back("empty"),
        Err(CsvError::UnclosedQuote { .. }) => return back("quote"),
        Err(CsvError::TooManyRows) => return back("too_many_rows"),
    };
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let now = state.clock.now();
    let stored = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                let id = import::db::insert(tx, kind, &name, &bytes, &table, me.id, now).await?;
                let detail = format!("{name}: {} rows of {}", table.rows.len(), kind.as_str());
                app::audit::db::record(
                    tx,
                    Some(me.id),
                    "import.upload",
                    &format!("import:{id}"),
                    &detail,
                )
                .await?;
                Ok(id)
            })
        })
        .await;
    match stored {
        Ok(id) => Redirect::to(&format!("/console/integrations/import/{id}")).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "import upload");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
