//! Rewards as the browser and the server share them, and the rules that need no database:
//! single-use codes (made, written, read back) and whether a member may take a reward.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// A reward in the catalog.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    /// Id.
    pub id: i64,
    /// Name shown to members ("Free coffee").
    pub name: String,
    /// What it is, in a sentence.
    pub description: String,
    /// Points it costs.
    pub cost: i64,
    /// How many are left; `None`: no limit.
    pub stock: Option<i64>,
    /// First day it can be taken (`YYYY-MM-DD`, the shop's calendar).
    pub starts_on: Option<String>,
    /// Last day it can be taken.
    pub ends_on: Option<String>,
    /// The lowest tier that may take it, with that tier's name (read from a join).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub min_tier: Option<(i64, String)>,
    /// Icon key, one of [`ICONS`].
    pub icon: String,
    /// Days a code stays valid after it is taken.
    pub valid_days: i64,
    /// Whether an unused code gives its points back when it expires.
    pub refund_if_unused: bool,
    /// Offered at all.
    pub active: bool,
}

/// Icons a reward can show, each drawn as a small line picture (see [`icon_svg`]).
pub const ICONS: [&str; 6] = ["gift", "coffee", "pastry", "voucher", "bag", "star"];

/// The SVG shapes (24×24, stroked) of an icon key; unknown keys draw the gift.
/// Drawn by hand rather than as emoji so they look the same on every device.
pub fn icon_svg(key: &str) -> &'static str {
    match key {
        "coffee" => {
            r#"<path d="M4 9h12v5a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5z"/><path d="M16 10h2a2.5 2.5 0 0 1 0 5h-2"/><path d="M8 3v3M12 3v3"/>"#
        }
        "pastry" => {
            r#"<path d="M3 15c2-7 16-7 18 0-3 3.5-15 3.5-18 0z"/><path d="M8.5 10.5l1 6M12 10v7M15.5 10.5l-1 6"/>"#
        }
        "voucher" => {
            r#"<path d="M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z"/><path d="M15 7v2M15 11v2M15 15v2"/>"#
        }
        "bag" => r#"<path d="M5 8h14l-1 13H6z"/><path d="M9 8V6a3 3 0 0 1 6 0v2"/>"#,
        "star" => {
            r#"<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2-5.5-2.9-5.5 2.9 1-6.2L3 9.6l6.2-.9z"/>"#
        }
        _ => {
            r#"<rect x="3" y="8" width="18" height="4"/><path d="M5 12v9h14v-9M12 8v13"/><path d="M12 8C10 4 6 4 6 6.5S10 8 12 8zM12 8c2-4 6-4 6-1.5S14 8 12 8z"/>"#
        }
    }
}

/// A reward as one member sees it: may they take it now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offered {
    /// The reward.
    pub reward: Reward,
    /// `None`: they may; otherwise the reason they may not.
    pub blocked: Option<Msg>,
    /// Points the member still needs for it (0 when their balance covers it).
    #[serde(default)]
    pub missing: i64,
}

/// Where a code stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    /// Can be used.
    #[default]
    Active,
    /// Used at the counter.
    Used,
    /// Not used in time.
    Expired,
}

/// A single-use code a member holds.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardCode {
    /// Id.
    pub id: i64,
    /// The code as stored (`[A-Z2-9]{10}`); shown grouped, see [`show_code`].
    pub code: String,
    /// The reward's id.
    pub reward_id: i64,
    /// The reward's name.
    pub reward: String,
    /// The reward's icon key.
    pub icon: String,
    /// The member.
    pub member_id: i64,
    /// Points it cost.
    pub points: i64,
    /// When it was issued (UTC).
    pub issued_at: String,
    /// When it stops being valid (UTC).
    pub expires_at: String,
    /// Whether an unused code gives its points back.
    pub refund_if_unused: bool,
    /// Where it stands (worked out from its times, see `rewards::db`).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub status: CodeStatus,
    /// When it was used (UTC).
    pub used_at: Option<String>,
    /// Where it was used.
    pub used_location: Option<String>,
}

/// The characters of a code: no 0/O, 1/I/L, so it reads back from paper and screens.
pub const CODE_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Length of a code: 31^10 ≈ 8·10^14 codes, so guessing one is hopeless.
pub const CODE_LEN: usize = 10;

