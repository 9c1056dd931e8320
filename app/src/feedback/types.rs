//! Feedback as plain data and pure rules: answers and their checks, when a low score opens a
//! case and how urgent it is, deadlines, and the quality numbers (NPS, CSAT, medians). No I/O;
//! every rule is tested here with numbers.

use serde::{Deserialize, Serialize};

use crate::error::Msg;

/// What feedback is about.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The goods.
    Product,
    /// The service.
    Service,
    /// A staff member.
    Staff,
    /// Delivery.
    Delivery,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category, in form order.
    pub const ALL: [Self; 5] = [
        Self::Product,
        Self::Service,
        Self::Staff,
        Self::Delivery,
        Self::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Service => "service",
            Self::Staff => "staff",
            Self::Delivery => "delivery",
            Self::Other => "other",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a case stands.
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Opened, nobody has acted yet.
    New,
    /// Someone is on it.
    InProgress,
    /// Waiting for the customer.
    Waiting,
    /// Done.
    Resolved,
}

impl CaseStatus {
    /// Every status, in inbox order.
    pub const ALL: [Self; 4] = [Self::New, Self::InProgress, Self::Waiting, Self::Resolved];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::InProgress => "in_progress",
            Self::Waiting => "waiting",
            Self::Resolved => "resolved",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// When feedback opens a case, its deadline and who gets it.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackSettings {
    /// An NPS answer at or below this opens a case (−1: never).
    pub nps_max: i64,
    /// A CSAT answer at or below this opens a case (0: never).
    pub csat_max: i64,
    /// Categories that open a case whatever the scores (stored as a comma-separated list).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub case_categories: Vec<Category>,
    /// Hours to resolve a case.
    pub sla_hours: i64,
    /// Staff member new cases go to, if any.
    pub assign_to: Option<i64>,
    /// The language a form falls back to.
    pub default_language: String,
    /// Most goodwill staff may give on one case: points plus the cost of a reward code given
    /// with them. Above it only managers and owners may give.
    pub goodwill_cap: i64,
}

/// One submission's answers, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Answers {
    /// 0–10.
    pub nps: Option<i64>,
    /// 1–5.
    pub csat: Option<i64>,
    /// What it is about.
    pub category: Option<Category>,
    /// Index of the chosen option.
    pub choice: Option<i64>,
    /// Free text.
    pub body: String,
}

/// Which questions a form asks.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Asks {
    /// The 0–10 question (required when asked).
    #[cfg_attr(feature = "ssr", sqlx(rename = "ask_nps"))]
    pub nps: bool,
    /// The 1–5 question (required when asked).
    #[cfg_attr(feature = "ssr", sqlx(rename = "ask_csat"))]
    pub csat: bool,
    /// Free text.
    #[cfg_attr(feature = "ssr", sqlx(rename = "ask_text"))]
    pub text: bool,
    /// The category.
    #[cfg_attr(feature = "ssr", sqlx(rename = "ask_category"))]
    pub category: bool,
    /// Options of the choice question (0: none; counted from the texts, not a column).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub choices: usize,
}

/// Longest free text accepted.
pub const MAX_BODY: usize = 4000;

