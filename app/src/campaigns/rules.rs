//! Segment rules: typed conditions on members, combined with AND (match all) or OR (match
//! any). They are stored as JSON and compiled to bound SQL on the server (`sql.rs`); nothing a
//! user types becomes SQL. The editor's form is parsed here, once, into rules.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// A marketing channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email.
    Email,
    /// Text message.
    Sms,
}

impl Channel {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// Net Promoter groups of a member's last score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsGroup {
    /// 9–10.
    Promoter,
    /// 7–8.
    Passive,
    /// 0–6.
    Detractor,
}

impl NpsGroup {
    /// The scores in the group, inclusive.
    pub fn range(self) -> (i64, i64) {
        match self {
            NpsGroup::Promoter => (9, 10),
            NpsGroup::Passive => (7, 8),
            NpsGroup::Detractor => (0, 6),
        }
    }
}

/// One condition on a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// In this tier (`None`: in no tier).
    Tier { tier_id: Option<i64> },
    /// Joined on or after this shop-calendar day (`YYYY-MM-DD`).
    JoinedFrom { day: String },
    /// Joined before this day.
    JoinedBefore { day: String },
    /// No purchase for at least this many days (members who never bought included).
    InactiveDays { days: i64 },
    /// Bought within the last this many days.
    ActiveDays { days: i64 },
    /// At least `count` purchases in the last `days` days.
    Purchases { count: i64, days: i64 },
    /// Spent at least `minor` (minor units, net of refunds) in the last `days` days.
    Spend { minor: i64, days: i64 },
    /// Balance at least this many points.
    BalanceFrom { points: i64 },
    /// Balance below this many points.
    BalanceBelow { points: i64 },
    /// Some points expire within this many days.
    ExpiringWithin { days: i64 },
    /// Holds a reward code not yet used or expired.
    UnusedReward,
    /// Holds a next-visit discount not yet used and still valid.
    UnusedCoupon,
    /// Their latest NPS answer is in this group.
    LastNps { group: NpsGroup },
    /// Bought at this location at least once.
    Location { location_id: i64 },
    /// Uses this language.
    Language { language: String },
    /// Birthday in this month (1–12).
    BirthdayMonth { month: i64 },
    /// Carries this tag.
    Tag { tag: String },
    /// Has given marketing consent on this channel.
    Consent { channel: Channel },
    /// In this RFM group, by the quintiles when the segment is counted or sent.
    RfmGroup { group: crate::analytics::rfm::Group },
}

impl Rule {
    /// Whether the rule reads the member roll-up (`member_stats`, as `s`).
    pub fn reads_member_stats(&self) -> bool {
        matches!(self, Rule::Purchases { count, .. } if *count > 0)
            || matches!(self, Rule::Spend { minor, .. } if *minor > 0)
            || matches!(self, Rule::RfmGroup { .. })
    }
}

/// The editor's fields, as the form sends them (every one optional; blank is unset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleForm {
    /// `""`, `none` or a tier id.
    pub tier: Option<String>,
    /// A day.
    pub joined_from: Option<String>,
    /// A day.
    pub joined_before: Option<String>,
    /// Days.
    pub inactive_days: Option<String>,
    /// Days.
    pub active_days: Option<String>,
    /// Count.
    pub purchases_min: Option<String>,
    /// Days.
    pub purchases_days: Option<String>,
    /// Money (`25`, `25.50`).
    pub spend_min: Option<String>,
    /// Days.
    pub spend_days: Option<String>,
    /// Points.
    pub balance_min: Option<String>,
    /// Points.
    pub balance_below: Option<String>,
    /// Days.
    pub expiring_days: Option<String>,
    /// `on` when ticked.
    pub unused_reward: Option<String>,
    /// `on` when ticked.
    pub unused_coupon: Option<String>,
    /// `promoter`, `passive`, `detractor`.
    pub nps: Option<String>,
    /// A location id.
    pub location: Option<String>,
    /// A language code.
    pub language: Option<String>,
    /// 1–12.
    pub birthday_month: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// `email` or `sms`.
    pub consent: Option<String>,
    /// An RFM group (`at_risk`, …).
    #[serde(default)]
    pub rfm: Option<String>,
}

