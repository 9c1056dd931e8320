//! Program server functions: read the rules (any staff, the counter needs them), change them
//! (managers and owners, audited), and preview what a purchase would earn.

use leptos::prelude::*;

use super::rules::{BonusRule, Earning, Location, Program, Settings, Tier};
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use crate::{
        accounts::{CurrentUser, Role},
        audit,
        error::{AppError, Msg},
        server::{require, state},
    };

    /// A manager, with the write transaction open.
    pub async fn manager_write() -> Result<
        (
            CurrentUser,
            crate::server::AppState,
            sqlx::Transaction<'static, sqlx::Sqlite>,
        ),
        AppError,
    > {
        let me = require(Role::Manager)?;
        let st = state()?;
        let tx = st.db.begin_write().await?;
        Ok((me, st, tx))
    }

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

    /// Records `value` as the audit detail of `action` on `target`, commits, and returns it.
    pub async fn audited<T: serde::Serialize>(
        mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
        me: &CurrentUser,
        action: &str,
        target: &str,
        value: T,
    ) -> Result<T, AppError> {
        let detail = serde_json::to_string(&value).unwrap_or_default();
        audit(&mut tx, me, action, target, &detail).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// A name (tier, rule, location): 1–60 characters.
    pub fn name(raw: &str) -> Result<String, AppError> {
        let s = raw.trim();
        match s.chars().count() {
            0 => Err(AppError::field("name", Msg::NameRequired)),
            n if n > 60 => Err(AppError::field("name", Msg::NameTooLong)),
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
    pub fn date(field: &str, raw: &str) -> Result<Option<String>, AppError> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(s, &format)
            .map(|_| Some(s.to_owned()))
            .map_err(|_| AppError::field(field, Msg::DateInvalid))
    }
}

/// The whole program: settings, tiers, bonus rules, locations (any staff).
#[server(prefix = "/api", endpoint = "program/get")]
pub async fn program_rules() -> Result<Program, AppError> {
    use crate::{accounts::Role, server::*};
    respond(
        async move {
            require(Role::Staff)?;
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            Ok(super::db::program::program(&mut conn).await?)
        }
        .await,
    )
}

/// Changes how points are earned, expire and qualify for tiers (managers and owners). The
/// expiry lifetime applies to points earned from now on.
#[server(prefix = "/api", endpoint = "program/settings")]
pub async fn save_settings(
    currency: String,
    rate: String,
    rounding: String,
    expiry_months: String,
    qualification_months: String,
    downgrade: String,
    time_zone: Option<String>,
) -> Result<Settings, AppError> {
    use super::rules::{self, CURRENCIES, Downgrade, Rounding};
    use crate::{db::timestamp, error::Msg, server::*};
    respond(
        async move {
            let currency = currency.trim().to_ascii_uppercase();
            if !CURRENCIES.contains(&currency.as_str()) {
                return Err(AppError::field("currency", Msg::CurrencyInvalid));
            }
            let settings = Settings {
                currency,
                rate_hundredths: rules::parse_hundredths(&rate, 0, 100_000)
                    .ok_or_else(|| AppError::field("rate", Msg::RateInvalid))?,
                rounding: Rounding::parse(&rounding).ok_or(AppError::BadRequest)?,
                expiry_months: imp::months("expiry_months", &expiry_months, 120)?,
                qualification_months: imp::months(
                    "qualification_months",
                    &qualification_months,
                    36,
                )?
                .ok_or_else(|| AppError::field("qualification_months", Msg::MonthsInvalid))?,
                downgrade: Downgrade::parse(&downgrade).ok_or(AppError::BadRequest)?,
                time_zone: match time_zone.as_deref().map(str::trim) {
                    // Left out: unchanged (filled in below).
                    None | Some("") => String::new(),
                    Some(name) => crate::db::time_zone_name(name)
                        .ok_or_else(|| AppError::field("time_zone", Msg::TimeZoneInvalid))?,
                },
            };
            let (me, st, mut tx) = imp::manager_write().await?;
            let mut settings = settings;
            if settings.time_zone.is_empty() {
                settings.time_zone = super::db::program::settings(&mut tx).await?.time_zone;
            }
            let at = timestamp(st.clock.now());
            super::db::program::save_settings(&mut tx, &settings, &at).await?;
            let detail = serde_json::to_string(&settings).unwrap_or_default();
            imp::audit(&mut tx, &me, "program.settings", "program", &detail).await?;
            tx.commit().await?;
            Ok(settings)
        }
        .await,
    )
}

/// Adds a tier (`id` empty) or changes one (managers and owners). `multiplier` is a decimal
/// (`1.5`); names and thresholds are unique.
#[server(prefix = "/api", endpoint = "program/tier")]
pub async fn save_tier(
    id: Option<i64>,
    name: String,
    threshold: String,
    multiplier: String,
    perks: String,
) -> Result<Tier, AppError> {
    use super::rules;
    use crate::{
        db::{is_unique_violation, timestamp},
        error::Msg,
        server::*,
    };
    respond(
        async move {
            let perks = perks.trim().to_owned();
            if perks.chars().count() > 300 {
                return Err(AppError::field("perks", Msg::ReasonTooLong));
            }
            let tier = Tier {
                id: id.unwrap_or(0),
                name: imp::name(&name)?,
                threshold: threshold
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|t| (0..=100_000_000).contains(t))
                    .ok_or_else(|| AppError::field("threshold", Msg::PointsInvalid))?,
                multiplier_pct: rules::parse_hundredths(&multiplier, 100, 1000)
                    .ok_or_else(|| AppError::field("multiplier", Msg::MultiplierInvalid))?,
                perks,
            };
            let (me, st, mut tx) = imp::manager_write().await?;
            let at = timestamp(st.clock.now());
            let id = match super::db::program::save_tier(&mut tx, &tier, &at).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::field("name", Msg::NameTaken));
                }
                Err(e) => return Err(e.into()),
            };
            let detail = format!(
                "{} from {} points, ×{}",
                tier.name,
                tier.threshold,
                rules::show_hundredths(tier.multiplier_pct)
            );
            imp::audit(&mut tx, &me, "program.tier", &format!("tier:{id}"), &detail).await?;
            tx.commit().await?;
            Ok(Tier { id, ..tier })
        }
        .await,
    )
}

