//! Everything stored about one member, found through one list of where it lives: read for the
//! member's download (their right of access) and cleared when they close their account (their
//! right to erasure). The ledger (points, purchases, codes) stays, its sums intact, with
//! nothing left that names the person. A test checks that every column referring to an
//! account is in this list or in [`OTHER_PEOPLE`], so a new table cannot be forgotten.

use serde_json::{Map, Value};
use sqlx::{
    Column as _, Row as _, SqliteConnection, TypeInfo as _, ValueRef as _, sqlite::SqliteRow,
};

use crate::db::Stamp;

/// What closing the account does to a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// Kept as they are: they name no one once the account row is anonymous.
    Keep,
    /// Kept, with these free-text columns emptied (what the person wrote or was told).
    Blank(&'static [&'static str]),
    /// Deleted.
    Delete,
}

/// A table holding a member's rows.
#[derive(Debug, Clone, Copy)]
pub struct Owned {
    /// Table.
    pub table: &'static str,
    /// How to find the member's rows: the `WHERE` after `FROM table t`, with `$1` the member.
    pub rows: &'static str,
    /// The column that refers to the account (for the completeness test).
    pub column: &'static str,
    /// Columns never exported (secrets, which the member has no use for).
    pub secret: &'static [&'static str],
    /// On closing.
    pub on_close: OnClose,
}

const fn own(
    table: &'static str,
    column: &'static str,
    rows: &'static str,
    on_close: OnClose,
) -> Owned {
    Owned {
        table,
        rows,
        column,
        secret: &[],
        on_close,
    }
}

