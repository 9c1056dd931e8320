//! Segment rules compiled to SQL: one condition per rule on the member row `u`, every value a
//! bound parameter. Time-relative rules take "now" and the shop's time zone from [`When`], so
//! tests move the clock instead of waiting.

use sqlx::{QueryBuilder, Sqlite};

use super::rules::{Channel, Rule};
use crate::db::{Day, Stamp, local_day, local_day_start};

/// How many latest purchases the member roll-up (`member_stats.r1_…` to `r5_…`) keeps.
const LATEST: i64 = 5;

/// The moment a segment is evaluated at, in the shop's time zone.
#[derive(Debug, Clone)]
pub struct When {
    /// Now.
    pub now: Stamp,
    /// The shop's time zone.
    pub tz: String,
    /// The RFM quintiles now, when a rule names an RFM group (`None`: none does, or nobody
    /// has bought yet).
    pub rfm: Option<crate::analytics::rfm::Edges>,
}

impl When {
    fn days_ago(&self, days: i64) -> Stamp {
        self.now.plus_days(-days)
    }

    fn today(&self) -> Day {
        local_day(&self.tz, self.now).0
    }
}

/// Pushes ` FROM users u … WHERE …` selecting the active members of the segment (`u` is
/// the member; `s` their `member_stats` row when a rule reads it).
pub fn push_from<'a>(
    q: &mut QueryBuilder<'a, Sqlite>,
    rules: &'a [Rule],
    match_all: bool,
    when: &When,
) {
    // A rule on the member roll-up reads it row by row beside the member: both tables in
    // member order (a scan of the users table and a step forward in the roll-up's) is a
    // third of the time of a set of ids probed from the segment index's order, and far less
    // than a random look-up per member.
    // A location rule is a list of member ids from the per-location roll-up: looked up by
    // id in the users table, a third of the time of the segment index scanned and each
    // member probed in that list (1.2 s → 0.4 s at 1 M members, all of them at the location).
    // A balance rule reads the member's balance row beside them the same way: when most
    // members hold points, a set of their ids built and probed per member took 1.5 s at 1 M.
    let stats = rules.iter().any(Rule::reads_member_stats);
    let balance = rules
        .iter()
        .any(|r| matches!(r, Rule::BalanceFrom { .. } | Rule::BalanceBelow { .. }));
    if stats || balance || rules.iter().any(|r| matches!(r, Rule::Location { .. })) {
        q.push(" FROM users u NOT INDEXED");
    } else {
        q.push(" FROM users u");
    }
    if stats {
        q.push(" LEFT JOIN member_stats s ON s.member_id = u.id");
    }
    if balance {
        q.push(" LEFT JOIN member_balances b ON b.member_id = u.id");
    }
    q.push(" WHERE ");
    q.push("u.role = 'member' AND u.closed_at IS NULL AND u.disabled_at IS NULL");
    if rules.is_empty() {
        return;
    }
    q.push(" AND (");
    for (i, rule) in rules.iter().enumerate() {
        if i > 0 {
            q.push(if match_all { " AND " } else { " OR " });
        }
        q.push("(");
        push_rule(q, rule, when);
        q.push(")");
    }
    q.push(")");
}