/// Adds a bonus rule (managers and owners). Empty conditions mean "any". Names are unique, so
/// a repeated submit is refused instead of adding the rule twice.
#[server(prefix = "/api", endpoint = "program/bonus")]
pub async fn add_bonus_rule(
    name: String,
    multiplier: String,
    extra_points: String,
    weekday: Option<String>,
    location_id: Option<String>,
    starts_on: String,
    ends_on: String,
) -> Result<BonusRule, AppError> {
    use super::rules;
    use crate::{
        db::{is_unique_violation, timestamp},
        error::Msg,
        server::*,
    };
    respond(
        async move {
            let any = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
            let mut rule = BonusRule {
                id: 0,
                name: imp::name(&name)?,
                multiplier_pct: rules::parse_hundredths(&multiplier, 100, 1000)
                    .ok_or_else(|| AppError::field("multiplier", Msg::MultiplierInvalid))?,
                extra_points: match extra_points.trim() {
                    "" => 0,
                    s => s
                        .parse::<i64>()
                        .ok()
                        .filter(|n| (0..=100_000).contains(n))
                        .ok_or_else(|| AppError::field("extra_points", Msg::PointsInvalid))?,
                },
                weekday: any(weekday)
                    .map(|d| d.trim().parse::<u8>().ok().filter(|d| (1..=7).contains(d)))
                    .map(|d| d.ok_or(AppError::BadRequest))
                    .transpose()?,
                location_id: any(location_id)
                    .map(|l| l.trim().parse::<i64>().map_err(|_| AppError::BadRequest))
                    .transpose()?,
                starts_on: imp::date("starts_on", &starts_on)?,
                ends_on: imp::date("ends_on", &ends_on)?,
                active: true,
            };
            if let (Some(s), Some(e)) = (&rule.starts_on, &rule.ends_on)
                && e < s
            {
                return Err(AppError::field("ends_on", Msg::DateInvalid));
            }
            let (me, st, mut tx) = imp::manager_write().await?;
            if let Some(l) = rule.location_id
                && !super::db::program::location_exists(&mut tx, l).await?
            {
                return Err(AppError::field("location_id", Msg::LocationRequired));
            }
            let at = timestamp(st.clock.now());
            rule.id = match super::db::program::insert_bonus_rule(&mut tx, &rule, &at).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::field("name", Msg::NameTaken));
                }
                Err(e) => return Err(e.into()),
            };
            let target = format!("bonus:{}", rule.id);
            imp::audit(&mut tx, &me, "program.bonus.add", &target, &rule.name).await?;
            tx.commit().await?;
            Ok(rule)
        }
        .await,
    )
}

