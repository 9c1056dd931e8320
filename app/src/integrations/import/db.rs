//! Import queries. A check and a run read the file the same way ([`plan`]); the run writes
//! members through the sign-up insert in bulk (balance row, search index, consent events with
//! the file's source) and past purchases as history rows (no points), so every roll-up
//! trigger sees them as it sees the counter's ([`super::write`]). All-or-nothing runs in one
//! transaction; skip-bad-rows commits every [`BATCH`] rows, so the counter is never kept
//! waiting long. Progress is kept in memory for the page to poll.

use std::{
    collections::{HashMap, HashSet},
    sync::{LazyLock, Mutex},
};

use sqlx::SqliteConnection;

use super::{
    csv::Table,
    rows::{self, Columns, Known, MemberRow, PurchaseRow, Shop},
    types::{ERRORS_SHOWN, Field, Kind, Outcome, RowError},
};
use crate::{db::Stamp, error::Msg};

/// Rows a skip-bad-rows run commits at a time.
pub const BATCH: usize = 2_000;

/// An upload as stored.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Its id.
    pub id: i64,
    /// What it holds.
    pub kind: Kind,
    /// The file's name.
    pub file_name: String,
    /// Rows after the header.
    pub rows: usize,
    /// The header's cells.
    pub header: Vec<String>,
    /// `uploaded`, `running`, `done` or `failed`.
    pub status: String,
    /// The last run's outcome.
    pub outcome: Option<Outcome>,
}

/// Stores an upload (read already: its header and row count); its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    kind: Kind,
    file_name: &str,
    body: &[u8],
    table: &Table,
    created_by: i64,
    now: Stamp,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO imports (kind, file_name, body, rows, header, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'uploaded', $6, $7) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(file_name)
    .bind(body)
    .bind(i64::try_from(table.rows.len()).unwrap_or(i64::MAX))
    .bind(serde_json::to_string(&table.header).unwrap_or_default())
    .bind(created_by)
    .bind(now)
    .fetch_one(conn)
    .await
}

type UploadRow = (String, String, i64, Option<String>, String, Option<String>);

/// Upload `id`, without its file. The header of an upload stored before headers were kept
/// is read from its file.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Upload>, sqlx::Error> {
    let row: Option<UploadRow> = sqlx::query_as(
        "SELECT kind, file_name, rows, header, status, outcome FROM imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((kind, file_name, rows, header, status, outcome)) = row else {
        return Ok(None);
    };
    let header = match header.and_then(|h| serde_json::from_str(&h).ok()) {
        Some(header) => header,
        None => body(conn, id)
            .await?
            .and_then(|b| super::csv::parse(&b, super::MAX_ROWS).ok())
            .map(|t| t.header)
            .unwrap_or_default(),
    };
    Ok(Kind::parse(&kind).map(|kind| Upload {
        id,
        kind,
        file_name,
        rows: usize::try_from(rows).unwrap_or(0),
        header,
        status,
        outcome: outcome.and_then(|o| serde_json::from_str(&o).ok()),
    }))
}

/// Upload `id`'s file.
pub async fn body(conn: &mut SqliteConnection, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM imports WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Upload `id`'s status and last outcome (without the file).
pub async fn status(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(String, Option<Outcome>)>, sqlx::Error> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT status, outcome FROM imports WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(status, outcome)| (status, outcome.and_then(|o| serde_json::from_str(&o).ok()))))
}

/// The newest uploads: `(id, kind, file name, rows, status, created_at)`.
pub async fn recent(
    conn: &mut SqliteConnection,
) -> Result<Vec<(i64, String, String, i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, file_name, rows, status, created_at FROM imports ORDER BY id DESC LIMIT 20",
    )
    .fetch_all(conn)
    .await
}