fn push_rule<'a>(q: &mut QueryBuilder<'a, Sqlite>, rule: &'a Rule, when: &When) {
    match rule {
        Rule::Tier { tier_id: Some(id) } => {
            q.push(
                "EXISTS (SELECT 1 FROM member_tiers mt WHERE mt.member_id = u.id AND mt.tier_id = ",
            )
            .push_bind(*id)
            .push(")");
        }
        Rule::Tier { tier_id: None } => {
            q.push("NOT EXISTS (SELECT 1 FROM member_tiers mt WHERE mt.member_id = u.id AND mt.tier_id IS NOT NULL)");
        }
        Rule::JoinedFrom { day } | Rule::JoinedBefore { day } => {
            let start = day
                .parse::<Day>()
                .ok()
                .and_then(|d| local_day_start(&when.tz, d, 0))
                .map_or_else(|| day.clone(), |s| s.to_string());
            let op = if matches!(rule, Rule::JoinedFrom { .. }) {
                ">="
            } else {
                "<"
            };
            q.push(format!("u.created_at {op} ")).push_bind(start);
        }
        // The last purchase is a roll-up on the member row (kept by a trigger on every
        // purchase): a column of the covering index, not a probe of the ledger per member.
        Rule::InactiveDays { days } => {
            q.push("(u.last_purchase_at IS NULL OR u.last_purchase_at < ")
                .push_bind(when.days_ago(*days))
                .push(")");
        }
        Rule::ActiveDays { days } => {
            q.push("u.last_purchase_at >= ")
                .push_bind(when.days_ago(*days));
        }
        // The member roll-up keeps each member's five latest purchases: "at least n in the
        // window" is the n-th latest inside it, a column; beyond five, only members whose
        // fifth latest is inside it are counted in the ledger.
        Rule::Purchases { count, days } => {
            let since = when.days_ago(*days);
            if *count <= 0 {
                q.push("1");
            } else if *count <= LATEST {
                q.push(format!("s.r{count}_at >= ")).push_bind(since);
            } else {
                q.push(format!("s.r{LATEST}_at >= "))
                    .push_bind(since)
                    .push(" AND (SELECT count(*) FROM purchases p WHERE p.member_id = u.id AND p.created_at >= ")
                    .push_bind(since)
                    .push(") >= ")
                    .push_bind(*count);
            }
        }
        // Spend in the window is the sum of the latest purchases inside it when the fifth
        // latest is outside it (all of the window's are then among the five); otherwise that
        // member's purchases in the ledger are summed.
        Rule::Spend { minor, days } => {
            let since = when.days_ago(*days);
            if *minor <= 0 {
                q.push("1");
                return;
            }
            q.push("s.last_purchase_at >= ")
                .push_bind(since)
                .push(format!(" AND CASE WHEN s.r{LATEST}_at >= "))
                .push_bind(since)
                .push(" THEN (SELECT coalesce(sum(p.amount_minor - p.refunded_minor), 0) FROM purchases p WHERE p.member_id = u.id AND p.created_at >= ")
                .push_bind(since)
                .push(") ELSE ");
            for i in 1..=LATEST {
                if i > 1 {
                    q.push(" + ");
                }
                q.push(format!("CASE WHEN s.r{i}_at >= "))
                    .push_bind(since)
                    .push(format!(" THEN s.r{i}_net ELSE 0 END"));
            }
            q.push(" END >= ").push_bind(*minor);
        }
        // A member without a balance row has 0 points.
        Rule::BalanceFrom { points } => {
            q.push("coalesce(b.balance, 0) >= ").push_bind(*points);
        }
        Rule::BalanceBelow { points } => {
            q.push("coalesce(b.balance, 0) < ").push_bind(*points);
        }
        Rule::ExpiringWithin { days } => {
            q.push("EXISTS (SELECT 1 FROM point_lots l WHERE l.member_id = u.id AND l.remaining > 0 AND l.expires_at > ")
                .push_bind(when.now)
                .push(" AND l.expires_at <= ")
                .push_bind(when.now.plus_days(*days))
                .push(")");
        }
        Rule::UnusedReward => {
            q.push("EXISTS (SELECT 1 FROM reward_codes r WHERE r.member_id = u.id AND r.used_at IS NULL AND r.expired_at IS NULL AND r.expires_at > ")
                .push_bind(when.now)
                .push(")");
        }
        Rule::UnusedCoupon => {
            q.push("EXISTS (SELECT 1 FROM coupons c WHERE c.member_id = u.id AND c.used_at IS NULL AND c.valid_until >= ")
                .push_bind(when.today().to_string())
                .push(")");
        }
        Rule::LastNps { group } => {
            let (low, high) = group.range();
            q.push("(SELECT f.nps FROM feedback f WHERE f.member_id = u.id AND f.nps IS NOT NULL ORDER BY f.id DESC LIMIT 1) BETWEEN ")
                .push_bind(low)
                .push(" AND ")
                .push_bind(high);
        }
        // The members who bought there: a range of the per-location roll-up's key. In member
        // order, which keeps SQLite on that key rather than the (location, last purchase)
        // index: the list then fills in order (0.33 s instead of 1.5 s at 780,000 members).
        Rule::Location { location_id } => {
            q.push("u.id IN (SELECT ml.member_id FROM member_locations ml WHERE ml.location_id = ")
                .push_bind(*location_id)
                .push(" ORDER BY ml.member_id)");
        }
        Rule::Language { language } => {
            q.push("u.language = ").push_bind(language.as_str());
        }
        Rule::BirthdayMonth { month } => {
            q.push("substr(u.birthday, 6, 2) = ")
                .push_bind(format!("{month:02}"));
        }
        Rule::Tag { tag } => {
            q.push("EXISTS (SELECT 1 FROM member_tags t WHERE t.member_id = u.id AND t.tag = ")
                .push_bind(tag.as_str())
                .push(")");
        }
        Rule::Consent { channel } => {
            q.push(match channel {
                Channel::Email => "u.email_marketing = 1",
                Channel::Sms => "u.sms_marketing = 1",
            });
        }
        // Bounds on the member roll-up's last purchase day and purchases, from the quintiles
        // of the moment (the group a member is in moves as others buy).
        Rule::RfmGroup { group } => match &when.rfm {
            Some(edges) => crate::analytics::rfm_db::push_group(q, *group, edges),
            None => {
                q.push("0");
            }
        },
    }
}

/// The condition that a member may receive marketing on `channel` now: consent given,
/// (email) address confirmed, (SMS) a phone, and the address not suppressed.
pub fn reachable(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => {
            "u.email_marketing = 1 AND u.email_confirmed_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.channel = 'email' AND s.address = u.email)"
        }
        Channel::Sms => {
            "u.sms_marketing = 1 AND u.phone IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.channel = 'sms' AND s.address = u.phone)"
        }
    }
}

/// Pushes `AND` [`reachable`].
pub fn push_reachable(q: &mut QueryBuilder<'_, Sqlite>, channel: Channel) {
    q.push(" AND ").push(reachable(channel));
}
