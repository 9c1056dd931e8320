//! Preparing and running an import: the setup read and checked, every row planned, then the
//! writes on the write queue in a background task, with progress for the page.

use sqlx::SqliteConnection;

use super::{
    api::Setup,
    db::{self, Planned, Progress},
    rows::{Columns, Shop},
    types::{Kind, Mode, Outcome},
};
use crate::{
    db::Stamp,
    error::{AppError, Msg},
    server::AppState,
};

/// An upload read with its setup: what to write and what was found.
pub struct Prepared {
    /// What it holds.
    pub kind: Kind,
    /// New rows, in file order, with their lines.
    pub rows: Vec<(usize, Planned)>,
    /// Counts and problems.
    pub outcome: Outcome,
    /// The shop's currency.
    pub currency: crate::loyalty::rules::Currency,
}

/// Reads upload `id` with `setup`: a required field without a column, or a column the file
/// does not have, is that field's error.
pub async fn prepare(
    conn: &mut SqliteConnection,
    id: i64,
    setup: &Setup,
    now: Stamp,
) -> Result<Prepared, AppError> {
    let up = db::get(conn, id).await?.ok_or(AppError::NotFound)?;
    let body = db::body(conn, id).await?.ok_or(AppError::NotFound)?;
    let table = super::csv::parse(&body, super::MAX_ROWS).map_err(|_| AppError::Internal)?;
    let mut cols = Columns::default();
    for &field in up.kind.fields() {
        let raw = setup.columns.get(field.key()).map_or("", |c| c.trim());
        match raw.parse::<usize>() {
            Ok(i) if i < table.header.len() => {
                cols.0.insert(field, i);
            }
            _ if raw.is_empty() && !field.required() => {}
            _ => return Err(AppError::field(field.key(), Msg::ImportColumn)),
        }
    }
    let settings = crate::loyalty::db::program::settings(conn).await?;
    let country = crate::members::db::shop_country(conn).await?;
    let language = crate::texts::db::default_language(conn).await?;
    let shop = Shop {
        zone: &settings.time_zone,
        country: country.as_deref(),
        language: crate::i18n::parse_locale(&language).unwrap_or(crate::i18n::Locale::en),
        now,
    };
    let (known, phones) = db::known(conn, setup.location.trim().parse().ok()).await?;
    let (rows, outcome) = db::plan(
        up.kind,
        &table,
        &cols,
        &shop,
        &known,
        &phones,
        &setup.source,
    );
    Ok(Prepared {
        kind: up.kind,
        rows,
        outcome,
        currency: settings.currency,
    })
}

/// Starts the run of upload `id` by owner `me`: refused when all-or-nothing meets a broken row
/// or the upload is running already.
pub async fn start(st: AppState, me: i64, id: i64, setup: Setup) -> Result<(), AppError> {
    let now = st.clock.now();
    let prepared = {
        let mut conn = st.db.reader.acquire().await?;
        prepare(&mut conn, id, &setup, now).await?
    };
    let mode = setup.mode();
    if mode == Mode::AllOrNothing && prepared.outcome.bad > 0 {
        return Err(AppError::field("mode", Msg::ImportHasErrors));
    }
    if db::progress(id).is_some() {
        return Err(AppError::field("mode", Msg::ImportRunning));
    }
    let total = prepared.rows.len();
    db::set_progress(id, Some(Progress { done: 0, total }));
    let detail = format!("{:?}, {total} new rows", mode);
    let started = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                db::set_status(tx, id, "running", None, now).await?;
                crate::audit::db::record(
                    tx,
                    Some(me),
                    "import.run",
                    &format!("import:{id}"),
                    &detail,
                )
                .await?;
                Ok(())
            })
        })
        .await;
    if let Err(e) = started {
        db::set_progress(id, None);
        return Err(e);
    }
    tokio::spawn(async move {
        let Prepared {
            rows,
            mut outcome,
            currency,
            ..
        } = prepared;
        let result = match mode {
            Mode::AllOrNothing => all_or_nothing(&st, id, rows, currency).await,
            Mode::SkipBad => skip_bad(&st, id, rows, currency).await,
        };
        let status = match result {
            Ok((new, already, refused)) => {
                outcome.new = new;
                outcome.already += already;
                outcome.bad += refused.len();
                outcome.errors.extend(refused);
                "done"
            }
            Err((e, refused)) => {
                tracing::error!(error = ?e, import = id, "import failed");
                outcome.new = 0;
                outcome.bad += refused.len();
                outcome.errors.extend(refused);
                "failed"
            }
        };
        let end = st.clock.now();
        let saved = st
            .db
            .write(move |tx| {
                Box::pin(async move {
                    db::set_status(tx, id, status, Some(&outcome), end).await?;
                    Ok(())
                })
            })
            .await;
        if let Err(e) = saved {
            tracing::error!(error = ?e, import = id, "import outcome not saved");
        }
        db::set_progress(id, None);
    });
    Ok(())
}

type Written = (usize, usize, Vec<super::types::RowError>);
type Failed = (AppError, Vec<super::types::RowError>);

/// Every row in one transaction: a row the database refuses undoes them all.
async fn all_or_nothing(
    st: &AppState,
    id: i64,
    rows: Vec<(usize, Planned)>,
    currency: crate::loyalty::rules::Currency,
) -> Result<Written, Failed> {
    let refused = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = refused.clone();
    let total = rows.len();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let (mut new, mut already) = (0, 0);
                for (n, chunk) in rows.chunks(db::BATCH).enumerate() {
                    let (a, b, r) = super::write::write(tx, chunk, currency).await?;
                    if !r.is_empty() {
                        *seen.lock().unwrap_or_else(|e| e.into_inner()) = r;
                        return Err(AppError::field("mode", Msg::ImportHasErrors));
                    }
                    new += a;
                    already += b;
                    let done = ((n + 1) * db::BATCH).min(total);
                    db::set_progress(id, Some(Progress { done, total }));
                }
                Ok((new, already, Vec::new()))
            })
        })
        .await;
    done.map_err(|e| {
        let r = std::mem::take(&mut *refused.lock().unwrap_or_else(|e| e.into_inner()));
        (e, r)
    })
}

/// [`db::BATCH`] rows per transaction; rows the database refuses are listed, the rest kept.
async fn skip_bad(
    st: &AppState,
    id: i64,
    rows: Vec<(usize, Planned)>,
    currency: crate::loyalty::rules::Currency,
) -> Result<Written, Failed> {
    let total = rows.len();
    let (mut new, mut already, mut refused) = (0, 0, Vec::new());
    let mut rows = rows.into_iter().peekable();
    let mut done = 0;
    while rows.peek().is_some() {
        let chunk: Vec<(usize, Planned)> = rows.by_ref().take(db::BATCH).collect();
        done += chunk.len();
        let (a, b, r) = st
            .db
            .write(move |tx| {
                Box::pin(async move { Ok(super::write::write(tx, &chunk, currency).await?) })
            })
            .await
            .map_err(|e| (e, Vec::new()))?;
        new += a;
        already += b;
        refused.extend(r);
        db::set_progress(id, Some(Progress { done, total }));
    }
    Ok((new, already, refused))
}