/// Switches a bonus rule on or off (managers and owners).
#[server(prefix = "/api", endpoint = "program/bonus_active")]
pub async fn set_bonus_rule_active(id: i64, active: bool) -> Result<(), AppError> {
    use crate::server::*;
    respond(
        async move {
            let (me, _, mut tx) = imp::manager_write().await?;
            if !super::db::program::set_bonus_active(&mut tx, id, active).await? {
                return Err(AppError::NotFound);
            }
            let detail = if active { "on" } else { "off" };
            imp::audit(
                &mut tx,
                &me,
                "program.bonus.active",
                &format!("bonus:{id}"),
                detail,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Adds a location (managers and owners). Names are unique.
#[server(prefix = "/api", endpoint = "program/location")]
pub async fn add_location(name: String) -> Result<Location, AppError> {
    use crate::{
        db::{is_unique_violation, timestamp},
        error::Msg,
        server::*,
    };
    respond(
        async move {
            let name = imp::name(&name)?;
            let (me, st, mut tx) = imp::manager_write().await?;
            let at = timestamp(st.clock.now());
            let id = match super::db::program::insert_location(&mut tx, &name, &at).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::field("name", Msg::NameTaken));
                }
                Err(e) => return Err(e.into()),
            };
            imp::audit(
                &mut tx,
                &me,
                "program.location",
                &format!("location:{id}"),
                &name,
            )
            .await?;
            tx.commit().await?;
            Ok(Location { id, name })
        }
        .await,
    )
}

/// What a purchase of `amount` would earn for a member in `tier_id` at `location_id` on `date`
/// (`YYYY-MM-DD`, default today) under the saved rules (managers and owners).
#[server(prefix = "/api", endpoint = "program/preview")]
pub async fn preview_earning(
    amount: String,
    tier_id: Option<String>,
    location_id: Option<String>,
    date: String,
) -> Result<Earning, AppError> {
    use super::rules;
    use crate::{accounts::Role, error::Msg, server::*};
    respond(
        async move {
            require(Role::Manager)?;
            let amount_minor =
                rules::parse_amount(&amount).map_err(|m| AppError::field("amount", m))?;
            let st = state()?;
            let mut conn = st.db.reader.acquire().await?;
            let program = super::db::program::program(&mut conn).await?;
            // Today in the shop's calendar.
            let date = imp::date("date", &date)?.unwrap_or_else(|| {
                crate::db::local_day(&program.settings.time_zone, st.clock.now()).0
            });
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let weekday = time::Date::parse(&date, &format)
                .map_err(|_| AppError::field("date", Msg::DateInvalid))?
                .weekday()
                .number_from_monday();
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
                .filter(|r| r.applies(&date, weekday, location_id.unwrap_or(0)))
                .collect();
            Ok(rules::earn(
                &program.settings,
                amount_minor,
                tier_pct,
                &applying,
            ))
        }
        .await,
    )
}
