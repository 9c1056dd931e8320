//! The counter's reads and its one setting: what a search finds (one member's whole panel, or
//! a short list to pick from), where the staff member works (remembered per account and used
//! for purchases, reward codes and refunds alike).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::types::{PointsSummary, Purchase};
use crate::{error::AppError, members::MemberCard};

/// Everything the counter shows for the member a search finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterData {
    /// Who was found.
    pub card: MemberCard,
    /// Their standing.
    pub summary: PointsSummary,
    /// Their latest purchases, newest first.
    pub purchases: Vec<Purchase>,
    /// The shop's currency.
    pub currency: crate::loyalty::rules::Currency,
    /// Whether the caller may adjust points (managers and owners).
    pub can_adjust: bool,
    /// Offers, next-visit discounts and per-item punch cards for this member.
    pub perks: crate::perks::types::CounterPerks,
    /// The purchase just recorded for them by a plain form post (`done=`), to confirm it.
    pub done: Option<Purchase>,
}

/// What a counter search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterLookup {
    /// Everyone who matched (none, one, or a few to pick from).
    pub matches: Vec<MemberCard>,
    /// The member's panel, when exactly one matched.
    pub panel: Option<CounterData>,
}

/// The counter's view of what `query` finds (see [`crate::members::find_members`]), in one
/// request so the page renders from a single resource. `done` names a purchase just recorded
/// for the member, shown as its confirmation. Staff only.
#[server(prefix = "/api", endpoint = "loyalty/counter")]
pub async fn counter_panel(query: String, done: Option<i64>) -> Result<CounterLookup, AppError> {
    use crate::{accounts::Role, server::*};
    let me = require(Role::Staff)?;
    let matches = crate::members::find_members(query).await?;
    let [card] = matches.as_slice() else {
        return Ok(CounterLookup {
            matches,
            panel: None,
        });
    };
    let card = card.clone();
    let summary = super::member_points(Some(card.id)).await?;
    let purchases = super::member_purchases(card.id).await?;
    let program = super::super::program_api::program_rules().await?;
    let perks = crate::perks::api::counter_choices(card.id).await?;
    let done = done.and_then(|id| purchases.iter().find(|p| p.id == id).cloned());
    Ok(CounterLookup {
        matches,
        panel: Some(CounterData {
            perks,
            card,
            summary,
            purchases,
            currency: program.settings.currency,
            can_adjust: me.role.at_least(Role::Manager),
            done,
        }),
    })
}

/// Where the caller works the counter: the shop's locations and the one in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceChoice {
    /// Locations as (id, name), by name.
    pub locations: Vec<(i64, String)>,
    /// The caller's location: the one they chose last, else the first.
    pub current: Option<i64>,
}

/// The caller's counter location and the choices (staff).
#[server(prefix = "/api", endpoint = "loyalty/counter_place")]
pub async fn counter_place() -> Result<PlaceChoice, AppError> {
    use crate::{accounts::Role, server::*};
    let me = require(Role::Staff)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let locations: Vec<(i64, String)> = super::super::db::program::locations(&mut conn)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let current = super::super::db::program::counter_location(&mut conn, me.id)
        .await?
        .or_else(|| locations.first().map(|l| l.0));
    Ok(PlaceChoice { locations, current })
}

/// Remembers where the caller works the counter (staff); purchases, reward codes and refunds
/// made without naming a location use it.
#[server(prefix = "/api", endpoint = "loyalty/set_counter_place")]
pub async fn set_counter_place(location_id: i64) -> Result<(), AppError> {
    use crate::{accounts::Role, error::Msg, server::*};
    write_as(Role::Staff, move |tx, me, _| {
        Box::pin(async move {
            if !super::super::db::program::set_counter_location(tx, me.id, location_id).await? {
                return Err(AppError::field("location_id", Msg::LocationRequired));
            }
            Ok(())
        })
    })
    .await
}

/// Where a sale is recorded: `location_id` when given, else the staff member's counter
/// location (the field's error when the shop has none).
#[cfg(feature = "ssr")]
pub async fn counter_location(
    st: &crate::server::AppState,
    staff_id: i64,
    location_id: Option<i64>,
) -> Result<i64, AppError> {
    match location_id {
        Some(id) => Ok(id),
        None => remembered_location(st, staff_id)
            .await?
            .ok_or_else(|| AppError::field("location_id", crate::error::Msg::LocationRequired)),
    }
}

/// The location staff member `staff_id` uses at the counter: the one they chose, else the
/// first by name (none only when the shop has no locations).
#[cfg(feature = "ssr")]
pub async fn remembered_location(
    st: &crate::server::AppState,
    staff_id: i64,
) -> Result<Option<i64>, AppError> {
    let mut conn = st.db.reader.acquire().await?;
    if let Some(id) = super::super::db::program::counter_location(&mut conn, staff_id).await? {
        return Ok(Some(id));
    }
    Ok(super::super::db::program::locations(&mut conn)
        .await?
        .first()
        .map(|l| l.id))
}
