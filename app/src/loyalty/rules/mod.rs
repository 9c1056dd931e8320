//! The program's rules as plain data and pure functions: what a purchase earns, which tier a
//! member's earned points support, what a tier review decides, and the member number. No I/O,
//! so the browser and the server agree, and every rule is tested here with numbers.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// A currency a shop can keep its books in (ISO 4217; all with two decimals). Stored, sent and
/// shown as its code.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "UPPERCASE")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Euro.
    Eur,
    /// Swedish krona.
    Sek,
    /// Norwegian krone.
    Nok,
    /// Danish krone.
    Dkk,
    /// Brazilian real.
    Brl,
    /// US dollar.
    Usd,
    /// Pound sterling.
    Gbp,
    /// Swiss franc.
    Chf,
    /// Polish złoty.
    Pln,
}

impl Currency {
    /// Every currency, in the order the settings list them.
    pub const ALL: [Self; 9] = [
        Self::Eur,
        Self::Sek,
        Self::Nok,
        Self::Dkk,
        Self::Brl,
        Self::Usd,
        Self::Gbp,
        Self::Chf,
        Self::Pln,
    ];

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
            Self::Sek => "SEK",
            Self::Nok => "NOK",
            Self::Dkk => "DKK",
            Self::Brl => "BRL",
            Self::Usd => "USD",
            Self::Gbp => "GBP",
            Self::Chf => "CHF",
            Self::Pln => "PLN",
        }
    }

    /// The currency with ISO code `code` (exact, upper case), if a shop can use it.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The largest purchase accepted, in minor units (10 million currency units).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000;

/// How fractional points are rounded.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Fractions are dropped (9.99 € at 1 point per euro earns 9).
    Down,
    /// Half a point or more rounds up (9.50 € earns 10).
    Nearest,
}

impl Rounding {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Down => "down",
            Self::Nearest => "nearest",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Down, Self::Nearest]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// What happens to a tier at the end of a qualification period the member did not requalify in.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Downgrade {
    /// Down one tier at a time.
    OneTier,
    /// Straight to the tier the period's earned points support.
    ToEarned,
}

impl Downgrade {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OneTier => "one_tier",
            Self::ToEarned => "to_earned",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::OneTier, Self::ToEarned]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// How the shop's program works.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The currency the books are kept in.
    pub currency: Currency,
    /// Points per whole currency unit, in hundredths (100 = 1 point per unit).
    pub rate_hundredths: i64,
    /// Rounding of the final number of points.
    pub rounding: Rounding,
    /// Lifetime of earned points in months; `None`: they never expire.
    pub expiry_months: Option<u32>,
    /// Length of the tier qualification period in months (rolling).
    pub qualification_months: u32,
    /// Downgrade policy at a period's end.
    pub downgrade: Downgrade,
    /// The shop's time zone (IANA name): bonus weekdays and dates follow its calendar.
    pub time_zone: String,
    /// The shop's country (ISO 3166 alpha-2) for reading national phone numbers; `None`:
    /// the one its time zone says.
    #[serde(default)]
    pub country: Option<String>,
}

/// A tier.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// Id.
    pub id: i64,
    /// Name shown to members ("Gold").
    pub name: String,
    /// Points earned within the qualification period needed to reach it.
    pub threshold: i64,
    /// Earning multiplier in percent (150 = 1.5×).
    pub multiplier_pct: i64,
    /// What the tier gives, in the shop's words.
    pub perks: String,
    /// Priority service: its members' feedback cases are due within these hours (if shorter
    /// than the shop's deadline) and listed first. `None`: no priority service.
    #[serde(default)]
    pub priority_hours: Option<i64>,
}

/// A time-limited bonus.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BonusRule {
    /// Id.
    pub id: i64,
    /// Name ("Double points Tuesdays").
    pub name: String,
    /// Multiplier in percent (200 = double points).
    pub multiplier_pct: i64,
    /// Points added to each qualifying purchase.
    pub extra_points: i64,
    /// ISO weekday 1 (Monday) to 7 (Sunday), or any day.
    pub weekday: Option<u8>,
    /// Only at this location, or anywhere.
    pub location_id: Option<i64>,
    /// First day it applies (`YYYY-MM-DD`, inclusive), or open.
    pub starts_on: Option<String>,
    /// Last day it applies (inclusive), or open.
    pub ends_on: Option<String>,
    /// Switched on.
    pub active: bool,
}

impl BonusRule {
    /// A rule applied to one purchase only (a points offer chosen at the counter): its points
    /// times `multiplier_pct` %, whatever the day or place.
    pub fn once(name: &str, multiplier_pct: i64) -> Self {
        Self {
            id: 0,
            name: name.to_owned(),
            multiplier_pct,
            extra_points: 0,
            weekday: None,
            location_id: None,
            starts_on: None,
            ends_on: None,
            active: true,
        }
    }

