//! API key server functions. Owners only: a key reaches member data and the ledger, so making
//! and revoking one is the owner's call, and both land in the audit log.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::types::{ApiKeyInfo, NewApiKey};
use crate::error::AppError;

/// The console's API key page: the keys and the locations a key may be tied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeys {
    /// Every key, live ones first.
    pub keys: Vec<ApiKeyInfo>,
    /// Locations as (id, name).
    pub locations: Vec<(i64, String)>,
}

/// Every API key (owners).
#[server(prefix = "/api", endpoint = "integrations/api_keys")]
pub async fn list_api_keys() -> Result<ApiKeys, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let zone = crate::loyalty::db::program::settings(&mut conn)
        .await?
        .time_zone;
    let mut keys = super::db::list(&mut conn).await?;
    // Shown in the shop's time, as the audit log is.
    for k in &mut keys {
        k.created_at = crate::db::local_time_of(&zone, &k.created_at);
        k.last_used_at = k
            .last_used_at
            .as_deref()
            .map(|t| crate::db::local_time_of(&zone, t));
    }
    let locations = crate::loyalty::db::program::locations(&mut conn)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    Ok(ApiKeys { keys, locations })
}

/// Makes an API key (owners). One box per scope (`members_read`, `purchases_write`,
/// `codes_redeem`: ticked when present); `location_id` empty: each request names one; `rate`
/// empty: the default. The secret is in the answer and nowhere else.
#[server(prefix = "/api", endpoint = "integrations/create_api_key")]
pub async fn create_api_key(
    name: String,
    members_read: Option<String>,
    purchases_write: Option<String>,
    codes_redeem: Option<String>,
    location_id: Option<i64>,
    rate: Option<String>,
) -> Result<NewApiKey, AppError> {
    use super::types::{Scope, key_name, rate_per_minute};
    use crate::{accounts::Role, audit, error::Msg, server::*};
    let name = key_name(&name).map_err(|m| AppError::field("name", m))?;
    let ticked = [members_read, purchases_write, codes_redeem];
    let scopes: Vec<Scope> = Scope::ALL
        .into_iter()
        .zip(ticked)
        .filter_map(|(scope, box_)| box_.map(|_| scope))
        .collect();
    if scopes.is_empty() {
        return Err(AppError::field("scopes", Msg::ApiKeyScopes));
    }
    let rate =
        rate_per_minute(rate.as_deref().unwrap_or("")).map_err(|m| AppError::field("rate", m))?;
    write_as(Role::Owner, move |tx, me, now| {
        Box::pin(async move {
            if let Some(id) = location_id
                && crate::loyalty::db::program::location_name(tx, id)
                    .await?
                    .is_none()
            {
                return Err(AppError::field("location_id", Msg::LocationRequired));
            }
            let secret = super::db::new_secret();
            let key = super::db::NewKey {
                name: &name,
                scopes: &scopes,
                location_id,
                rate_per_minute: rate,
                created_by: Some(me.id),
                partner_id: None,
            };
            let id = super::db::insert(tx, &key, &secret, now).await?;
            let detail = format!("{name}: {}", Scope::join(&scopes));
            audit::db::record(
                tx,
                Some(me.id),
                "api_key.create",
                &format!("api_key:{id}"),
                &detail,
            )
            .await?;
            Ok(NewApiKey { id, secret })
        })
    })
    .await
}

/// Revokes an API key (owners): from the next request on, it is refused.
#[server(prefix = "/api", endpoint = "integrations/revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    use crate::{accounts::Role, audit, server::*};
    write_as(Role::Owner, move |tx, me, now| {
        Box::pin(async move {
            if !super::db::revoke(tx, id, now).await? {
                return Err(AppError::NotFound);
            }
            audit::db::record(
                tx,
                Some(me.id),
                "api_key.revoke",
                &format!("api_key:{id}"),
                "",
            )
            .await?;
            Ok(())
        })
    })
    .await
}
