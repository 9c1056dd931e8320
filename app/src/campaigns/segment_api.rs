//! Server functions for segments (owners and managers): the editor's choices, a live count
//! with a sample, saving.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::RuleForm;
use super::{Preview, SegmentEditor, SegmentSaved};
use crate::error::AppError;

/// Saved segments and the editor's choices.
#[server(prefix = "/api", endpoint = "campaigns/segments")]
pub async fn load_segments() -> Result<SegmentEditor, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    let segments = super::db::segments(&mut conn).await?;
    let (tiers, locations) = super::db::choices(&mut conn).await?;
    Ok(SegmentEditor {
        segments,
        tiers,
        locations,
    })
}

/// A name (segment, campaign) trimmed, required and not too long, or `field`'s error.
#[cfg(feature = "ssr")]
pub(super) fn clean_name(name: &str, field: &str) -> Result<String, AppError> {
    use crate::error::Msg;
    let name = name.trim();
    if name.is_empty() {
        Err(AppError::field(field, Msg::TextRequired))
    } else if name.chars().count() > super::MAX_NAME {
        Err(AppError::field(field, Msg::TextTooLong))
    } else {
        Ok(name.to_owned())
    }
}

/// Counts a segment's members (`intent=count`) or saves it (`intent=save`; `id` to change a
/// saved one). Either answers the count and a sample.
#[server(prefix = "/api", endpoint = "campaigns/segment_save")]
pub async fn save_segment(
    intent: String,
    id: Option<i64>,
    name: Option<String>,
    match_all: Option<String>,
    tier: Option<String>,
    joined_from: Option<String>,
    joined_before: Option<String>,
    inactive_days: Option<String>,
    active_days: Option<String>,
    purchases_min: Option<String>,
    purchases_days: Option<String>,
    spend_min: Option<String>,
    spend_days: Option<String>,
    balance_min: Option<String>,
    balance_below: Option<String>,
    expiring_days: Option<String>,
    unused_reward: Option<String>,
    unused_coupon: Option<String>,
    nps: Option<String>,
    location: Option<String>,
    language: Option<String>,
    birthday_month: Option<String>,
    tag: Option<String>,
    consent: Option<String>,
    rfm: Option<String>,
) -> Result<SegmentSaved, AppError> {
    use crate::{accounts::Role, server::*};
    let me = require(Role::Manager)?;
    let form = RuleForm {
        tier,
        joined_from,
        joined_before,
        inactive_days,
        active_days,
        purchases_min,
        purchases_days,
        spend_min,
        spend_days,
        balance_min,
        balance_below,
        expiring_days,
        unused_reward,
        unused_coupon,
        nps,
        location,
        language,
        birthday_month,
        tag,
        consent,
        rfm,
    };
    let rules = form
        .rules()
        .map_err(|errors| AppError::from_fields(errors).unwrap_or(AppError::BadRequest))?;
    let match_all = match match_all.as_deref().unwrap_or("all") {
        "all" => true,
        "any" => false,
        _ => return Err(AppError::BadRequest),
    };
    let st = state()?;
    let now = st.clock.now();
    let saved = match intent.as_str() {
        "count" => None,
        "save" => {
            let name = clean_name(name.as_deref().unwrap_or_default(), "name")?;
            let rules = rules.clone();
            let id = st
                .db
                .write(move |tx| {
                    Box::pin(async move {
                        let saved =
                            super::db::save_segment(tx, id, &name, match_all, &rules, me.id, now)
                                .await?
                                .ok_or(AppError::NotFound)?;
                        crate::audit::db::record(
                            tx,
                            Some(me.id),
                            "segment.save",
                            &format!("segment:{saved}"),
                            &name,
                        )
                        .await?;
                        Ok(saved)
                    })
                })
                .await?;
            Some(id)
        }
        _ => return Err(AppError::BadRequest),
    };
    let mut conn = st.db.reader.acquire().await?;
    let when = super::db::when(&mut conn, now, &rules).await?;
    let preview = super::db::preview(&mut conn, &rules, match_all, &when).await?;
    Ok(SegmentSaved { id: saved, preview })
}

/// A saved segment's members now.
#[server(prefix = "/api", endpoint = "campaigns/segment_count")]
pub async fn segment_count(id: i64) -> Result<Preview, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let segment = super::db::segment(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let when = super::db::when(&mut conn, st.clock.now(), &segment.rules).await?;
    Ok(super::db::preview(&mut conn, &segment.rules, segment.match_all, &when).await?)
}