    /// True when the rule applies to a purchase on `date` (`YYYY-MM-DD`, ISO `weekday`) at
    /// `location_id`.
    pub fn applies(&self, date: &str, weekday: u8, location_id: i64) -> bool {
        self.active
            && self.weekday.is_none_or(|d| d == weekday)
            && self.location_id.is_none_or(|l| l == location_id)
            && self.starts_on.as_deref().is_none_or(|s| date >= s)
            && self.ends_on.as_deref().is_none_or(|e| date <= e)
    }
}

/// A shop location.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// Everything the counter and the rules page need to know about the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    /// Settings.
    pub settings: Settings,
    /// Tiers, lowest threshold first.
    pub tiers: Vec<Tier>,
    /// Bonus rules, newest first.
    pub bonus_rules: Vec<BonusRule>,
    /// Locations by name.
    pub locations: Vec<Location>,
}

/// What a purchase earns and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earning {
    /// Points from the base rate alone (rounded the same way).
    pub base: i64,
    /// Tier multiplier applied, percent.
    pub tier_pct: i64,
    /// Highest bonus multiplier that applied, percent (100 when none).
    pub bonus_pct: i64,
    /// Extra points from bonus rules.
    pub extra: i64,
    /// Names of the bonus rules that applied.
    pub bonuses: Vec<String>,
    /// Points the purchase earns.
    pub total: i64,
}

fn divide(n: i128, d: i128, rounding: Rounding) -> i64 {
    let q = match rounding {
        Rounding::Down => n / d,
        Rounding::Nearest => (2 * n + d) / (2 * d),
    };
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// What `amount_minor` earns for a member whose tier multiplies by `tier_pct`, with the bonus
/// rules that apply. Multipliers multiply (Gold 1.5× on a double-points day earns 3×); of
/// several bonus multipliers only the highest counts; extra points add up. Rounding happens
/// once, at the end.
pub fn earn(
    settings: &Settings,
    amount_minor: i64,
    tier_pct: i64,
    applying: &[&BonusRule],
) -> Earning {
    let bonus_pct = applying
        .iter()
        .map(|r| r.multiplier_pct)
        .max()
        .unwrap_or(100);
    let extra: i64 = applying.iter().map(|r| r.extra_points).sum();
    // amount (minor) / 100 × rate / 100 × tier / 100 × bonus / 100
    let n = i128::from(amount_minor) * i128::from(settings.rate_hundredths);
    let base = divide(n, 10_000, settings.rounding);
    let multiplied = divide(
        n * i128::from(tier_pct) * i128::from(bonus_pct),
        10_000 * 10_000,
        settings.rounding,
    );
    Earning {
        base,
        tier_pct,
        bonus_pct,
        extra,
        bonuses: applying.iter().map(|r| r.name.clone()).collect(),
        total: multiplied.saturating_add(extra),
    }
}

/// Points a refund owes back: refunds are proportional to the purchase and counted
/// cumulatively, so that refunding a purchase in parts owes exactly what refunding it whole
/// would (no point lost or gained to rounding).
pub fn refund_due(points: i64, amount_minor: i64, refunded_before: i64, refunding: i64) -> i64 {
    let share = |refunded: i64| {
        i64::try_from(i128::from(points) * i128::from(refunded) / i128::from(amount_minor.max(1)))
            .unwrap_or(points)
    };
    share(refunded_before + refunding) - share(refunded_before)
}

/// The highest tier `earned` points reach (tiers sorted by threshold).
pub fn supported(tiers: &[Tier], earned: i64) -> Option<&Tier> {
    tiers.iter().rev().find(|t| t.threshold <= earned)
}

/// A tier's place among `tiers` (sorted by threshold); `None` for no tier, below all.
pub fn rank(tiers: &[Tier], id: Option<i64>) -> Option<usize> {
    id.and_then(|id| tiers.iter().position(|t| t.id == id))
}

/// The tier a member ends up in after earning more points: up when a higher tier is reached,
/// never down (downgrades wait for the period's end).
pub fn after_earning(tiers: &[Tier], current: Option<i64>, earned: i64) -> Option<i64> {
    let reached = supported(tiers, earned).map(|t| t.id);
    if rank(tiers, reached) > rank(tiers, current) {
        reached
    } else {
        current
    }
}

/// The tier a member keeps at the end of a qualification period in which they earned `earned`.
pub fn after_review(
    tiers: &[Tier],
    current: Option<i64>,
    earned: i64,
    policy: Downgrade,
) -> Option<i64> {
    let reached = supported(tiers, earned).map(|t| t.id);
    let (now, kept) = (rank(tiers, current), rank(tiers, reached));
    if kept >= now {
        return current;
    }
    match policy {
        Downgrade::ToEarned => reached,
        Downgrade::OneTier => match now {
            Some(0) | None => reached,
            Some(i) => Some(tiers[i - 1].id),
        },
    }
}

/// The next tier above `current` and the points still needed for it.
pub fn next_tier(tiers: &[Tier], current: Option<i64>, earned: i64) -> Option<(&Tier, i64)> {
    let above = rank(tiers, current).map_or(0, |i| i + 1);
    tiers
        .get(above..)?
        .iter()
        .find(|t| t.threshold > earned)
        .map(|t| (t, t.threshold - earned))
}

mod parse;
#[cfg(test)]
mod tests;

pub use parse::*;
