//! API key queries. A key's secret is 32 random bytes, shown once as `rgl_` and 64 hex digits;
//! only its SHA-256 is stored, so a copy of the database lets nobody call the API.

use sha2::{Digest as _, Sha256};
use sqlx::SqliteConnection;

use super::types::{ApiKeyInfo, Scope};
use crate::db::Stamp;

/// What every secret starts with, so one found in a log or a repository is recognisable.
pub const SECRET_PREFIX: &str = "rgl_";

/// How many characters of a secret the console shows.
const SHOWN: usize = 12;

/// The stored hash of `secret` (lower-case hex SHA-256).
pub fn hash(secret: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(secret.as_bytes()))
}

/// A new random secret.
pub fn new_secret() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", data_encoding::HEXLOWER.encode(&bytes))
}

/// A key to make.
#[derive(Debug)]
pub struct NewKey<'a> {
    /// Its name.
    pub name: &'a str,
    /// What it may do.
    pub scopes: &'a [Scope],
    /// Where its sales are recorded, if fixed.
    pub location_id: Option<i64>,
    /// Requests per minute.
    pub rate_per_minute: i64,
    /// The owner making it (`None`: the command line).
    pub created_by: Option<i64>,
    /// The partner retailer it is for (its scopes are then `[Scope::Partner]`).
    pub partner_id: Option<i64>,
}

/// Stores a key for `secret`. Returns its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    key: &NewKey<'_>,
    secret: &str,
    now: Stamp,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_keys
           (name, prefix, secret_hash, scopes, location_id, rate_per_minute, created_by, created_at,
            partner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(key.name)
    .bind(&secret[..SHOWN.min(secret.len())])
    .bind(hash(secret))
    .bind(Scope::join(key.scopes))
    .bind(key.location_id)
    .bind(key.rate_per_minute)
    .bind(key.created_by)
    .bind(now)
    .bind(key.partner_id)
    .fetch_one(conn)
    .await
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Every key, newest first, revoked ones last.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<ApiKeyInfo>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT k.id, k.name, k.prefix, k.scopes, l.name, k.rate_per_minute, k.created_at,
                k.last_used_at, k.revoked_at, p.name
         FROM api_keys k LEFT JOIN locations l ON l.id = k.location_id
         LEFT JOIN partners p ON p.id = k.partner_id
         ORDER BY k.revoked_at IS NOT NULL, k.id DESC",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, prefix, scopes, location, rate, created, used, revoked, partner)| {
                ApiKeyInfo {
                    id,
                    name,
                    prefix,
                    scopes: Scope::parse_stored(&scopes),
                    location,
                    rate_per_minute: rate,
                    created_at: created,
                    last_used_at: used,
                    revoked_at: revoked,
                    partner,
                }
            },
        )
        .collect())
}

/// Revokes key `id` (once; revoking it again changes nothing). False if there is no such key.
pub async fn revoke(conn: &mut SqliteConnection, id: i64, now: Stamp) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// A key that may be used: who is calling and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key's id.
    pub id: i64,
    /// Its name, for logs.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// Where its sales are recorded, if fixed.
    pub location_id: Option<i64>,
    /// Requests per minute.
    pub rate_per_minute: i64,
    /// When it was last marked used.
    pub last_used_at: Option<String>,
    /// The partner retailer it belongs to, for a partner's key.
    pub partner_id: Option<i64>,
}

/// The live (not revoked) key whose secret is `secret`, if any.
pub async fn caller(
    conn: &mut SqliteConnection,
    secret: &str,
) -> Result<Option<Caller>, sqlx::Error> {
    if !secret.starts_with(SECRET_PREFIX) {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct Found {
        id: i64,
        name: String,
        scopes: String,
        location_id: Option<i64>,
        rate_per_minute: i64,
        last_used_at: Option<String>,
        partner_id: Option<i64>,
    }
    let found: Option<Found> = sqlx::query_as(
        "SELECT id, name, scopes, location_id, rate_per_minute, last_used_at, partner_id
         FROM api_keys
         WHERE secret_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash(secret))
    .fetch_optional(conn)
    .await?;
    Ok(found.map(|f| Caller {
        id: f.id,
        name: f.name,
        scopes: Scope::parse_stored(&f.scopes),
        location_id: f.location_id,
        rate_per_minute: f.rate_per_minute,
        last_used_at: f.last_used_at,
        partner_id: f.partner_id,
    }))
}

/// Marks key `id` used at `now`.
pub async fn touch(conn: &mut SqliteConnection, id: i64, now: Stamp) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_prefixed_and_hashed_to_hex() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(a.len(), SECRET_PREFIX.len() + 64);
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
