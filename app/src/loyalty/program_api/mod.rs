//! Program server functions: read the rules (any staff, the counter needs them), change them
//! (managers and owners, audited), and preview what a purchase would earn.

use leptos::prelude::*;

use super::rules::{BonusRule, Earning, Location, Program, Settings, Tier};
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use crate::{
        accounts::CurrentUser,
        audit,
        error::{AppError, Msg},
    };

    /// Records a program change in the audit log.
    pub async fn audit(
        conn: &mut sqlx::SqliteConnection,
        me: &CurrentUser,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        audit::db::record(conn, Some(me.id), action, target, detail).await?;
        Ok(())
    }

    /// Records `value` as the audit detail of `action` on `target` and returns it.
    pub async fn audited<T: serde::Serialize>(
        conn: &mut sqlx::SqliteConnection,
        me: &CurrentUser,
        action: &str,
        target: &str,
        value: T,
    ) -> Result<T, AppError> {
        let detail = serde_json::to_string(&value).unwrap_or_default();
        audit(conn, me, action, target, &detail).await?;
        Ok(value)
    }

    /// A name or title (tier, rule, location, offer …) in form field `field`: 1–60
    /// characters, control characters collapsed away (as in a person's name); `required` says
    /// what an empty one lacks, in the thing's own words.
    pub fn name(field: &str, raw: &str, required: Msg) -> Result<String, AppError> {
        let s: String = raw.chars().filter(|c| !c.is_control()).collect();
        let s = s.trim();
        match s.chars().count() {
            0 => Err(AppError::field(field, required)),
            n if n > 60 => Err(AppError::field(field, Msg::NameTooLong)),
            _ => Ok(s.to_owned()),
        }
    }

    /// Months: empty or `0` means none (for expiry), else 1..=max.
    pub fn months(field: &str, raw: &str, max: u32) -> Result<Option<u32>, AppError> {
        match raw.trim() {
            "" | "0" => Ok(None),
            s => s
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=max).contains(m))
                .map(Some)
                .ok_or_else(|| AppError::field(field, Msg::MonthsInvalid)),
        }
    }

    /// A `YYYY-MM-DD` date, or none when empty.
    pub fn date(field: &str, raw: &str) -> Result<Option<crate::db::Day>, AppError> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| AppError::field(field, Msg::DateInvalid))
    }

    /// An offer's or reward's description (at most 300 characters, trimmed) and its window
    /// (`starts_on` .. `ends_on`, either open; the end not before the start).
    pub fn description_and_window(
        description: &str,
        starts_on: &str,
        ends_on: &str,
    ) -> Result<(String, Option<String>, Option<String>), AppError> {
        let description = description.trim().to_owned();
        if description.chars().count() > 300 {
            return Err(AppError::field("description", Msg::DescriptionTooLong));
        }
        let (starts_on, ends_on) = (date("starts_on", starts_on)?, date("ends_on", ends_on)?);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            return Err(AppError::field("ends_on", Msg::DateInvalid));
        }
        let text = |d: Option<crate::db::Day>| d.map(|d| d.to_string());
        Ok((description, text(starts_on), text(ends_on)))
    }
}

/// The whole program: settings, tiers, bonus rules, locations (any staff).
#[server(prefix = "/api", endpoint = "program/get")]
pub async fn program_rules() -> Result<Program, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Staff)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    Ok(super::db::program::program(&mut conn).await?)
}

/// What a purchase of `amount` would earn for a member in `tier_id` at `location_id` on `date`
/// (`YYYY-MM-DD`, default today) under the saved rules (managers and owners) — or, when given,
/// under the `rate` and `rounding` a manager has typed and not saved yet.
#[server(prefix = "/api", endpoint = "program/preview")]
pub async fn preview_earning(
    amount: String,
    tier_id: Option<String>,
    location_id: Option<String>,
    date: String,
    rate: Option<String>,
    rounding: Option<String>,
) -> Result<Earning, AppError> {
    use super::rules;
    use crate::{accounts::Role, error::Msg, server::*};
    require(Role::Manager)?;
    let amount_minor = rules::parse_amount(&amount).map_err(|m| AppError::field("amount", m))?;
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let rate = given(rate)
        .map(|r| {
            rules::parse_hundredths(&r, 0, 100_000)
                .ok_or_else(|| AppError::field("rate", Msg::RateInvalid))
        })
        .transpose()?;
    let rounding = given(rounding)
        .map(|r| rules::Rounding::parse(r.trim()).ok_or(AppError::BadRequest))
        .transpose()?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let mut program = super::db::program::program(&mut conn).await?;
    program.settings.rate_hundredths = rate.unwrap_or(program.settings.rate_hundredths);
    program.settings.rounding = rounding.unwrap_or(program.settings.rounding);
    // Today in the shop's calendar.
    let date = imp::date("date", &date)?
        .unwrap_or_else(|| crate::db::local_day(&program.settings.time_zone, st.clock.now()).0);
    let weekday = date.weekday();
    let id = |v: Option<String>| v.and_then(|s| s.trim().parse::<i64>().ok());
    let (tier_id, location_id) = (id(tier_id), id(location_id));
    let tier_pct = program
        .tiers
        .iter()
        .find(|t| Some(t.id) == tier_id)
        .map_or(100, |t| t.multiplier_pct);
    let applying: Vec<_> = program
        .bonus_rules
        .iter()
        .filter(|r| r.applies(&date.to_string(), weekday, location_id.unwrap_or(0)))
        .collect();
    Ok(rules::earn(
        &program.settings,
        amount_minor,
        tier_pct,
        &applying,
    ))
}

mod edit;

pub use edit::*;
