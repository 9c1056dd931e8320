//! Tests of the segment editor's form parsing.

use super::*;

fn form(f: impl FnOnce(&mut RuleForm)) -> RuleForm {
    let mut form = RuleForm::default();
    f(&mut form);
    form
}

#[test]
fn an_empty_form_is_no_rules() {
    assert_eq!(RuleForm::default().rules(), Ok(vec![]));
}

#[test]
fn gold_members_away_for_thirty_days_are_two_rules() {
    let f = form(|f| {
        f.tier = Some("3".into());
        f.inactive_days = Some(" 30 ".into());
    });
    assert_eq!(
        f.rules(),
        Ok(vec![
            Rule::Tier { tier_id: Some(3) },
            Rule::InactiveDays { days: 30 }
        ])
    );
}

#[test]
fn bad_fields_are_named_and_nothing_is_half_parsed() {
    let f = form(|f| {
        f.inactive_days = Some("-1".into());
        f.joined_from = Some("2026-13-01".into());
        f.purchases_min = Some("2".into());
        f.language = Some("de".into());
        f.spend_min = Some("lots".into());
        f.spend_days = Some("30".into());
    });
    let errors = f.rules().expect_err("the form has errors");
    let names: Vec<_> = errors.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "joined_from",
            "inactive_days",
            "purchases_days",
            "spend_min",
            "language"
        ]
    );
}

#[test]
fn rules_survive_the_form_both_ways() {
    let rules = vec![
        Rule::Tier { tier_id: None },
        Rule::JoinedFrom {
            day: "2026-01-31".into(),
        },
        Rule::Purchases { count: 2, days: 90 },
        Rule::Spend {
            minor: 2550,
            days: 30,
        },
        Rule::BalanceBelow { points: 0 },
        Rule::UnusedCoupon,
        Rule::LastNps {
            group: NpsGroup::Detractor,
        },
        Rule::Language {
            language: "lv".into(),
        },
        Rule::BirthdayMonth { month: 12 },
        Rule::Tag { tag: "vip".into() },
        Rule::Consent {
            channel: Channel::Sms,
        },
    ];
    assert_eq!(RuleForm::from_rules(&rules).rules(), Ok(rules));
}
