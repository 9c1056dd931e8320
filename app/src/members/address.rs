//! A member's postal address, for letters from the shop: two to six lines (street, postcode
//! and town, country…), each trimmed, blank lines dropped.

use crate::error::Msg;

/// Fewest lines an address has (a street and a town).
pub const MIN_LINES: usize = 2;
/// Most lines.
pub const MAX_LINES: usize = 6;
/// Longest line (characters).
pub const MAX_LINE: usize = 60;

/// The address typed in `raw` as stored (its lines joined by `\n`); `None` when it is empty
/// (no address). Too few or too many lines, or a line too long, is an error.
pub fn parse(raw: &str) -> Result<Option<String>, Msg> {
    let lines: Vec<&str> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Ok(None);
    }
    if !(MIN_LINES..=MAX_LINES).contains(&lines.len())
        || lines
            .iter()
            .any(|l| l.chars().count() > MAX_LINE || l.chars().any(char::is_control))
    {
        return Err(Msg::AddressInvalid);
    }
    Ok(Some(lines.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_and_blank_ones_dropped() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse(" \r\n \n"), Ok(None));
        assert_eq!(
            parse("  Brīvības iela 1 \r\n\r\nLV-1010 Rīga\nLatvia "),
            Ok(Some("Brīvības iela 1\nLV-1010 Rīga\nLatvia".to_owned()))
        );
    }

    #[test]
    fn two_to_six_lines_of_at_most_sixty_characters() {
        assert_eq!(parse("Storgatan 1"), Err(Msg::AddressInvalid));
        assert_eq!(parse(&"a\n".repeat(7)), Err(Msg::AddressInvalid));
        assert!(parse(&"a\n".repeat(6)).is_ok());
        let long = format!("{}\n111 22 Stockholm", "å".repeat(61));
        assert_eq!(parse(&long), Err(Msg::AddressInvalid));
        let just = format!("{}\n111 22 Stockholm", "å".repeat(60));
        assert!(parse(&just).is_ok());
        assert_eq!(parse("Storgatan\t1\nStockholm"), Err(Msg::AddressInvalid));
    }
}
