//! Server functions that change the program (managers and owners, audited): settings, tiers, bonus rules, locations.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::*;

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
    country: Option<String>,
) -> Result<Settings, AppError> {
    use crate::error::Msg;
    use crate::loyalty::rules::{self, Currency, Downgrade, Rounding};
    let currency = Currency::parse(&currency.trim().to_ascii_uppercase())
        .ok_or_else(|| AppError::field("currency", Msg::CurrencyInvalid))?;
    let settings = Settings {
        currency,
        rate_hundredths: rules::parse_hundredths(&rate, 0, 100_000)
            .ok_or_else(|| AppError::field("rate", Msg::RateInvalid))?,
        rounding: Rounding::parse(&rounding).ok_or(AppError::BadRequest)?,
        expiry_months: imp::months("expiry_months", &expiry_months, 120)?,
        qualification_months: imp::months("qualification_months", &qualification_months, 36)?
            .ok_or_else(|| AppError::field("qualification_months", Msg::MonthsInvalid))?,
        downgrade: Downgrade::parse(&downgrade).ok_or(AppError::BadRequest)?,
        time_zone: match time_zone.as_deref().map(str::trim) {
            // Left out: unchanged (filled in below).
            None | Some("") => String::new(),
            Some(name) => crate::db::time_zone_name(name)
                .ok_or_else(|| AppError::field("time_zone", Msg::TimeZoneInvalid))?,
        },
        country: match country.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => {
                let code = code.to_ascii_uppercase();
                crate::members::phone::countries()
                    .find(|c| *c == code)
                    .map(str::to_owned)
                    .ok_or_else(|| AppError::field("country", Msg::CountryInvalid))
                    .map(Some)?
            }
        },
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let mut settings = settings;
            // Left out (time zone) or not sent at all (country): unchanged.
            let old = crate::loyalty::db::program::settings(&mut *tx).await?;
            if settings.time_zone.is_empty() {
                settings.time_zone = old.time_zone;
            }
            if country.is_none() {
                settings.country = old.country;
            }
            let at = now;
            crate::loyalty::db::program::save_settings(&mut *tx, &settings, at).await?;
            // Numbers kept national because the country was not known can be read now.
            crate::members::db::normalise_phones(&mut *tx).await?;
            let detail = serde_json::to_string(&settings).unwrap_or_default();
            imp::audit(&mut *tx, &me, "program.settings", "program", &detail).await?;
            Ok(settings)
        })
    })
    .await
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
    /// Priority service: cases due within these hours; empty: none.
    priority_hours: Option<String>,
) -> Result<Tier, AppError> {
    use crate::loyalty::rules;
    use crate::{db::is_unique_violation, error::Msg};
    let perks = perks.trim().to_owned();
    if perks.chars().count() > 300 {
        return Err(AppError::field("perks", Msg::DescriptionTooLong));
    }
    let tier = Tier {
        id: id.unwrap_or(0),
        name: imp::name("name", &name, Msg::TierNameRequired)?,
        threshold: threshold
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|t| (0..=100_000_000).contains(t))
            .ok_or_else(|| AppError::field("threshold", Msg::PointsInvalid))?,
        multiplier_pct: rules::parse_hundredths(&multiplier, 100, 1000)
            .ok_or_else(|| AppError::field("multiplier", Msg::MultiplierInvalid))?,
        perks,
        priority_hours: match priority_hours.as_deref().unwrap_or_default().trim() {
            "" => None,
            h => Some(
                h.parse::<i64>()
                    .ok()
                    .filter(|h| (1..=720).contains(h))
                    .ok_or_else(|| AppError::field("priority_hours", Msg::HoursInvalid))?,
            ),
        },
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let at = now;
            let id = match crate::loyalty::db::program::save_tier(&mut *tx, &tier, at).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::field("name", Msg::NameTaken));
                }
                Err(sqlx::Error::RowNotFound) => return Err(AppError::NotFound),
                Err(e) => return Err(e.into()),
            };
            let detail = format!(
                "{} from {} points, ×{}",
                tier.name,
                tier.threshold,
                rules::show_hundredths(tier.multiplier_pct)
            );
            imp::audit(
                &mut *tx,
                &me,
                "program.tier",
                &format!("tier:{id}"),
                &detail,
            )
            .await?;
            Ok(Tier { id, ..tier })
        })
    })
    .await
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
    use crate::loyalty::rules;
    use crate::{db::is_unique_violation, error::Msg};
    let any = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let mut rule = BonusRule {
        id: 0,
        name: imp::name("name", &name, Msg::BonusNameRequired)?,
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
        starts_on: imp::date("starts_on", &starts_on)?.map(|d| d.to_string()),
        ends_on: imp::date("ends_on", &ends_on)?.map(|d| d.to_string()),
        active: true,
    };
    if let (Some(s), Some(e)) = (&rule.starts_on, &rule.ends_on)
        && e < s
    {
        return Err(AppError::field("ends_on", Msg::DateInvalid));
    }
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            if let Some(l) = rule.location_id
                && !crate::loyalty::db::program::location_exists(&mut *tx, l).await?
            {
                return Err(AppError::field("location_id", Msg::LocationRequired));
            }
            let at = now;
            rule.id =
                match crate::loyalty::db::program::insert_bonus_rule(&mut *tx, &rule, at).await {
                    Ok(id) => id,
                    Err(e) if is_unique_violation(&e) => {
                        return Err(AppError::field("name", Msg::NameTaken));
                    }
                    Err(e) => return Err(e.into()),
                };
            let target = format!("bonus:{}", rule.id);
            imp::audit(&mut *tx, &me, "program.bonus.add", &target, &rule.name).await?;
            Ok(rule)
        })
    })
    .await
}

/// Switches a bonus rule on or off (managers and owners).
#[server(prefix = "/api", endpoint = "program/bonus_active")]
pub async fn set_bonus_rule_active(id: i64, active: bool) -> Result<(), AppError> {
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, _now| {
        Box::pin(async move {
            if !crate::loyalty::db::program::set_bonus_active(&mut *tx, id, active).await? {
                return Err(AppError::NotFound);
            }
            let detail = if active { "on" } else { "off" };
            imp::audit(
                &mut *tx,
                &me,
                "program.bonus.active",
                &format!("bonus:{id}"),
                detail,
            )
            .await?;
            Ok(())
        })
    })
    .await
}

/// Adds a location (managers and owners). Names are unique.
#[server(prefix = "/api", endpoint = "program/location")]
pub async fn add_location(name: String) -> Result<Location, AppError> {
    use crate::{db::is_unique_violation, error::Msg};
    let name = imp::name("name", &name, Msg::LocationNameRequired)?;
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let at = now;
            let id = match crate::loyalty::db::program::insert_location(&mut *tx, &name, at).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::field("name", Msg::NameTaken));
                }
                Err(e) => return Err(e.into()),
            };
            imp::audit(
                &mut *tx,
                &me,
                "program.location",
                &format!("location:{id}"),
                &name,
            )
            .await?;
            Ok(Location { id, name })
        })
    })
    .await
}
