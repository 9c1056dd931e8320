//! Import server functions (owners): what an upload holds and how its columns are guessed, a
//! check (a dry run that writes nothing), the run, and its progress. The upload itself is a
//! plain multipart POST the server handles (`/console/integrations/import`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::types::{Field, Kind, Mode, Outcome};
use crate::error::AppError;

/// An upload as the import page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFile {
    /// Its id.
    pub id: i64,
    /// What it holds.
    pub kind: Kind,
    /// The file's name.
    pub file_name: String,
    /// The header's cells.
    pub header: Vec<String>,
    /// Rows after the header.
    pub rows: usize,
    /// Each field's guessed column.
    pub guessed: Vec<(Field, Option<usize>)>,
    /// Locations as `(id, name)`, for rows that name none.
    pub locations: Vec<(i64, String)>,
    /// `uploaded`, `running`, `done` or `failed`.
    pub status: String,
    /// The last run's outcome.
    pub outcome: Option<Outcome>,
}

/// How the owner set the import up: a column (index, as text; empty: none) per field, the
/// consent source and location for rows without one, and the mode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    /// Column of each field, by the field's key (`email`: `"0"`).
    #[serde(default)]
    pub columns: std::collections::HashMap<String, String>,
    /// Consent source for rows without one.
    #[serde(default)]
    pub source: String,
    /// Location (id) of rows without one.
    #[serde(default)]
    pub location: String,
    /// `skip_bad` or anything else (all or nothing).
    #[serde(default)]
    pub mode: String,
}

impl Setup {
    /// The mode chosen.
    pub fn mode(&self) -> Mode {
        if self.mode == "skip_bad" {
            Mode::SkipBad
        } else {
            Mode::AllOrNothing
        }
    }
}

/// A run's state for the page to poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    /// `uploaded`, `running`, `done` or `failed`.
    pub status: String,
    /// Rows written so far, of rows to write (while running).
    pub done: usize,
    /// Rows to write.
    pub total: usize,
    /// The outcome, once it ended.
    pub outcome: Option<Outcome>,
}

/// Upload `id` with its columns guessed (owners).
#[server(prefix = "/api", endpoint = "import/get")]
pub async fn import_view(id: i64) -> Result<ImportFile, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let up = super::db::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let locations = crate::loyalty::db::program::locations(&mut conn)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    Ok(ImportFile {
        id,
        kind: up.kind,
        file_name: up.file_name,
        guessed: super::types::guess(up.kind, &up.header),
        header: up.header,
        rows: up.rows,
        locations,
        status: up.status,
        outcome: up.outcome,
    })
}

/// What a submitted setup did: a check's outcome, or the run started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Submitted {
    /// Checked, nothing written: what a run would do.
    Checked(Outcome),
    /// The run started; poll [`import_state`].
    Started,
}

/// The import page's form (owners): with `run` absent, checks upload `id` with `setup` and
/// writes nothing (how many rows are new, already in the program or broken, and the first
/// problems); with `run`, starts the import. All or nothing refuses a file with broken rows;
/// skip-bad-rows imports the rest. A run answers at once and goes on in the background.
#[server(prefix = "/api", endpoint = "import/submit")]
pub async fn submit_import(
    id: i64,
    setup: Setup,
    run: Option<String>,
) -> Result<Submitted, AppError> {
    use crate::{accounts::Role, server::*};
    let me = require(Role::Owner)?;
    let st = state()?;
    if run.is_some() {
        super::run::start(st, me.id, id, setup).await?;
        return Ok(Submitted::Started);
    }
    let mut conn = st.db.reader.acquire().await?;
    let prepared = super::run::prepare(&mut conn, id, &setup, st.clock.now()).await?;
    let mut outcome = prepared.outcome;
    if prepared.kind == Kind::Purchases {
        let keys: Vec<String> = prepared
            .rows
            .iter()
            .filter_map(|(_, r)| match r {
                super::db::Planned::Purchase(p) => Some(p.key()),
                super::db::Planned::Member(_) => None,
            })
            .collect();
        let before = super::db::imported_before(&mut conn, &keys).await?;
        outcome.new -= before;
        outcome.already += before;
    }
    Ok(Submitted::Checked(outcome))
}

/// The newest uploads (owners): `(id, kind, file name, rows, status, uploaded at)`.
#[server(prefix = "/api", endpoint = "import/recent")]
pub async fn recent_imports() -> Result<Vec<(i64, String, String, i64, String, String)>, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    Ok(super::db::recent(&mut conn).await?)
}

/// Where run `id` is (owners).
#[server(prefix = "/api", endpoint = "import/state")]
pub async fn import_state(id: i64) -> Result<RunState, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    // Polled while it runs: the status, not the file.
    let (status, outcome) = super::db::status(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let live = super::db::progress(id);
    // A run this process does not know of was cut short by a restart.
    let status = match (status.as_str(), live) {
        ("running", None) => "failed".to_owned(),
        _ => status,
    };
    let p = live.unwrap_or_default();
    Ok(RunState {
        status,
        done: p.done,
        total: p.total,
        outcome,
    })
}
