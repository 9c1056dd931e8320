//! Phone numbers in one standard form (E.164: `+` and 8–15 digits), so a member is found
//! however staff type the number. A national number (`070-123 45 67`) takes the shop's
//! country: its trunk prefix (`0`) is dropped and the country's calling code put in front.
//! Pure code: the browser can use the same rules as the server.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// Countries a shop can be in, with their calling code and national trunk prefix (`None`
/// where national numbers have none, as in Norway and Latvia).
const COUNTRIES: &[(&str, &str, Option<&str>)] = &[
    ("SE", "46", Some("0")),
    ("NO", "47", None),
    ("DK", "45", None),
    ("FI", "358", Some("0")),
    ("IS", "354", None),
    ("EE", "372", None),
    ("LV", "371", None),
    ("LT", "370", Some("8")),
    ("PL", "48", None),
    ("DE", "49", Some("0")),
    ("AT", "43", Some("0")),
    ("CH", "41", Some("0")),
    ("NL", "31", Some("0")),
    ("BE", "32", Some("0")),
    ("FR", "33", Some("0")),
    ("ES", "34", None),
    ("IT", "39", None),
    ("PT", "351", None),
    ("IE", "353", Some("0")),
    ("GB", "44", Some("0")),
    ("BR", "55", Some("0")),
    ("US", "1", Some("1")),
    ("CA", "1", Some("1")),
    ("AU", "61", Some("0")),
    ("NZ", "64", Some("0")),
];

/// The ISO 3166 country codes [`Phone::parse`] knows, for the settings form.
pub fn countries() -> impl Iterator<Item = &'static str> {
    COUNTRIES.iter().map(|c| c.0)
}

/// The shop's likely country for its time zone, for shops that have not set one.
pub fn country_of_zone(zone: &str) -> Option<&'static str> {
    Some(match zone {
        "Europe/Stockholm" => "SE",
        "Europe/Oslo" => "NO",
        "Europe/Copenhagen" => "DK",
        "Europe/Helsinki" => "FI",
        "Atlantic/Reykjavik" => "IS",
        "Europe/Tallinn" => "EE",
        "Europe/Riga" => "LV",
        "Europe/Vilnius" => "LT",
        "Europe/Warsaw" => "PL",
        "Europe/Berlin" => "DE",
        "Europe/Vienna" => "AT",
        "Europe/Zurich" => "CH",
        "Europe/Amsterdam" => "NL",
        "Europe/Brussels" => "BE",
        "Europe/Paris" => "FR",
        "Europe/Madrid" => "ES",
        "Europe/Rome" => "IT",
        "Europe/Lisbon" => "PT",
        "Europe/Dublin" => "IE",
        "Europe/London" => "GB",
        "America/Sao_Paulo" => "BR",
        _ => return None,
    })
}

/// A phone number in E.164 form (`+46701234567`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Parses a number as people write it: spaces, dashes, dots and brackets are separators;
    /// `+` or `00` starts an international number; anything else is national and takes
    /// `country` (ISO 3166 alpha-2). Without a known country a national number is refused.
    pub fn parse(raw: &str, country: Option<&str>) -> Result<Self, Msg> {
        let t = raw.trim();
        // "+46 (0)70…": the bracketed trunk prefix is not dialled from abroad.
        let t = if t.starts_with('+') {
            t.replacen("(0)", "", 1)
        } else {
            t.to_owned()
        };
        let t = t.as_str();
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_digit() || " -().+/\u{a0}".contains(c))
            || t.chars().skip(1).any(|c| c == '+')
        {
            return Err(Msg::PhoneInvalid);
        }
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let international = if t.starts_with('+') {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else {
            let (_, code, trunk) = COUNTRIES
                .iter()
                .find(|c| Some(c.0) == country)
                .ok_or(Msg::PhoneInvalid)?;
            let national = trunk
                .and_then(|p| digits.strip_prefix(p))
                .unwrap_or(&digits);
            if national.len() < 6 {
                return Err(Msg::PhoneInvalid);
            }
            format!("{code}{national}")
        };
        if !(8..=15).contains(&international.len()) || international.starts_with('0') {
            return Err(Msg::PhoneInvalid);
        }
        Ok(Self(format!("+{international}")))
    }

    /// The E.164 text, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swedish_number_is_the_same_however_it_is_typed() {
        for typed in [
            "070-123 45 67",
            "0701234567",
            "+46 70 123 45 67",
            "0046701234567",
            "+46 (0)70 123 45 67",
        ] {
            assert_eq!(
                Phone::parse(typed, Some("SE")).map(|p| p.0),
                Ok("+46701234567".to_owned()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn countries_without_a_trunk_prefix_keep_every_digit() {
        assert_eq!(
            Phone::parse("912 34 567", Some("NO"))
                .expect("parses")
                .as_str(),
            "+4791234567"
        );
        assert_eq!(
            Phone::parse("20 000 000", Some("LV"))
                .expect("parses")
                .as_str(),
            "+37120000000"
        );
        assert_eq!(
            Phone::parse("(11) 98765-4321", Some("BR"))
                .expect("parses")
                .as_str(),
            "+5511987654321"
        );
        assert_eq!(
            Phone::parse("07700 900123", Some("GB"))
                .expect("parses")
                .as_str(),
            "+447700900123"
        );
    }

    #[test]
    fn international_numbers_ignore_the_shops_country() {
        assert_eq!(
            Phone::parse("+44 7700 900123", Some("SE"))
                .expect("parses")
                .as_str(),
            "+447700900123"
        );
        assert_eq!(
            Phone::parse("+44 7700 900123", None)
                .expect("parses")
                .as_str(),
            "+447700900123"
        );
    }

    #[test]
    fn odd_input_is_refused() {
        for bad in [
            "",
            "12",
            "anna@example.com",
            "070 12",
            "+46 70 +123",
            "+0046",
            "+1234567890123456",
            "07-ABC",
        ] {
            assert_eq!(
                Phone::parse(bad, Some("SE")),
                Err(Msg::PhoneInvalid),
                "{bad:?}"
            );
        }
        assert_eq!(
            Phone::parse("0701234567", None),
            Err(Msg::PhoneInvalid),
            "a national number needs the shop's country"
        );
    }

    #[test]
    fn every_zone_maps_to_a_known_country() {
        for zone in ["Europe/Stockholm", "Europe/Riga", "America/Sao_Paulo"] {
            let c = country_of_zone(zone).expect("known zone");
            assert!(countries().any(|k| k == c));
        }
        assert_eq!(country_of_zone("UTC"), None);
    }
}