/// A code from `random` (indices are taken modulo the alphabet).
pub fn make_code(random: impl IntoIterator<Item = u32>) -> String {
    random
        .into_iter()
        .take(CODE_LEN)
        .map(|r| CODE_ALPHABET[r as usize % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A code as typed or scanned: case, spaces and dashes are ignored; look-alike letters are
/// read as the characters they stand for (`O`→`0` is not in the alphabet, so `0`/`O` are
/// refused rather than guessed).
pub fn parse_code(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A code as shown: `ABCD-EFG-HJK`.
pub fn show_code(code: &str) -> String {
    if code.len() != CODE_LEN {
        return code.to_owned();
    }
    format!("{}-{}-{}", &code[..4], &code[4..7], &code[7..])
}

/// Whether a member may take `reward` today (`today` in the shop's calendar), with `balance`
/// points and a tier whose threshold is `tier_threshold` (`None`: no tier). The tier gate
/// compares thresholds, so renaming or re-ordering tiers keeps it meaningful.
pub fn blocked(
    reward: &Reward,
    min_tier_threshold: Option<i64>,
    today: &str,
    balance: i64,
    tier_threshold: Option<i64>,
) -> Option<Msg> {
    if !reward.active
        || reward.starts_on.as_deref().is_some_and(|s| today < s)
        || reward.ends_on.as_deref().is_some_and(|e| today > e)
    {
        return Some(Msg::RewardUnavailable);
    }
    if let Some(needed) = min_tier_threshold
        && tier_threshold.is_none_or(|t| t < needed)
    {
        return Some(Msg::RewardTierTooLow);
    }
    if reward.stock == Some(0) {
        return Some(Msg::RewardOutOfStock);
    }
    if balance < reward.cost {
        return Some(Msg::InsufficientPoints);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reward() -> Reward {
        Reward {
            id: 1,
            name: "Free coffee".into(),
            description: String::new(),
            cost: 150,
            stock: Some(3),
            starts_on: Some("2027-01-01".into()),
            ends_on: Some("2027-01-31".into()),
            min_tier: None,
            icon: "coffee".into(),
            valid_days: 30,
            refund_if_unused: false,
            active: true,
        }
    }

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_read_back_however_typed() {
        let code = make_code([0, 30, 31, 7, 8, 9, 10, 11, 12, 13, 99]);
        assert_eq!(code, "A9AHJKMNPQ");
        assert_eq!(show_code(&code), "A9AH-JKM-NPQ");
        assert_eq!(parse_code(" a9ah-jkm npq "), Some(code.clone()));
        assert_eq!(parse_code("A9AH-JKM-NP0"), None, "0 is not in the alphabet");
        assert_eq!(parse_code("A9AH-JKM-NP"), None, "too short");
        assert_eq!(parse_code("A9AH-JKM-NPQQ"), None, "too long");
    }

    #[test]
    fn a_reward_is_blocked_outside_its_window_below_its_tier_out_of_stock_or_unaffordable() {
        let r = reward();
        assert_eq!(blocked(&r, None, "2027-01-15", 150, None), None);
        assert_eq!(
            blocked(&r, None, "2026-12-31", 500, None),
            Some(Msg::RewardUnavailable)
        );
        assert_eq!(
            blocked(&r, None, "2027-02-01", 500, None),
            Some(Msg::RewardUnavailable)
        );
        assert_eq!(
            blocked(&r, Some(500), "2027-01-15", 500, Some(0)),
            Some(Msg::RewardTierTooLow)
        );
        assert_eq!(
            blocked(&r, Some(500), "2027-01-15", 500, None),
            Some(Msg::RewardTierTooLow)
        );
        assert_eq!(blocked(&r, Some(500), "2027-01-15", 500, Some(1500)), None);
        let none_left = Reward {
            stock: Some(0),
            ..reward()
        };
        assert_eq!(
            blocked(&none_left, None, "2027-01-15", 500, None),
            Some(Msg::RewardOutOfStock)
        );
        assert_eq!(
            blocked(&r, None, "2027-01-15", 149, None),
            Some(Msg::InsufficientPoints)
        );
        let off = Reward {
            active: false,
            ..reward()
        };
        assert_eq!(
            blocked(&off, None, "2027-01-15", 500, None),
            Some(Msg::RewardUnavailable)
        );
    }
}
