//! Partner server functions. Owners add and end partners, make a partner's key (shown once)
//! and read the monthly settlement; every signed-in member sees the live partners and their
//! rates.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::types::{Partner, SettlementLine};
use crate::{error::AppError, integrations::types::NewApiKey, loyalty::rules::Currency};

/// The console's partner page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partners {
    /// Live partners, by name.
    pub partners: Vec<Partner>,
    /// The shop's currency.
    pub currency: Currency,
}

/// One month's settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// `YYYY-MM`.
    pub month: String,
    /// The shop's currency.
    pub currency: Currency,
    /// A line per partner.
    pub lines: Vec<SettlementLine>,
}

/// The live partners (owners).
#[server(prefix = "/api", endpoint = "partners/list")]
pub async fn list_partners() -> Result<Partners, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    live().await
}

/// The live partners and their rates (any signed-in account: members see them in the portal).
#[server(prefix = "/api", endpoint = "partners/for_members")]
pub async fn member_partners() -> Result<Partners, AppError> {
    crate::server::caller().ok_or(AppError::Unauthorized)?;
    live().await
}

#[cfg(feature = "ssr")]
async fn live() -> Result<Partners, AppError> {
    let st = crate::server::state()?;
    let mut conn = st.db.reader.acquire().await?;
    let currency = crate::loyalty::db::program::settings(&mut conn)
        .await?
        .currency;
    Ok(Partners {
        partners: super::db::live(&mut conn).await?,
        currency,
    })
}

/// The settlement of `month` (`YYYY-MM`; empty: this month in the shop's time) (owners).
#[server(prefix = "/api", endpoint = "partners/settlement")]
pub async fn month_settlement(month: String) -> Result<Settlement, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Owner)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    settlement_of(&mut conn, &month, st.clock.now()).await
}

/// The settlement of `month` (`YYYY-MM`; empty: the month of `now` in the shop's time), for
/// the page and its CSV.
#[cfg(feature = "ssr")]
pub async fn settlement_of(
    conn: &mut sqlx::SqliteConnection,
    month: &str,
    now: crate::db::Stamp,
) -> Result<Settlement, AppError> {
    use crate::error::Msg;
    let settings = crate::loyalty::db::program::settings(conn).await?;
    let month = match month.trim() {
        "" => crate::db::local_day(&settings.time_zone, now).0.to_string()[..7].to_owned(),
        m => m.to_owned(),
    };
    let (from, to) = super::types::month(&month)
        .and_then(|m| super::db::month_bounds(&settings.time_zone, m))
        .ok_or_else(|| AppError::field("month", Msg::MonthInvalid))?;
    let lines = super::db::settlement(conn, from, to).await?;
    Ok(Settlement {
        month,
        currency: settings.currency,
        lines,
    })
}

/// Adds a partner (owners): its name, points per whole unit spent there, what 100 points are
/// worth there (major units, e.g. `1.00`) and whether members may pay with points there.
#[server(prefix = "/api", endpoint = "partners/create")]
pub async fn create_partner(
    name: String,
    points_per_unit: String,
    value_of_100: String,
    redeem: Option<String>,
) -> Result<i64, AppError> {
    use super::types::{Rates, partner_name};
    use crate::{accounts::Role, audit, error::Msg, server::*};
    let name = partner_name(&name).map_err(|m| AppError::field("name", m))?;
    let rates = Rates::parse(&points_per_unit, &value_of_100, redeem.is_some())
        .map_err(|(field, m)| AppError::field(field, m))?;
    write_as(Role::Owner, move |tx, me, now| {
        Box::pin(async move {
            let id = super::db::insert(tx, &name, rates, Some(me.id), now)
                .await?
                .ok_or_else(|| AppError::field("name", Msg::PartnerTaken))?;
            let detail = format!(
                "{name}: {} points per unit, 100 points = {} minor units{}",
                rates.points_per_unit,
                rates.value_of_100,
                if rates.redeem {
                    ", pay with points"
                } else {
                    ""
                }
            );
            audit::db::record(
                tx,
                Some(me.id),
                "partner.create",
                &format!("partner:{id}"),
                &detail,
            )
            .await?;
            Ok(id)
        })
    })
    .await
}

/// Ends a partnership (owners): the partner leaves the portal and its keys are revoked; its
/// settlement stays.
#[server(prefix = "/api", endpoint = "partners/end")]
pub async fn end_partner(id: i64) -> Result<(), AppError> {
    use crate::{accounts::Role, audit, server::*};
    write_as(Role::Owner, move |tx, me, now| {
        Box::pin(async move {
            if !super::db::end(tx, id, now).await? {
                return Err(AppError::NotFound);
            }
            audit::db::record(tx, Some(me.id), "partner.end", &format!("partner:{id}"), "").await?;
            Ok(())
        })
    })
    .await
}

/// Makes an API key for partner `id` (owners), named after it, with scope `partner`. The
/// secret is in the answer and nowhere else.
#[server(prefix = "/api", endpoint = "partners/create_key")]
pub async fn create_partner_key(id: i64) -> Result<NewApiKey, AppError> {
    use crate::{
        accounts::Role,
        audit,
        integrations::{
            db as keys,
            types::{DEFAULT_RATE, Scope},
        },
        server::*,
    };
    write_as(Role::Owner, move |tx, me, now| {
        Box::pin(async move {
            let partner = super::db::get(tx, id).await?.ok_or(AppError::NotFound)?;
            let secret = keys::new_secret();
            let key = keys::NewKey {
                name: &partner.name,
                scopes: &[Scope::Partner],
                location_id: None,
                rate_per_minute: DEFAULT_RATE,
                created_by: Some(me.id),
                partner_id: Some(id),
            };
            let key_id = keys::insert(tx, &key, &secret, now).await?;
            let detail = format!("{}: partner {id}", partner.name);
            audit::db::record(
                tx,
                Some(me.id),
                "api_key.create",
                &format!("api_key:{key_id}"),
                &detail,
            )
            .await?;
            Ok(NewApiKey { id: key_id, secret })
        })
    })
    .await
}