/// Longest span a rule may look back or ahead, in days (ten years).
pub const MAX_DAYS: i64 = 3650;

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number(v: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    v.parse::<i64>().ok().filter(|n| range.contains(n))
}

fn day(v: &str) -> Option<String> {
    let ok = v.len() == 10
        && v.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let month = v.get(5..7).and_then(|m| m.parse::<u8>().ok());
    let dom = v.get(8..10).and_then(|m| m.parse::<u8>().ok());
    (ok && matches!(month, Some(1..=12)) && matches!(dom, Some(1..=31))).then(|| v.to_owned())
}

impl RuleForm {
    /// The rules the filled fields stand for, or every field that is not usable.
    pub fn rules(&self) -> Result<Vec<Rule>, Vec<(&'static str, Msg)>> {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        let days = |name: &'static str, v: &Option<String>, errors: &mut Vec<_>| {
            let v = set(v)?;
            let n = number(v, 1..=MAX_DAYS);
            if n.is_none() {
                errors.push((name, Msg::ValueInvalid));
            }
            n
        };
        if let Some(tier) = set(&self.tier) {
            match (tier, tier.parse::<i64>()) {
                ("none", _) => rules.push(Rule::Tier { tier_id: None }),
                (_, Ok(id)) if id > 0 => rules.push(Rule::Tier { tier_id: Some(id) }),
                _ => errors.push(("tier", Msg::ValueInvalid)),
            }
        }
        for (name, v, make) in [
            ("joined_from", &self.joined_from, true),
            ("joined_before", &self.joined_before, false),
        ] {
            if let Some(v) = set(v) {
                match (day(v), make) {
                    (Some(day), true) => rules.push(Rule::JoinedFrom { day }),
                    (Some(day), false) => rules.push(Rule::JoinedBefore { day }),
                    (None, _) => errors.push((name, Msg::DateInvalid)),
                }
            }
        }
        if let Some(days) = days("inactive_days", &self.inactive_days, &mut errors) {
            rules.push(Rule::InactiveDays { days });
        }
        if let Some(days) = days("active_days", &self.active_days, &mut errors) {
            rules.push(Rule::ActiveDays { days });
        }
        if let Some(count) = set(&self.purchases_min) {
            let count = number(count, 1..=100_000);
            let within = days("purchases_days", &self.purchases_days, &mut errors);
            match (count, within) {
                (Some(count), Some(days)) => rules.push(Rule::Purchases { count, days }),
                (None, _) => errors.push(("purchases_min", Msg::ValueInvalid)),
                (Some(_), None) => errors.push(("purchases_days", Msg::ValueInvalid)),
            }
        }
        if let Some(spend) = set(&self.spend_min) {
            let minor = crate::loyalty::rules::parse_amount(spend).ok();
            let within = days("spend_days", &self.spend_days, &mut errors);
            match (minor, within) {
                (Some(minor), Some(days)) => rules.push(Rule::Spend { minor, days }),
                (None, _) => errors.push(("spend_min", Msg::AmountInvalid)),
                (Some(_), None) => errors.push(("spend_days", Msg::ValueInvalid)),
            }
        }
        for (name, v, from) in [
            ("balance_min", &self.balance_min, true),
            ("balance_below", &self.balance_below, false),
        ] {
            if let Some(v) = set(v) {
                match (number(v, 0..=1_000_000_000), from) {
                    (Some(points), true) => rules.push(Rule::BalanceFrom { points }),
                    (Some(points), false) => rules.push(Rule::BalanceBelow { points }),
                    (None, _) => errors.push((name, Msg::ValueInvalid)),
                }
            }
        }
        if let Some(days) = days("expiring_days", &self.expiring_days, &mut errors) {
            rules.push(Rule::ExpiringWithin { days });
        }
        if set(&self.unused_reward).is_some() {
            rules.push(Rule::UnusedReward);
        }
        if set(&self.unused_coupon).is_some() {
            rules.push(Rule::UnusedCoupon);
        }
        if let Some(nps) = set(&self.nps) {
            match nps {
                "promoter" => rules.push(Rule::LastNps {
                    group: NpsGroup::Promoter,
                }),
                "passive" => rules.push(Rule::LastNps {
                    group: NpsGroup::Passive,
                }),
                "detractor" => rules.push(Rule::LastNps {
                    group: NpsGroup::Detractor,
                }),
                _ => errors.push(("nps", Msg::ChoiceInvalid)),
            }
        }
        if let Some(v) = set(&self.location) {
            match number(v, 1..=i64::MAX) {
                Some(location_id) => rules.push(Rule::Location { location_id }),
                None => errors.push(("location", Msg::ChoiceInvalid)),
            }
        }
        if let Some(v) = set(&self.language) {
            if crate::i18n::LANGUAGES.iter().any(|(code, _)| *code == v) {
                rules.push(Rule::Language {
                    language: v.to_owned(),
                });
            } else {
                errors.push(("language", Msg::ChoiceInvalid));
            }
        }
        if let Some(v) = set(&self.birthday_month) {
            match number(v, 1..=12) {
                Some(month) => rules.push(Rule::BirthdayMonth { month }),
                None => errors.push(("birthday_month", Msg::ChoiceInvalid)),
            }
        }
        if let Some(v) = set(&self.tag) {
            match crate::members::profile::clean_tag(v) {
                Some(tag) => rules.push(Rule::Tag { tag }),
                None => errors.push(("tag", Msg::TagInvalid)),
            }
        }
        if let Some(v) = set(&self.consent) {
            match Channel::parse(v) {
                Some(channel) => rules.push(Rule::Consent { channel }),
                None => errors.push(("consent", Msg::ChoiceInvalid)),
            }
        }
        if let Some(v) = set(&self.rfm) {
            match crate::analytics::rfm::Group::parse(v) {
                Some(group) => rules.push(Rule::RfmGroup { group }),
                None => errors.push(("rfm", Msg::ChoiceInvalid)),
            }
        }
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    /// The form that shows `rules` (the editor's starting values).
    pub fn from_rules(rules: &[Rule]) -> Self {
        let mut form = RuleForm::default();
        let s = |v: i64| Some(v.to_string());
        for rule in rules {
            match rule {
                Rule::Tier { tier_id } => {
                    form.tier = Some(tier_id.map_or("none".to_owned(), |id| id.to_string()));
                }
                Rule::JoinedFrom { day } => form.joined_from = Some(day.clone()),
                Rule::JoinedBefore { day } => form.joined_before = Some(day.clone()),
                Rule::InactiveDays { days } => form.inactive_days = s(*days),
                Rule::ActiveDays { days } => form.active_days = s(*days),
                Rule::Purchases { count, days } => {
                    form.purchases_min = s(*count);
                    form.purchases_days = s(*days);
                }
                Rule::Spend { minor, days } => {
                    form.spend_min = Some(format!("{}.{:02}", minor / 100, minor % 100));
                    form.spend_days = s(*days);
                }
                Rule::BalanceFrom { points } => form.balance_min = s(*points),
                Rule::BalanceBelow { points } => form.balance_below = s(*points),
                Rule::ExpiringWithin { days } => form.expiring_days = s(*days),
                Rule::UnusedReward => form.unused_reward = Some("on".into()),
                Rule::UnusedCoupon => form.unused_coupon = Some("on".into()),
                Rule::LastNps { group } => {
                    form.nps = Some(
                        match group {
                            NpsGroup::Promoter => "promoter",
                            NpsGroup::Passive => "passive",
                            NpsGroup::Detractor => "detractor",
                        }
                        .into(),
                    );
                }
                Rule::Location { location_id } => form.location = s(*location_id),
                Rule::Language { language } => form.language = Some(language.clone()),
                Rule::BirthdayMonth { month } => form.birthday_month = s(*month),
                Rule::Tag { tag } => form.tag = Some(tag.clone()),
                Rule::Consent { channel } => form.consent = Some(channel.as_str().into()),
                Rule::RfmGroup { group } => form.rfm = Some(group.as_str().into()),
            }
        }
        form
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
