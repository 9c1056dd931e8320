//! Partner queries, and what a partner's key records: points earned or spent there, appended
//! to the shop's ledger with the partner as their source, beside a row that keeps what they
//! were worth at the partner's rates then (which the settlement sums).

use sqlx::SqliteConnection;

use super::types::{Partner, Rates, SettlementLine};
use crate::{
    db::Stamp,
    error::AppError,
    loyalty::{
        db::{self as ledger, Actor, NewMovement},
        types::MovementKind,
    },
};

type Row = (i64, String, i64, i64, bool);

fn partner((id, name, points_per_unit, value_of_100, redeem): Row) -> Partner {
    Partner {
        id,
        name,
        rates: Rates {
            points_per_unit,
            value_of_100,
            redeem,
        },
    }
}

const COLUMNS: &str = "SELECT id, name, points_per_unit, value_of_100, redeem FROM partners";

/// Adds a partner; `None` when a live partner already has that name.
pub async fn insert(
    conn: &mut SqliteConnection,
    name: &str,
    rates: Rates,
    created_by: Option<i64>,
    now: Stamp,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO partners (name, points_per_unit, value_of_100, redeem, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) WHERE ended_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(rates.points_per_unit)
    .bind(rates.value_of_100)
    .bind(rates.redeem)
    .bind(created_by)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// The live partners, by name.
pub async fn live(conn: &mut SqliteConnection) -> Result<Vec<Partner>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{COLUMNS} WHERE ended_at IS NULL ORDER BY name, id"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(partner).collect())
}

/// Live partner `id`.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Partner>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("{COLUMNS} WHERE id = $1 AND ended_at IS NULL"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(partner))
}

/// Ends partnership `id` and revokes its keys; false if there is no such live partner.
pub async fn end(conn: &mut SqliteConnection, id: i64, now: Stamp) -> Result<bool, sqlx::Error> {
    let ended = sqlx::query("UPDATE partners SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE partner_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(ended)
}

/// What happened at a partner, as its key reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The member spent `amount_minor` there and earns points for it.
    Earn {
        /// Spent, minor units.
        amount_minor: i64,
    },
    /// The member pays with `points` there.
    Redeem {
        /// Points spent.
        points: i64,
    },
}

/// What a partner's event did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    /// The ledger movement (none for a purchase too small to earn a point).
    pub movement_id: Option<i64>,
    /// Points earned (positive) or spent (negative).
    pub points: i64,
    /// What they are worth at the partner, minor units.
    pub value_minor: i64,
    /// The member's balance afterwards.
    pub balance: i64,
    /// When (UTC, RFC 3339).
    pub created_at: String,
}

/// Where an event happened: the partner, the key that reported it and the partner's own
/// receipt number.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The partner.
    pub partner: &'a Partner,
    /// Its key that reported the event.
    pub api_key_id: i64,
    /// The partner's receipt number.
    pub receipt: &'a str,
}