/// Marks upload `id` with `status` and, when it ends, its outcome.
pub async fn set_status(
    conn: &mut SqliteConnection,
    id: i64,
    status: &str,
    outcome: Option<&Outcome>,
    now: Stamp,
) -> Result<(), sqlx::Error> {
    let outcome = outcome.and_then(|o| serde_json::to_string(o).ok());
    sqlx::query(
        "UPDATE imports SET status = $1, outcome = coalesce($2, outcome),
                finished_at = CASE WHEN $1 IN ('done', 'failed') THEN $3 ELSE finished_at END
         WHERE id = $4",
    )
    .bind(status)
    .bind(outcome)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What the database knows that reading rows needs: member emails and ids, phones in use,
/// locations (`default_location` for rows that name none).
pub async fn known(
    conn: &mut SqliteConnection,
    default_location: Option<i64>,
) -> Result<(Known, HashSet<String>), sqlx::Error> {
    let users: Vec<(i64, String, bool)> =
        sqlx::query_as("SELECT id, email, role = 'member' FROM users")
            .fetch_all(&mut *conn)
            .await?;
    let (members, staff): (Vec<_>, Vec<_>) = users.into_iter().partition(|(_, _, m)| *m);
    let phones: Vec<String> = sqlx::query_scalar("SELECT phone FROM users WHERE phone IS NOT NULL")
        .fetch_all(&mut *conn)
        .await?;
    let locations: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM locations")
        .fetch_all(&mut *conn)
        .await?;
    let default_location = default_location.filter(|d| locations.iter().any(|(id, _)| id == d));
    let default_location = default_location.or(match locations.as_slice() {
        [(only, _)] => Some(*only),
        _ => None,
    });
    let known = Known {
        emails: members.iter().map(|(id, e, _)| (e.clone(), *id)).collect(),
        ids: members.iter().map(|(id, _, _)| *id).collect(),
        staff: staff.into_iter().map(|(_, email, _)| email).collect(),
        locations: locations
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect(),
        default_location,
    };
    Ok((known, phones.into_iter().collect()))
}

/// A row as a run would treat it.
#[derive(Debug, Clone)]
pub enum Planned {
    /// A member to add.
    Member(Box<MemberRow>),
    /// A purchase to add.
    Purchase(PurchaseRow),
}

/// Reads every row: what is new (to add, in file order), and the outcome so far (rows
/// already in the program, rows that break a rule, the first problems).
pub fn plan(
    kind: Kind,
    table: &Table,
    cols: &Columns,
    shop: &Shop<'_>,
    known: &Known,
    phones: &HashSet<String>,
    default_source: &str,
) -> (Vec<(usize, Planned)>, Outcome) {
    let mut outcome = Outcome {
        rows: table.rows.len(),
        ..Outcome::default()
    };
    let mut new = Vec::new();
    let mut seen_emails = HashSet::new();
    let mut seen_phones: HashMap<String, usize> = HashMap::new();
    let mut seen_keys = HashSet::new();
    let bad = |outcome: &mut Outcome, errors: Vec<RowError>| {
        outcome.bad += 1;
        let room = ERRORS_SHOWN.saturating_sub(outcome.errors.len());
        outcome.errors.extend(errors.into_iter().take(room));
    };
    for (line, row) in &table.rows {
        let line = *line;
        match kind {
            Kind::Members => match rows::member(cols, row, line, shop, default_source) {
                Err(errors) => bad(&mut outcome, errors),
                Ok(m) => {
                    let email = m.email.as_str().to_owned();
                    let taken = if known.staff.contains(&email) {
                        Some((Field::Email, Msg::ImportEmailStaff))
                    } else if known.emails.contains_key(&email) || !seen_emails.insert(email) {
                        outcome.already += 1;
                        continue;
                    } else {
                        m.phone
                            .as_ref()
                            .filter(|phone| {
                                phones.contains(*phone)
                                    || seen_phones.insert((*phone).clone(), line).is_some()
                            })
                            .map(|_| (Field::Phone, Msg::ImportPhoneTaken))
                    };
                    if let Some((field, msg)) = taken {
                        bad(&mut outcome, vec![RowError { line, field, msg }]);
                        continue;
                    }
                    outcome.new += 1;
                    new.push((line, Planned::Member(Box::new(m))));
                }
            },
            Kind::Purchases => match rows::purchase(cols, row, line, shop, known) {
                Err(errors) => bad(&mut outcome, errors),
                Ok(p) => {
                    if !seen_keys.insert(p.key()) {
                        outcome.already += 1;
                        continue;
                    }
                    // Whether it was imported before is known when it is written.
                    outcome.new += 1;
                    new.push((line, Planned::Purchase(p)));
                }
            },
        }
    }
    (new, outcome)
}

/// How many of `keys` were imported before.
pub async fn imported_before(
    conn: &mut SqliteConnection,
    keys: &[String],
) -> Result<usize, sqlx::Error> {
    let mut found = 0;
    for chunk in keys.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let sql = format!("SELECT count(*) FROM purchases WHERE import_key IN ({marks})");
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for k in chunk {
            q = q.bind(format!("import:{k}"));
        }
        found += usize::try_from(q.fetch_one(&mut *conn).await?).unwrap_or(0);
    }
    Ok(found)
}

/// A run's progress: rows done of rows to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// Written so far.
    pub done: usize,
    /// To write.
    pub total: usize,
}

static RUNNING: LazyLock<Mutex<HashMap<i64, Progress>>> = LazyLock::new(Default::default);

/// Notes run `id`'s progress (`None`: it ended).
pub fn set_progress(id: i64, progress: Option<Progress>) {
    let mut map = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    match progress {
        Some(p) => map.insert(id, p),
        None => map.remove(&id),
    };
}

/// Run `id`'s progress, if it is running in this process.
pub fn progress(id: i64) -> Option<Progress> {
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&id)
        .copied()
}
