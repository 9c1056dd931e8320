//! Rewards as the browser and the server share them, and the rules that need no database:
//! single-use codes (made, written, read back) and whether a member may take a reward.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// A reward in the catalog.
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
    /// The lowest tier that may take it, with that tier's name.
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

/// Icons a reward can show (rendered as emoji, with the reward's name as the text).
pub const ICONS: [(&str, &str); 6] = [
    ("gift", "🎁"),
    ("coffee", "☕"),
    ("pastry", "🥐"),
    ("voucher", "🎟️"),
    ("bag", "🛍️"),
    ("star", "⭐"),
];

/// The emoji for an icon key.
pub fn icon(key: &str) -> &'static str {
    ICONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(ICONS[0].1, |(_, e)| e)
}

/// A reward as one member sees it: may they take it now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offered {
    /// The reward.
    pub reward: Reward,
    /// `None`: they may; otherwise the reason they may not.
    pub blocked: Option<Msg>,
}

/// Where a code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    /// Can be used.
    Active,
    /// Used at the counter.
    Used,
    /// Not used in time.
    Expired,
}

/// A single-use code a member holds.
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
    /// Where it stands.
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
