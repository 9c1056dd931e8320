//! The program's rules as plain data and pure functions: what a purchase earns, which tier a
//! member's earned points support, what a tier review decides, and the member number. No I/O,
//! so the browser and the server agree, and every rule is tested here with numbers.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// Currencies a shop can keep its books in (all with two decimals).
pub const CURRENCIES: [&str; 9] = [
    "EUR", "SEK", "NOK", "DKK", "BRL", "USD", "GBP", "CHF", "PLN",
];

/// The largest purchase accepted, in minor units (10 million currency units).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000;

/// How fractional points are rounded.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// ISO 4217 code, one of [`CURRENCIES`].
    pub currency: String,
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
}

/// A tier.
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
}

/// A time-limited bonus.
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

fn rank(tiers: &[Tier], id: Option<i64>) -> Option<usize> {
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

fn luhn_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The member number printed on the card: the account id, zero-padded to seven digits, and a
/// Luhn check digit, so a mistyped number is caught instead of finding someone else.
pub fn member_number(id: i64) -> String {
    let body = format!("{id:07}");
    format!("{body}{}", luhn_digit(&body))
}

/// The account id a member number (spaces and dashes allowed) stands for.
pub fn parse_member_number(raw: &str) -> Option<i64> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() < 8 || digits.len() > 19 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    (check.parse::<u32>().ok()? == luhn_digit(body))
        .then(|| body.parse().ok())
        .flatten()
}

/// Parses an amount as staff type it (`12`, `12.5`, `12,50`, `1 234,50`) into minor units.
pub fn parse_amount(raw: &str) -> Result<i64, Msg> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 10 {
        return Err(Msg::AmountInvalid);
    }
    let frac = format!("{frac:0<2}");
    let minor = whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(100))
        .and_then(|w| w.checked_add(frac.parse::<i64>().ok()?))
        .ok_or(Msg::AmountInvalid)?;
    if minor == 0 || minor > MAX_AMOUNT_MINOR {
        return Err(Msg::AmountInvalid);
    }
    Ok(minor)
}

/// Parses a decimal with up to two decimals (`1`, `1.5`, `0,25`) into hundredths, within
/// `min..=max` hundredths.
pub fn parse_hundredths(raw: &str, min: i64, max: i64) -> Option<i64> {
    let s = raw.trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 6 || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let n = whole.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    (min..=max).contains(&n).then_some(n)
}