/// Where a member's rows are. `users` itself is handled apart ([`anonymise_account`]).
pub const TABLES: &[Owned] = &[
    own("consent_events", "user_id", "t.user_id = $1", OnClose::Keep),
    own(
        "member_balances",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "point_movements",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own("point_lots", "member_id", "t.member_id = $1", OnClose::Keep),
    own(
        "member_tiers",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "tier_changes",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own("purchases", "member_id", "t.member_id = $1", OnClose::Keep),
    // Roll-ups of their purchases: kept with the ledger they sum up.
    own(
        "member_stats",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "member_locations",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "member_months",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "member_location_months",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "refunds",
        "purchase_id",
        "t.purchase_id IN (SELECT id FROM purchases WHERE member_id = $1)",
        OnClose::Keep,
    ),
    own(
        "refund_effects",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "reward_codes",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own("coupons", "member_id", "t.member_id = $1", OnClose::Keep),
    own(
        "offer_members",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "punch_progress",
        "member_id",
        "t.member_id = $1",
        OnClose::Keep,
    ),
    own(
        "feedback",
        "member_id",
        "t.member_id = $1",
        OnClose::Blank(&["body", "contact_name", "contact_email"]),
    ),
    own(
        "cases",
        "member_id",
        "t.member_id = $1",
        OnClose::Blank(&["resolution"]),
    ),
    own(
        "case_events",
        "case_id",
        "t.case_id IN (SELECT id FROM cases WHERE member_id = $1)",
        OnClose::Blank(&["body"]),
    ),
    own(
        "member_tags",
        "member_id",
        "t.member_id = $1",
        OnClose::Delete,
    ),
    own(
        "member_notes",
        "member_id",
        "t.member_id = $1",
        OnClose::Delete,
    ),
    Owned {
        secret: &["secret"],
        ..own("totp_secrets", "user_id", "t.user_id = $1", OnClose::Delete)
    },
    Owned {
        secret: &["code_hash"],
        ..own(
            "recovery_codes",
            "user_id",
            "t.user_id = $1",
            OnClose::Delete,
        )
    },
    // Their entries in journeys (each names its message) and what the journeys' steps did
    // for them, and the clicks on their messages' links: deleted with the messages.
    own(
        "journey_step_runs",
        "entry_id",
        "t.entry_id IN (SELECT id FROM journey_entries WHERE user_id = $1)",
        OnClose::Delete,
    ),
    own(
        "journey_entries",
        "user_id",
        "t.user_id = $1",
        OnClose::Delete,
    ),
    // Campaigns' control groups they were kept in.
    own(
        "campaign_holdouts",
        "user_id",
        "t.user_id = $1",
        OnClose::Delete,
    ),
    own(
        "link_clicks",
        "outbox_id",
        "t.outbox_id IN (SELECT id FROM outbox WHERE user_id = $1)",
        OnClose::Delete,
    ),
    // Contests they entered on the page (deleted), and the draws they were in: kept, since
    // the recorded list is what makes a draw checkable, and it names only a member id.
    own(
        "contest_entries",
        "user_id",
        "t.user_id = $1",
        OnClose::Delete,
    ),
    own("contest_draws", "user_id", "t.user_id = $1", OnClose::Keep),
    // Messages to them (the address and the link token are theirs); closing deletes them.
    // Suppressions stay: they hold an address, not an account.
    Owned {
        secret: &["token"],
        ..own("outbox", "user_id", "t.user_id = $1", OnClose::Delete)
    },
];

/// Columns that refer to an account but name someone else than the row's member (the staff
/// member who acted, a referrer): not the member's data, so not exported for them.
pub const OTHER_PEOPLE: &[(&str, &str)] = &[
    ("audit_log", "actor_user_id"),
    ("purchases", "staff_id"),
    ("refunds", "staff_id"),
    ("guest_sales", "staff_id"),
    ("api_keys", "created_by"),
    ("webhooks", "created_by"),
    ("partners", "created_by"),
    ("imports", "created_by"),
    ("reward_codes", "used_by"),
    ("feedback_settings", "assign_to"),
    ("cases", "assignee_id"),
    ("case_events", "actor_id"),
    ("users", "referred_by"),
    ("member_tags", "added_by"),
    ("member_notes", "author_id"),
    ("segments", "created_by"),
    ("campaigns", "created_by"),
];

/// Columns of `users` never exported.
const ACCOUNT_SECRETS: &[&str] = &["password_hash", "session_epoch"];

/// One row as a JSON object, column by column as SQLite holds it, without `skip`.
fn row_json(row: &SqliteRow, skip: &[&str]) -> Result<Value, sqlx::Error> {
    let mut obj = Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        if skip.contains(&col.name()) {
            continue;
        }
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().name() {
                "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
                "REAL" => Value::from(row.try_get::<f64, _>(i)?),
                "BLOB" => Value::from(hex(&row.try_get::<Vec<u8>, _>(i)?)),
                _ => Value::from(row.try_get::<String, _>(i)?),
            }
        };
        obj.insert(col.name().to_owned(), value);
    }
    Ok(Value::Object(obj))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Everything stored about member `id`: their account (without secrets) and their rows in
/// every table of [`TABLES`], by table name. `None` when `id` is not an open member account.
pub async fn export(
    conn: &mut SqliteConnection,
    id: i64,
    now: Stamp,
) -> Result<Option<Value>, sqlx::Error> {
    let Some(account) =
        sqlx::query("SELECT * FROM users WHERE id = $1 AND role = 'member' AND closed_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    let mut tables = Map::new();
    for t in TABLES {
        let sql = format!("SELECT t.* FROM {} t WHERE {} ORDER BY 1", t.table, t.rows);
        let rows = sqlx::query(&sql).bind(id).fetch_all(&mut *conn).await?;
        let rows = rows
            .iter()
            .map(|r| row_json(r, t.secret))
            .collect::<Result<Vec<_>, _>>()?;
        tables.insert(t.table.to_owned(), Value::Array(rows));
    }
    let mut out = Map::new();
    out.insert("exported_at".into(), Value::from(now.to_string()));
    out.insert(
        "member_number".into(),
        Value::from(crate::loyalty::rules::member_number(id)),
    );
    out.insert("account".into(), row_json(&account, ACCOUNT_SECRETS)?);
    out.insert("tables".into(), Value::Object(tables));
    Ok(Some(Value::Object(out)))
}

/// Closes member `id`'s account: the account row keeps only its id, role and dates (email
/// replaced by a unique placeholder, no name, phone, birthday, time zone, postal address,
/// password or consent; sessions end); each table of [`TABLES`] is kept, blanked or emptied as it says; the member leaves
/// the search index. Returns false (and changes nothing) if `id` is not an open member.
pub async fn close(conn: &mut SqliteConnection, id: i64, now: Stamp) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET email = 'closed-' || id || '@closed.invalid', password_hash = '!',
                preferred_name = '', phone = NULL, birthday = NULL, time_zone = NULL,
                postal_address = NULL,
                email_marketing = 0,
                sms_marketing = 0, referral_code = NULL, counter_location_id = NULL,
                session_epoch = session_epoch + 1, disabled_at = $2, closed_at = $2,
                updated_at = $2
         WHERE id = $1 AND role = 'member' AND closed_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // The proof of consent stays; a closed account has withdrawn it.
    sqlx::query(
        "INSERT INTO consent_events (user_id, channel, granted, source, created_at)
         SELECT $1, channel, 0, 'closed', $2 FROM consent_events c
         WHERE user_id = $1 AND id = (SELECT max(id) FROM consent_events
                                      WHERE user_id = $1 AND channel = c.channel)
           AND granted = 1",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for t in TABLES {
        let sql = match t.on_close {
            OnClose::Keep => continue,
            OnClose::Delete => format!("DELETE FROM {} AS t WHERE {}", t.table, t.rows),
            OnClose::Blank(cols) => {
                let set: Vec<String> = cols.iter().map(|c| blank(t.table, c)).collect();
                format!(
                    "UPDATE {} AS t SET {} WHERE {}",
                    t.table,
                    set.join(", "),
                    t.rows
                )
            }
        };
        sqlx::query(&sql).bind(id).execute(&mut *conn).await?;
    }
    super::search::index(conn, id, None).await?;
    Ok(true)
}

/// `col = ''` for text that may not be NULL, else `col = NULL`.
fn blank(table: &str, col: &str) -> String {
    match (table, col) {
        ("feedback" | "case_events", "body") => format!("{col} = ''"),
        _ => format!("{col} = NULL"),
    }
}
