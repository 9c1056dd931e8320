//! The shop's data as CSV downloads: members (with their consents and where each came from),
//! purchases (with what was refunded), the points ledger, feedback and cases. Rows are read
//! one at a time from the database and sent on in chunks, so a million rows never sit in
//! memory. Cells follow RFC 4180 and are defused against spreadsheet formulas; times are UTC.

use sqlx::{Column as _, Row as _, SqliteConnection, sqlite::SqliteRow};

use crate::loyalty::rules::member_number;

/// What can be downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Every member account, closed ones included.
    Members,
    /// Every purchase, with its refunds' totals.
    Purchases,
    /// Every ledger movement.
    Ledger,
    /// Every feedback answer.
    Feedback,
    /// Every service case.
    Cases,
}

impl Export {
    /// The export named `name` (`members`, `purchases`, `ledger`, `feedback`, `cases`).
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Members,
            Self::Purchases,
            Self::Ledger,
            Self::Feedback,
            Self::Cases,
        ]
        .into_iter()
        .find(|e| e.name() == name)
    }

    /// Its name, in the download's file name and the audit log.
    pub fn name(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Purchases => "purchases",
            Self::Ledger => "ledger",
            Self::Feedback => "feedback",
            Self::Cases => "cases",
        }
    }

    /// The query, oldest row first; the CSV's header is its column names. A column named
    /// `card_number` holds a member id and is written as the member's card number.
    fn sql(self) -> &'static str {
        match self {
            Self::Members => {
                "SELECT u.id AS card_number, u.email, u.preferred_name, u.phone, u.language,
                        u.birthday, u.postal_address, u.created_at AS joined_at,
                        u.email_confirmed_at, u.email_marketing,
                        (SELECT c.source FROM consent_events c WHERE c.user_id = u.id
                           AND c.channel = 'email' ORDER BY c.id DESC LIMIT 1) AS email_consent_source,
                        (SELECT c.created_at FROM consent_events c WHERE c.user_id = u.id
                           AND c.channel = 'email' ORDER BY c.id DESC LIMIT 1) AS email_consent_at,
                        u.sms_marketing,
                        (SELECT c.source FROM consent_events c WHERE c.user_id = u.id
                           AND c.channel = 'sms' ORDER BY c.id DESC LIMIT 1) AS sms_consent_source,
                        (SELECT c.created_at FROM consent_events c WHERE c.user_id = u.id
                           AND c.channel = 'sms' ORDER BY c.id DESC LIMIT 1) AS sms_consent_at,
                        coalesce(b.balance, 0) AS balance, t.name AS tier,
                        u.last_purchase_at, u.closed_at
                 FROM users u
                 LEFT JOIN member_balances b ON b.member_id = u.id
                 LEFT JOIN member_tiers mt ON mt.member_id = u.id
                 LEFT JOIN tiers t ON t.id = mt.tier_id
                 WHERE u.role = 'member' ORDER BY u.id"
            }
            Self::Purchases => {
                "SELECT p.id AS purchase_id, p.created_at, p.member_id AS card_number,
                        l.name AS location, p.receipt, p.amount_minor, p.discount_minor, p.currency,
                        p.points, p.refunded_minor, p.points_refunded, p.offer_id, p.coupon_id,
                        s.email AS staff, p.api_key_id
                 FROM purchases p
                 JOIN locations l ON l.id = p.location_id
                 LEFT JOIN users s ON s.id = p.staff_id
                 ORDER BY p.id"
            }
            Self::Ledger => {
                "SELECT m.id AS movement_id, m.created_at, m.member_id AS card_number, m.kind,
                        m.amount, m.balance_after, m.reason, l.name AS location,
                        pa.name AS partner, m.purchase_id, m.actor_kind, m.actor_id
                 FROM point_movements m
                 LEFT JOIN locations l ON l.id = m.location_id
                 LEFT JOIN partners pa ON pa.id = m.partner_id
                 ORDER BY m.id"
            }
            Self::Feedback => {
                "SELECT f.id AS feedback_id, f.created_at, f.member_id AS card_number,
                        l.name AS location, f.purchase_id, f.nps, f.csat, f.category, f.choice,
                        f.body, f.contact_name, f.contact_email, f.language
                 FROM feedback f LEFT JOIN locations l ON l.id = f.location_id
                 ORDER BY f.id"
            }
            Self::Cases => {
                "SELECT c.id AS case_id, c.created_at, c.feedback_id, c.member_id AS card_number,
                        c.status, c.priority, a.email AS assignee, l.name AS location, c.due_at,
                        c.first_response_at, c.resolved_at, c.resolution
                 FROM cases c
                 LEFT JOIN users a ON a.id = c.assignee_id
                 LEFT JOIN locations l ON l.id = c.location_id
                 ORDER BY c.id"
            }
        }
    }
}

/// One cell of `row` as text: a card number for a `card_number` column, else the value
/// (empty for NULL).
fn text(row: &SqliteRow, i: usize) -> String {
    if row.column(i).name() == "card_number" {
        return row
            .try_get::<Option<i64>, _>(i)
            .ok()
            .flatten()
            .map(member_number)
            .unwrap_or_default();
    }
    if let Ok(s) = row.try_get::<Option<String>, _>(i) {
        return s.unwrap_or_default();
    }
    if let Ok(n) = row.try_get::<Option<i64>, _>(i) {
        return n.map(|n| n.to_string()).unwrap_or_default();
    }
    row.try_get::<Option<f64>, _>(i)
        .ok()
        .flatten()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// Bytes a chunk holds before it is sent on.
const CHUNK: usize = 64 * 1024;

/// Reads `export` row by row and hands `send` chunks of CSV (the header first, even when there
/// are no rows). Stops early, without error, when `send` answers false (the reader went away).
/// Returns the rows written.
pub async fn stream<F, Fut>(
    conn: &mut SqliteConnection,
    export: Export,
    mut send: F,
) -> Result<u64, sqlx::Error>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: Future<Output = bool>,
{
    use futures_util::TryStreamExt as _;
    let mut buf = header(conn, export).await?;
    let mut count = 0;
    let mut rows = sqlx::query(export.sql()).fetch(conn);
    while let Some(row) = rows.try_next().await? {
        let cells: Vec<String> = (0..row.len())
            .map(|i| crate::audit::db::cell(&text(&row, i)))
            .collect();
        buf.push_str(&cells.join(","));
        buf.push_str("\r\n");
        count += 1;
        if buf.len() >= CHUNK && !send(std::mem::take(&mut buf).into_bytes()).await {
            return Ok(count);
        }
    }
    if !buf.is_empty() {
        send(buf.into_bytes()).await;
    }
    Ok(count)
}

/// The header row of `export`: its query's column names, as the database describes them.
async fn header(conn: &mut SqliteConnection, export: Export) -> Result<String, sqlx::Error> {
    use sqlx::Executor as _;
    let described = conn.describe(export.sql()).await?;
    let names: Vec<&str> = described.columns().iter().map(|c| c.name()).collect();
    let mut out = String::with_capacity(CHUNK + 4096);
    out.push_str(&names.join(","));
    out.push_str("\r\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_found_by_name() {
        assert_eq!(Export::parse("ledger"), Some(Export::Ledger));
        assert_eq!(Export::parse("users"), None);
        assert_eq!(Export::parse(Export::Cases.name()), Some(Export::Cases));
    }
}