/// Parses raw form answers against what the form asks: each problem names its field.
pub fn parse_answers(
    asks: Asks,
    nps: Option<&str>,
    csat: Option<&str>,
    category: Option<&str>,
    choice: Option<&str>,
    body: Option<&str>,
) -> Result<Answers, (&'static str, Msg)> {
    fn blank(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let score = |field: &'static str,
                 raw: Option<&str>,
                 asked: bool,
                 range: std::ops::RangeInclusive<i64>| {
        match (blank(raw), asked) {
            (None, true) => Err((field, Msg::ScoreRequired)),
            (None, false) | (Some(_), false) => Ok(None),
            (Some(v), true) => v
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or((field, Msg::ScoreInvalid)),
        }
    };
    let nps = score("nps", nps, asks.nps, 0..=10)?;
    let csat = score("csat", csat, asks.csat, 1..=5)?;
    let category = match blank(category) {
        Some(c) if asks.category => {
            Some(Category::parse(c).ok_or(("category", Msg::CategoryInvalid))?)
        }
        _ => None,
    };
    let choice = match blank(choice) {
        Some(c) if asks.choices > 0 => Some(
            c.parse::<i64>()
                .ok()
                .filter(|i| usize::try_from(*i).is_ok_and(|i| i < asks.choices))
                .ok_or(("choice", Msg::ChoiceInvalid))?,
        ),
        _ => None,
    };
    let body = blank(body).unwrap_or_default().to_owned();
    if body.chars().count() > MAX_BODY {
        return Err(("body", Msg::TextTooLong));
    }
    if nps.is_none() && csat.is_none() && body.is_empty() {
        return Err(("body", Msg::FeedbackEmpty));
    }
    Ok(Answers {
        nps,
        csat,
        category,
        choice,
        body,
    })
}

/// Whether these answers open a case under `s`.
pub fn opens_case(s: &FeedbackSettings, a: &Answers) -> bool {
    a.nps.is_some_and(|n| n <= s.nps_max)
        || a.csat.is_some_and(|c| c <= s.csat_max)
        || a.category.is_some_and(|c| s.case_categories.contains(&c))
}

/// High for the angriest answers (NPS 0–3 or CSAT 1), normal otherwise.
pub fn is_urgent(a: &Answers) -> bool {
    a.nps.is_some_and(|n| n <= 3) || a.csat == Some(1)
}

/// Net Promoter Score: percent promoters (9–10) minus percent detractors (0–6) among `n`
/// answers (0–10), rounded to a whole number; `None` without answers.
pub fn nps_of(promoters: i64, detractors: i64, n: i64) -> Option<i64> {
    if n <= 0 {
        return None;
    }
    // Round half away from zero.
    let diff = (promoters - detractors) * 100;
    Some((2 * diff + diff.signum() * n) / (2 * n))
}

/// CSAT: percent of answers 4 or 5 (`satisfied`) among `n`; `None` without answers.
pub fn csat_of(satisfied: i64, n: i64) -> Option<i64> {
    if n <= 0 {
        return None;
    }
    Some((satisfied * 200 + n) / (2 * n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asks() -> Asks {
        Asks {
            nps: true,
            csat: false,
            text: true,
            category: true,
            choices: 3,
        }
    }

    #[test]
    fn answers_are_checked_field_by_field() {
        let ok = parse_answers(
            asks(),
            Some("4"),
            None,
            Some("service"),
            Some("2"),
            Some(" cold "),
        )
        .expect("valid");
        assert_eq!(ok.nps, Some(4));
        assert_eq!(ok.category, Some(Category::Service));
        assert_eq!(ok.choice, Some(2));
        assert_eq!(ok.body, "cold");
        let err = |nps, cat, choice, body| {
            parse_answers(asks(), nps, None, cat, choice, body).expect_err("invalid")
        };
        assert_eq!(
            err(Some("11"), None, None, None),
            ("nps", Msg::ScoreInvalid)
        );
        assert_eq!(
            err(Some("-1"), None, None, None),
            ("nps", Msg::ScoreInvalid)
        );
        assert_eq!(
            err(Some("seven"), None, None, None),
            ("nps", Msg::ScoreInvalid)
        );
        assert_eq!(
            err(None, None, None, Some("hi")),
            ("nps", Msg::ScoreRequired)
        );
        assert_eq!(
            err(Some("5"), Some("weather"), None, None),
            ("category", Msg::CategoryInvalid)
        );
        assert_eq!(
            err(Some("5"), None, Some("3"), None),
            ("choice", Msg::ChoiceInvalid)
        );
        let long = "x".repeat(MAX_BODY + 1);
        assert_eq!(
            err(Some("5"), None, None, Some(&long)),
            ("body", Msg::TextTooLong)
        );
        // A score the form does not ask is ignored; a form with no score needs some text.
        let text_only = Asks {
            nps: false,
            ..asks()
        };
        assert_eq!(
            parse_answers(text_only, Some("11"), None, None, None, Some("ok"))
                .expect("valid")
                .nps,
            None
        );
        assert_eq!(
            parse_answers(text_only, None, None, None, None, Some("  ")).expect_err("empty"),
            ("body", Msg::FeedbackEmpty)
        );
    }

    #[test]
    fn cases_open_at_the_thresholds_and_not_above() {
        let s = FeedbackSettings {
            nps_max: 6,
            csat_max: 2,
            case_categories: vec![Category::Delivery],
            sla_hours: 48,
            assign_to: None,
            default_language: "en".into(),
            goodwill_cap: 500,
        };
        let a = |nps, csat, category| Answers {
            nps,
            csat,
            category,
            ..Answers::default()
        };
        assert!(opens_case(&s, &a(Some(6), None, None)));
        assert!(!opens_case(&s, &a(Some(7), None, None)));
        assert!(opens_case(&s, &a(None, Some(2), None)));
        assert!(!opens_case(&s, &a(None, Some(3), None)));
        assert!(opens_case(&s, &a(Some(10), None, Some(Category::Delivery))));
        assert!(!opens_case(&s, &a(Some(10), None, Some(Category::Product))));
        assert!(is_urgent(&a(Some(3), None, None)));
        assert!(!is_urgent(&a(Some(4), Some(2), None)));
        assert!(is_urgent(&a(None, Some(1), None)));
    }

    #[test]
    fn quality_numbers() {
        // 2 promoters, 1 passive, 2 detractors of 5: 40 % − 40 % = 0.
        assert_eq!(nps_of(2, 2, 5), Some(0));
        // 2 promoters of 3: 66.7 rounds to 67; half rounds away from zero.
        assert_eq!(nps_of(2, 0, 3), Some(67));
        assert_eq!(nps_of(0, 2, 3), Some(-67));
        assert_eq!(nps_of(1, 0, 8), Some(13));
        assert_eq!(nps_of(0, 1, 8), Some(-13));
        assert_eq!(nps_of(0, 0, 0), None);
        assert_eq!(csat_of(2, 3), Some(67));
        assert_eq!(csat_of(0, 0), None);
    }
}
