//! How a made-up member shops: how often, for how much, where, until when, in which months
//! and hours, and whether they take rewards; drawn from the seed and their id alone.

use super::{
    Mix,
    history::{Member, Span},
};

pub const DAY: i64 = 86_400;

/// How a member shops: their own, from the seed and their id.
pub struct Traits {
    /// Relative purchase rate (a few buy very often; most now and then).
    pub appetite: f64,
    /// When they stopped buying (`now` for those who still do).
    pub until: i64,
    /// Their usual purchase, in minor units.
    pub usual: i64,
    /// Where they usually buy (index into the shop's locations).
    pub home: usize,
    /// Takes rewards when they can.
    pub redeemer: bool,
    /// 0 detractor, 1 passive, 2 promoter.
    pub mood: u8,
}

/// Relative busyness of each month, January first.
const SEASON: [u64; 12] = [70, 60, 80, 85, 90, 95, 85, 80, 90, 95, 105, 140];

pub fn traits(seed: u64, m: &Member, span: Span) -> Traits {
    let mut mix = Mix(seed ^ (m.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let u = (mix.next() % 10_000) as f64 / 10_000.0;
    // Pareto-like: a fifth of members make about half of the purchases.
    let appetite = 1.0 / (0.08 + u);
    // Two in five are still customers; the others left between two weeks and two years in.
    let until = if mix.next() % 5 < 2 {
        span.now
    } else {
        let stayed = 14 * DAY + (mix.next() % (720 * DAY as u64)) as i64;
        (m.joined + stayed).min(span.now)
    };
    Traits {
        appetite,
        until,
        usual: 800 + (mix.next() % 5_200) as i64,
        home: mix.next() as usize,
        redeemer: mix.next() % 10 < 6,
        mood: match mix.next() % 10 {
            0..=1 => 0,
            2..=4 => 1,
            _ => 2,
        },
    }
}

/// How many of the shop's purchases this member makes, relative to the others: their
/// appetite times how long they were a customer within the span.
pub fn weight(seed: u64, m: &Member, span: Span) -> f64 {
    let t = traits(seed, m, span);
    let active = (t.until - m.joined.max(span.from)).max(0);
    t.appetite * active as f64
}

/// The month (0 = January) of a time, on UTC's calendar.
fn month_of(at: i64) -> usize {
    // Days to civil date (H. Hinnant's algorithm), only as far as the month.
    let z = at.div_euclid(DAY) + 719_468;
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    usize::try_from(if mp < 10 { mp + 2 } else { mp - 10 }).unwrap_or(0)
}

/// `count` purchase times between the member's first day in the span and the day they left,
/// busier in busy months, within opening hours (9 to 19), oldest first.
pub fn times(mix: &mut Mix, member: &Member, t: &Traits, span: Span, count: u64) -> Vec<i64> {
    let from = member.joined.max(span.from);
    let width = u64::try_from((t.until - from).max(1)).unwrap_or(1);
    let mut out: Vec<i64> = (0..count)
        .map(|_| {
            loop {
                let at = from + i64::try_from(mix.next() % width).unwrap_or(0);
                if mix.next() % 140 < SEASON[month_of(at)] {
                    let open = at - at.rem_euclid(DAY) + 9 * 3_600;
                    let at = open + i64::try_from(mix.next() % (10 * 3_600)).unwrap_or(0);
                    break at.clamp(member.joined, span.now);
                }
            }
        })
        .collect();
    out.sort_unstable();
    out
}
