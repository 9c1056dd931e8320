//! What staff and members type, parsed: member numbers (with a check digit), amounts, decimal
//! rates in hundredths. (Phone numbers: `members::phone`.)

use super::*;

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

/// The account id a member number (spaces and dashes allowed, leading zeros optional:
/// `00000042` and `42` are both member 4) stands for.
pub fn parse_member_number(raw: &str) -> Option<i64> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() < 2 || digits.len() > 19 || !digits.chars().all(|c| c.is_ascii_digit()) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            parse_member_number("42"),
            Some(4),
            "leading zeros may be left out"
        );
        assert_eq!(parse_member_number(n.trim_start_matches('0')), Some(42));
        assert_eq!(
            parse_member_number("4"),
            None,
            "a check digit alone is no number"
        );
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
}