/// Records `event` for `member_id` at `at`, with ledger idempotency key `key`. Run inside a
/// write transaction. A partner that gives no points, or takes none, refuses (`Forbidden`);
/// too few points is the `points` field's error.
pub async fn record(
    conn: &mut SqliteConnection,
    at: Source<'_>,
    member_id: i64,
    event: Event,
    key: &str,
    now: Stamp,
) -> Result<Recorded, AppError> {
    let Source {
        partner,
        api_key_id,
        receipt,
    } = at;
    if !ledger::is_member(conn, member_id).await? {
        return Err(AppError::NotFound);
    }
    let rates = partner.rates;
    let (kind, points, amount_minor) = match event {
        Event::Earn { amount_minor } if rates.points_per_unit > 0 => (
            MovementKind::Earn,
            rates.points_for(amount_minor),
            Some(amount_minor),
        ),
        Event::Redeem { points } if rates.redeem => (MovementKind::Redeem, points, None),
        _ => return Err(AppError::Forbidden),
    };
    ledger::lock_member(conn, member_id).await?;
    if points == 0 {
        return Ok(Recorded {
            movement_id: None,
            points: 0,
            value_minor: 0,
            balance: ledger::balance(conn, member_id).await?,
            created_at: now.to_string(),
        });
    }
    let (signed, expires_at) = match kind {
        MovementKind::Earn => {
            let settings = crate::loyalty::db::program::settings(conn).await?;
            (
                points,
                crate::loyalty::db::program::expiry_of(&settings, now),
            )
        }
        _ => (-points, None),
    };
    let movement = NewMovement {
        partner_id: Some(partner.id),
        expires_at,
        ..NewMovement::plain(
            member_id,
            signed,
            kind,
            receipt,
            Actor::ApiKey(api_key_id),
            key,
            now,
        )
    };
    let (movement_id, balance) = ledger::append_only(conn, &movement).await?;
    let value_minor = rates.value_of(points);
    sqlx::query(
        "INSERT INTO partner_transactions
           (partner_id, api_key_id, movement_id, kind, receipt, amount_minor, points, value_minor,
            created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(partner.id)
    .bind(api_key_id)
    .bind(movement_id)
    .bind(kind)
    .bind(receipt)
    .bind(amount_minor)
    .bind(points)
    .bind(value_minor)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Recorded {
        movement_id: Some(movement_id),
        points: signed,
        value_minor,
        balance,
        created_at: now.to_string(),
    })
}

/// Every partner that was live in `[from, to)` or had movements then, with the points earned
/// and spent there in that time and what they were worth; by name.
pub async fn settlement(
    conn: &mut SqliteConnection,
    from: Stamp,
    to: Stamp,
) -> Result<Vec<SettlementLine>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT p.name,
                coalesce(sum(t.points) FILTER (WHERE t.kind = 'earn'), 0),
                coalesce(sum(t.value_minor) FILTER (WHERE t.kind = 'earn'), 0),
                coalesce(sum(t.points) FILTER (WHERE t.kind = 'redeem'), 0),
                coalesce(sum(t.value_minor) FILTER (WHERE t.kind = 'redeem'), 0)
         FROM partners p
         LEFT JOIN partner_transactions t
           ON t.partner_id = p.id AND t.created_at >= $1 AND t.created_at < $2
         WHERE p.created_at < $2 AND (p.ended_at IS NULL OR p.ended_at >= $1 OR t.id IS NOT NULL)
         GROUP BY p.id ORDER BY p.name, p.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(partner, pe, ve, pr, vr)| SettlementLine {
            partner,
            points_earned: pe,
            owed_by_partner: ve,
            points_redeemed: pr,
            owed_to_partner: vr,
        })
        .collect())
}

/// The first moments of month `(year, month)` and of the next, in the shop's time zone `tz`.
pub fn month_bounds(tz: &str, (year, month): (i32, u8)) -> Option<(Stamp, Stamp)> {
    let first = |y: i32, m: u8| {
        format!("{y:04}-{m:02}-01")
            .parse::<crate::db::Day>()
            .ok()
            .and_then(|d| d.start_in(&crate::db::zone(tz)))
    };
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Some((first(year, month)?, first(ny, nm)?))
}

/// The settlement as CSV: a line per partner, amounts in minor units.
pub fn settlement_csv(month: &str, currency: &str, lines: &[SettlementLine]) -> String {
    let mut out = String::from(
        "month,partner,currency,points_earned,owed_by_partner_minor,points_redeemed,owed_to_partner_minor,net_owed_by_partner_minor\n",
    );
    for l in lines {
        out.push_str(&format!(
            "{month},{},{currency},{},{},{},{},{}\n",
            crate::audit::db::cell(&l.partner),
            l.points_earned,
            l.owed_by_partner,
            l.points_redeemed,
            l.owed_to_partner,
            l.net()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settlement_csv_nets_what_each_side_owes() {
        let lines = [SettlementLine {
            partner: "Café, Nord".into(),
            points_earned: 300,
            owed_by_partner: 300,
            points_redeemed: 500,
            owed_to_partner: 500,
        }];
        assert_eq!(
            settlement_csv("2026-11", "EUR", &lines).lines().nth(1),
            Some("2026-11,\"Café, Nord\",EUR,300,300,500,500,-200")
        );
    }

    #[test]
    fn a_month_runs_from_its_first_local_midnight_to_the_next_month_s() {
        let (from, to) = month_bounds("Europe/Stockholm", (2026, 12)).expect("a month");
        assert_eq!(from.to_string(), "2026-11-30T23:00:00Z");
        assert_eq!(to.to_string(), "2026-12-31T23:00:00Z");
    }
}
