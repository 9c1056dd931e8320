//! Writes audit entries inside the caller's transaction, so the change and its record commit
//! together; reads them back filtered and paged, and as CSV.

use sqlx::SqliteConnection;

use super::api::AuditEntry;
use crate::{
    db::{Day, Stamp, local_day_start, local_time},
    error::{AppError, Msg},
};

/// Appends one entry: `actor` did `action` to `subject` (`detail` is free text for humans).
pub async fn record(
    conn: &mut SqliteConnection,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (actor_user_id, action, subject, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .bind(Stamp::now())
        .execute(conn)
        .await?;
    Ok(())
}

/// What to read: by person, by kind, between two shop days (as UTC bounds).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    actor: Option<i64>,
    kind: Option<String>,
    since: Option<Stamp>,
    until: Option<Stamp>,
    zone: String,
}

impl Filter {
    /// Checks the filters: days are `YYYY-MM-DD` on the shop's calendar, `to` not before
    /// `from`; empty values mean no filter.
    pub async fn new(
        conn: &mut SqliteConnection,
        actor: Option<i64>,
        kind: Option<String>,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<Self, AppError> {
        let zone = crate::loyalty::db::program::settings(conn).await?.time_zone;
        let given = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let day = |field: &str, v: Option<String>, after: i64| -> Result<Option<Stamp>, AppError> {
            given(v)
                .map(|d| {
                    d.parse::<Day>()
                        .ok()
                        .and_then(|d| local_day_start(&zone, d, after))
                        .ok_or_else(|| AppError::field(field, Msg::DateInvalid))
                })
                .transpose()
        };
        let since = day("from", from, 0)?;
        // The end day is included: entries before the start of the next day.
        let until = day("to", to, 1)?;
        if let (Some(s), Some(u)) = (since, until)
            && u <= s
        {
            return Err(AppError::field("to", Msg::DateInvalid));
        }
        let kind = given(kind);
        if kind.as_deref().is_some_and(|k| {
            k.len() > 40 || !k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        }) {
            return Err(AppError::field("kind", Msg::ChoiceInvalid));
        }
        Ok(Self {
            actor,
            kind,
            since,
            until,
            zone,
        })
    }
}

/// An entry as read: id, when, name, email, action, subject, detail.
type Row = (
    i64,
    Stamp,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

/// Entries matching `f`, newest first, older than `before`, at most `limit`.
pub async fn entries(
    conn: &mut SqliteConnection,
    f: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.created_at, u.preferred_name, u.email, a.action, a.subject, a.detail
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
             WHERE ($1 IS NULL OR a.actor_user_id = $1)
               AND ($2 IS NULL OR a.action LIKE $2 || '.%')
               AND ($3 IS NULL OR a.created_at >= $3)
               AND ($4 IS NULL OR a.created_at < $4)
               AND ($5 IS NULL OR a.id < $5)
             ORDER BY a.id DESC LIMIT $6",
    )
    .bind(f.actor)
    .bind(&f.kind)
    .bind(f.since)
    .bind(f.until)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, who, email, action, subject, detail)| AuditEntry {
            id,
            at: local_time(&f.zone, at),
            at_utc: at.to_string(),
            who: who.unwrap_or_default(),
            email: email.unwrap_or_default(),
            action,
            subject,
            detail,
        })
        .collect())
}

/// Who appears in the log, and the kinds of change in it, for the filters.
pub async fn choices(
    conn: &mut SqliteConnection,
) -> Result<(Vec<(i64, String)>, Vec<String>), sqlx::Error> {
    let people = sqlx::query_as(
        "SELECT u.id, u.preferred_name FROM users u
         WHERE EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_user_id = u.id)
         ORDER BY u.preferred_name, u.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let kinds = sqlx::query_scalar(
        "SELECT DISTINCT substr(action, 1, instr(action, '.') - 1) AS kind FROM audit_log
         WHERE instr(action, '.') > 1 ORDER BY kind",
    )
    .fetch_all(conn)
    .await?;
    Ok((people, kinds))
}

/// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; text a
/// spreadsheet would read as a formula starts with `'`.
pub fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The entries as CSV (RFC 4180, a header row).
pub fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("id,at_utc,who,email,action,subject,detail\r\n");
    for e in entries {
        let row = [
            e.id.to_string(),
            e.at_utc.clone(),
            e.who.clone(),
            e.email.clone(),
            e.action.clone(),
            e.subject.clone(),
            e.detail.clone(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let e = AuditEntry {
            id: 7,
            at: String::new(),
            at_utc: "2027-01-04T09:00:00Z".into(),
            who: "Sanna".into(),
            email: "staff@example.com".into(),
            action: "case.goodwill".into(),
            subject: "user:3".into(),
            detail: "=HYPERLINK(\"x\"), \"quoted\"\nnext".into(),
        };
        assert_eq!(
            csv(&[e]),
            "id,at_utc,who,email,action,subject,detail\r\n\
             7,2027-01-04T09:00:00Z,Sanna,staff@example.com,case.goodwill,user:3,\
             \"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\nnext\"\r\n"
        );
    }
}