/// Writes hundredths as the shortest decimal (`150` → `1.5`, `100` → `1`).
pub fn show_hundredths(n: i64) -> String {
    let (whole, frac) = (n / 100, n % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Normalises a phone number for storage and look-up: digits with an optional leading `+`,
/// separators dropped; 6–16 digits.
pub fn parse_phone(raw: &str) -> Option<String> {
    let t = raw.trim();
    let plus = t.starts_with('+');
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let only_separators = t
        .chars()
        .all(|c| c.is_ascii_digit() || " -().+".contains(c));
    ((6..=16).contains(&digits.len()) && only_separators)
        .then(|| if plus { format!("+{digits}") } else { digits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(rate: i64, rounding: Rounding) -> Settings {
        Settings {
            time_zone: "UTC".into(),
            currency: "EUR".into(),
            rate_hundredths: rate,
            rounding,
            expiry_months: Some(12),
            qualification_months: 12,
            downgrade: Downgrade::OneTier,
        }
    }

    fn rule(name: &str, pct: i64, extra: i64) -> BonusRule {
        BonusRule {
            id: 1,
            name: name.into(),
            multiplier_pct: pct,
            extra_points: extra,
            weekday: None,
            location_id: None,
            starts_on: None,
            ends_on: None,
            active: true,
        }
    }

    fn tiers() -> Vec<Tier> {
        [
            (1, "Bronze", 0, 100),
            (2, "Silver", 500, 125),
            (3, "Gold", 1500, 150),
        ]
        .into_iter()
        .map(|(id, name, threshold, multiplier_pct)| Tier {
            id,
            name: name.into(),
            threshold,
            multiplier_pct,
            perks: String::new(),
        })
        .collect()
    }

    #[test]
    fn the_base_rate_rounds_down_or_to_nearest_once() {
        let down = settings(100, Rounding::Down);
        assert_eq!(earn(&down, 999, 100, &[]).total, 9);
        let nearest = settings(100, Rounding::Nearest);
        assert_eq!(earn(&nearest, 950, 100, &[]).total, 10);
        assert_eq!(earn(&nearest, 949, 100, &[]).total, 9);
        // 1 point per 10 kr: 1 234,50 kr earns 123.
        assert_eq!(
            earn(&settings(10, Rounding::Down), 123_450, 100, &[]).total,
            123
        );
    }

    #[test]
    fn tier_and_bonus_multipliers_multiply_and_extras_add() {
        let s = settings(100, Rounding::Down);
        let double = rule("Double", 200, 0);
        let triple = rule("Triple", 300, 0);
        let extra = rule("Harbour +20", 100, 20);
        let e = earn(&s, 10_000, 150, &[&double, &triple, &extra]);
        assert_eq!(e.base, 100);
        assert_eq!(e.bonus_pct, 300, "only the highest bonus multiplier counts");
        assert_eq!(e.total, 100 * 3 / 2 * 3 + 20);
        assert_eq!(e.bonuses.len(), 3);
    }

    #[test]
    fn bonus_rules_match_weekday_location_and_dates() {
        let mut r = rule("Tue at 2", 200, 0);
        r.weekday = Some(2);
        r.location_id = Some(2);
        r.starts_on = Some("2026-11-01".into());
        r.ends_on = Some("2026-11-30".into());
        assert!(r.applies("2026-11-24", 2, 2));
        assert!(!r.applies("2026-11-24", 2, 1), "other location");
        assert!(!r.applies("2026-11-25", 3, 2), "other weekday");
        assert!(!r.applies("2026-12-01", 2, 2), "after the end");
        assert!(r.applies("2026-11-30", 2, 2), "end day included");
        r.active = false;
        assert!(!r.applies("2026-11-24", 2, 2));
    }

    #[test]
    fn refunds_in_parts_owe_exactly_what_a_whole_refund_owes() {
        // 100 € earned 150 points; refunded 33.33 + 33.33 + 33.34.
        let a = refund_due(150, 10_000, 0, 3_333);
        let b = refund_due(150, 10_000, 3_333, 3_333);
        let c = refund_due(150, 10_000, 6_666, 3_334);
        assert_eq!(a + b + c, 150);
        assert_eq!(refund_due(150, 10_000, 0, 10_000), 150);
        assert_eq!(refund_due(150, 10_000, 0, 5_000), 75);
    }

    #[test]
    fn tiers_go_up_on_earning_and_down_at_review_by_policy() {
        let t = tiers();
        assert_eq!(after_earning(&t, Some(1), 499), Some(1));
        assert_eq!(after_earning(&t, Some(1), 1_600), Some(3));
        assert_eq!(
            after_earning(&t, Some(3), 10),
            Some(3),
            "never down while earning"
        );
        assert_eq!(
            after_review(&t, Some(3), 1_500, Downgrade::OneTier),
            Some(3)
        );
        assert_eq!(after_review(&t, Some(3), 0, Downgrade::OneTier), Some(2));
        assert_eq!(after_review(&t, Some(3), 0, Downgrade::ToEarned), Some(1));
        assert_eq!(after_review(&t, Some(3), 600, Downgrade::ToEarned), Some(2));
        assert_eq!(after_review(&t, Some(1), 0, Downgrade::OneTier), Some(1));
    }

    #[test]
    fn the_next_tier_says_how_many_points_are_missing() {
        let t = tiers();
        let (next, missing) = next_tier(&t, Some(1), 260).expect("silver");
        assert_eq!((next.name.as_str(), missing), ("Silver", 240));
        let (next, missing) = next_tier(&t, Some(2), 260).expect("gold");
        assert_eq!((next.name.as_str(), missing), ("Gold", 1_240));
        assert!(next_tier(&t, Some(3), 9_999).is_none());
    }

    #[test]
    fn member_numbers_carry_a_check_digit() {
        let n = member_number(42);
        assert_eq!(n.len(), 8);
        assert_eq!(parse_member_number(&n), Some(42));
        assert_eq!(
            parse_member_number(&format!("{} {}", &n[..4], &n[4..])),
            Some(42)
        );
        let mut typo: Vec<char> = n.chars().collect();
        typo[6] = if typo[6] == '4' { '5' } else { '4' };
        assert_eq!(
            parse_member_number(&typo.into_iter().collect::<String>()),
            None
        );
        assert_eq!(parse_member_number("42"), None);
    }

    #[test]
    fn amounts_parse_with_comma_or_point_into_minor_units() {
        assert_eq!(parse_amount("12"), Ok(1_200));
        assert_eq!(parse_amount("12,5"), Ok(1_250));
        assert_eq!(parse_amount(" 1 234.50 "), Ok(123_450));
        for bad in ["", "0", "1.234", "-5", "12,345.00", "abc", "99999999999"] {
            assert_eq!(parse_amount(bad), Err(Msg::AmountInvalid), "{bad:?}");
        }
    }

    #[test]
    fn rates_and_multipliers_are_decimals_in_hundredths() {
        assert_eq!(parse_hundredths("1,5", 100, 1000), Some(150));
        assert_eq!(parse_hundredths("0.1", 0, 100_000), Some(10));
        assert_eq!(
            parse_hundredths("0.5", 100, 1000),
            None,
            "below the minimum"
        );
        assert_eq!(parse_hundredths("1.234", 0, 1000), None);
        assert_eq!(show_hundredths(150), "1.5");
        assert_eq!(show_hundredths(125), "1.25");
        assert_eq!(show_hundredths(200), "2");
    }

    #[test]
    fn phones_keep_digits_and_a_leading_plus() {
        assert_eq!(parse_phone("+46 70-123 45 67"), Some("+46701234567".into()));
        assert_eq!(parse_phone("070 123"), Some("070123".into()));
        assert_eq!(parse_phone("12"), None);
        assert_eq!(parse_phone("anna@example.com"), None);
    }
}
