//! Member look-up queries: exact (email, member number, phone; the rest is `search`), and the
//! shop's country for phone numbers.

use sqlx::SqliteConnection;

use super::MemberCard;
use crate::loyalty::rules::member_number;

/// The most members one search lists.
pub const MAX_MATCHES: i64 = 8;

fn cards(rows: Vec<(i64, String, String)>) -> Vec<MemberCard> {
    rows.into_iter()
        .map(|(id, name, email)| MemberCard {
            id,
            member_number: member_number(id),
            name,
            email,
        })
        .collect()
}

/// Members whose email, account id or phone is exactly one of these (any may be `None`).
pub async fn exact(
    conn: &mut SqliteConnection,
    email: Option<&str>,
    id: Option<i64>,
    phone: Option<&str>,
) -> Result<Vec<MemberCard>, sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT id, preferred_name, email FROM users
         WHERE role = 'member' AND closed_at IS NULL AND (email = $1 OR id = $2 OR phone = $3)
         ORDER BY preferred_name, id LIMIT $4",
    )
    .bind(email)
    .bind(id)
    .bind(phone)
    .bind(MAX_MATCHES)
    .fetch_all(conn)
    .await?;
    Ok(cards(rows))
}

/// The shop's country (ISO 3166 alpha-2): the one set, else the one its time zone says.
pub async fn shop_country(conn: &mut SqliteConnection) -> Result<Option<String>, sqlx::Error> {
    let (country, zone): (Option<String>, String) =
        sqlx::query_as("SELECT country, time_zone FROM program_settings WHERE id = 1")
            .fetch_one(conn)
            .await?;
    Ok(country.or_else(|| super::phone::country_of_zone(&zone).map(str::to_owned)))
}

/// Rewrites stored phone numbers that are not yet E.164 (kept from before numbers were
/// normalised) with the shop's country. A number that cannot be read, or whose normal form
/// another account already has, is left as it is and logged. Safe to run at every start.
pub async fn normalise_phones(conn: &mut SqliteConnection) -> Result<u64, sqlx::Error> {
    let country = shop_country(conn).await?;
    let old: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, phone FROM users WHERE phone IS NOT NULL AND phone NOT LIKE '+%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut changed = 0;
    for (id, phone) in old {
        let Ok(normal) = super::phone::Phone::parse(&phone, country.as_deref()) else {
            tracing::warn!(
                user = id,
                "stored phone number is not readable; left as it is"
            );
            continue;
        };
        match sqlx::query("UPDATE users SET phone = $1 WHERE id = $2")
            .bind(normal.as_str())
            .bind(id)
            .execute(&mut *conn)
            .await
        {
            Ok(_) => changed += 1,
            Err(e) if crate::db::is_unique_violation(&e) => {
                tracing::warn!(
                    user = id,
                    "phone number belongs to another account too; left as it is"
                );
            }
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}

/// The active member with this email (any case), if any.
pub async fn member_id_by_email(
    conn: &mut SqliteConnection,
    email: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM users WHERE email = $1 AND role = 'member' AND closed_at IS NULL",
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(conn)
    .await
}
