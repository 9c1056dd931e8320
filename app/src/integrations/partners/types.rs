//! Partners, their rates and the settlement, as browser and server share them.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// What a partner gives and takes: points per whole unit of currency spent there (0: none),
/// what 100 points are worth there in minor units, and whether members may pay with points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    /// Points a member earns per whole unit spent there (0 to 1,000).
    pub points_per_unit: i64,
    /// What 100 points are worth there, minor units (1 to 100,000).
    pub value_of_100: i64,
    /// Whether members may pay with points there.
    pub redeem: bool,
}

impl Rates {
    /// Rates as typed in the console: whole points per unit, and the worth of 100 points in
    /// the currency's major units with up to two decimals ("1", "1.50", "0,75").
    pub fn parse(points: &str, value: &str, redeem: bool) -> Result<Self, (&'static str, Msg)> {
        let points_per_unit = points
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=1000).contains(n))
            .ok_or(("points_per_unit", Msg::PartnerPoints))?;
        let value_of_100 = crate::loyalty::rules::parse_amount(value)
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or(("value_of_100", Msg::PartnerValue))?;
        if points_per_unit == 0 && !redeem {
            return Err(("points_per_unit", Msg::PartnerNothing));
        }
        Ok(Self {
            points_per_unit,
            value_of_100,
            redeem,
        })
    }

    /// Points earned for spending `amount_minor` there: whole points, rounded down.
    pub fn points_for(self, amount_minor: i64) -> i64 {
        amount_minor.max(0) * self.points_per_unit / 100
    }

    /// What `points` are worth there, minor units, to the nearest.
    pub fn value_of(self, points: i64) -> i64 {
        (points * self.value_of_100 + 50) / 100
    }
}

/// A partner's name as typed: trimmed, 1 to 80 characters.
pub fn partner_name(raw: &str) -> Result<String, Msg> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Msg::PartnerName);
    }
    Ok(name.to_owned())
}

/// A partner retailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its rates.
    pub rates: Rates,
}

/// A settlement month as typed: `YYYY-MM`.
pub fn month(raw: &str) -> Option<(i32, u8)> {
    let (y, m) = raw.trim().split_once('-')?;
    let (y, m): (i32, u8) = (y.parse().ok()?, m.parse().ok()?);
    (y.to_string().len() == 4 && (1..=12).contains(&m)).then_some((y, m))
}

/// One partner's month: the points earned and spent there and what each side owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementLine {
    /// The partner.
    pub partner: String,
    /// Points members earned there.
    pub points_earned: i64,
    /// What the partner owes the shop for them, minor units.
    pub owed_by_partner: i64,
    /// Points members spent there.
    pub points_redeemed: i64,
    /// What the shop owes the partner for them, minor units.
    pub owed_to_partner: i64,
}

impl SettlementLine {
    /// What the partner pays the shop in the end (negative: the shop pays the partner).
    pub fn net(&self) -> i64 {
        self.owed_by_partner - self.owed_to_partner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_points_and_a_decimal_worth_and_refuse_a_partner_that_does_nothing() {
        let r = Rates::parse(" 2 ", "1,50", false).expect("valid");
        assert_eq!(
            (r.points_per_unit, r.value_of_100, r.redeem),
            (2, 150, false)
        );
        assert_eq!(
            Rates::parse("0", "1", true).expect("valid").value_of_100,
            100
        );
        assert_eq!(
            Rates::parse("1", "0,5", true).expect("valid").value_of_100,
            50
        );
        assert_eq!(
            Rates::parse("0", "1", false),
            Err(("points_per_unit", Msg::PartnerNothing))
        );
        assert_eq!(
            Rates::parse("1001", "1", true),
            Err(("points_per_unit", Msg::PartnerPoints))
        );
        for bad in ["", "0", "1.234", "-1", "1e3", "abc", "1000.01"] {
            assert_eq!(
                Rates::parse("1", bad, true),
                Err(("value_of_100", Msg::PartnerValue)),
                "{bad}"
            );
        }
    }

    #[test]
    fn points_round_down_and_worth_rounds_to_the_nearest_minor_unit() {
        let r = Rates {
            points_per_unit: 3,
            value_of_100: 150,
            redeem: true,
        };
        assert_eq!(r.points_for(1999), 59);
        assert_eq!(r.points_for(33), 0);
        assert_eq!(r.value_of(1), 2);
        assert_eq!(r.value_of(3), 5);
        assert_eq!(r.value_of(200), 300);
    }

    #[test]
    fn months_are_four_digit_years_and_months_one_to_twelve() {
        assert_eq!(month("2026-12"), Some((2026, 12)));
        assert_eq!(month("2026-1"), Some((2026, 1)));
        for bad in ["2026-13", "26-01", "2026", "2026-00", "x-1"] {
            assert_eq!(month(bad), None, "{bad}");
        }
    }
}
