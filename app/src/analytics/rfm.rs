//! RFM and churn risk: every member who has bought gets three scores from 1 to 5 by quintile
//! — recency (the day of their last purchase), frequency (their purchases) and monetary (what
//! they spent after refunds) — and a named group from the first two. The quintile edges are
//! the values at ranks ⌈k·n/5⌉ (k = 1…4) in ascending order; a score is one more than the
//! number of edges below the value, so equal values always score the same (with many
//! one-time buyers the frequency quintiles are not five equal parts).
//!
//! Recency and frequency come from a roll-up of members by (last purchase day, purchases), a
//! few thousand rows for a million members; the monetary edges are four look-ups by rank in
//! an index; a group's biggest spenders walk the same index from the top.

use serde::{Deserialize, Serialize};

use crate::{error::AppError, loyalty::rules::Currency};
use leptos::prelude::*;

/// The named groups (by recency score R and frequency score F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Bought lately and often (R 4–5, F 4–5).
    Champions,
    /// Buy regularly (R 3, F 3–5; R 4–5, F 3).
    Loyal,
    /// First purchase lately (R 4–5, F 1).
    New,
    /// Bought often, not lately (R 1–2, F 3–4).
    AtRisk,
    /// Bought most often, not lately (R 1–2, F 5).
    CantLose,
    /// Bought seldom, long ago (R 1–2, F 1–2).
    Hibernating,
    /// The rest (R 3, F 1–2; R 4–5, F 2).
    Others,
}

/// Ranges of R and F scores (inclusive) that make a group.
type Boxes = &'static [((u8, u8), (u8, u8))];

impl Group {
    /// In the order the page lists them.
    pub const ALL: [Group; 7] = [
        Group::Champions,
        Group::Loyal,
        Group::New,
        Group::AtRisk,
        Group::CantLose,
        Group::Hibernating,
        Group::Others,
    ];

    /// As in URLs and stored segment rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Champions => "champions",
            Group::Loyal => "loyal",
            Group::New => "new",
            Group::AtRisk => "at_risk",
            Group::CantLose => "cant_lose",
            Group::Hibernating => "hibernating",
            Group::Others => "others",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// The (R range, F range) boxes of the group: together the groups cover every one of the
    /// 25 cells once.
    pub fn boxes(self) -> Boxes {
        match self {
            Group::Champions => &[((4, 5), (4, 5))],
            Group::Loyal => &[((3, 3), (3, 5)), ((4, 5), (3, 3))],
            Group::New => &[((4, 5), (1, 1))],
            Group::AtRisk => &[((1, 2), (3, 4))],
            Group::CantLose => &[((1, 2), (5, 5))],
            Group::Hibernating => &[((1, 2), (1, 2))],
            Group::Others => &[((3, 3), (1, 2)), ((4, 5), (2, 2))],
        }
    }

    /// The group of a member with recency score `r` and frequency score `f`.
    pub fn of(r: u8, f: u8) -> Group {
        Self::ALL
            .into_iter()
            .find(|g| {
                g.boxes()
                    .iter()
                    .any(|&((r0, r1), (f0, f1))| (r0..=r1).contains(&r) && (f0..=f1).contains(&f))
            })
            .unwrap_or(Group::Others)
    }
}

/// The values at ranks ⌈k·n/5⌉ (k = 1…4) of a distribution given as (value, how many) in
/// ascending order of value; `None` when it is empty.
pub fn edges<T: Clone>(counts: &[(T, i64)]) -> Option<[T; 4]> {
    let n: i64 = counts.iter().map(|c| c.1).sum();
    if n <= 0 {
        return None;
    }
    let mut out: Vec<T> = Vec::with_capacity(4);
    let mut seen = 0;
    let mut it = counts.iter();
    let mut current = it.next()?;
    seen += current.1;
    for k in 1..=4 {
        let rank = (k * n + 4) / 5;
        while seen < rank {
            current = it.next()?;
            seen += current.1;
        }
        out.push(current.0.clone());
    }
    out.try_into().ok()
}

/// A value's score from its quintile edges: 1 + the edges below it.
pub fn score<T: PartialOrd>(value: &T, edges: &[T; 4]) -> u8 {
    1 + edges.iter().filter(|e| *e < value).count() as u8
}

/// The quintile edges now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edges {
    /// Days (`YYYY-MM-DD`, UTC) of last purchases.
    pub recency: [String; 4],
    /// Purchases.
    pub frequency: [i64; 4],
    /// Spend after refunds, minor units.
    pub monetary: [i64; 4],
}

/// Members whose last purchase was on `day` (UTC) with `purchases` purchases in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Cell {
    pub day: String,
    pub purchases: i64,
    pub members: i64,
    pub net_minor: i64,
}

/// A group's size and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub group: Group,
    pub members: i64,
    pub net_minor: i64,
}

/// The members of each group and the 5 × 5 grid (`grid[r - 1][f - 1]`), from the cells.
pub fn tally(cells: &[Cell], edges: &Edges) -> (Vec<GroupRow>, [[i64; 5]; 5]) {
    let mut grid = [[0; 5]; 5];
    let mut rows: Vec<GroupRow> = Group::ALL
        .into_iter()
        .map(|group| GroupRow {
            group,
            members: 0,
            net_minor: 0,
        })
        .collect();
    for c in cells {
        let (r, f) = (
            score(&c.day, &edges.recency),
            score(&c.purchases, &edges.frequency),
        );
        grid[usize::from(r - 1)][usize::from(f - 1)] += c.members;
        if let Some(row) = rows.iter_mut().find(|g| g.group == Group::of(r, f)) {
            row.members += c.members;
            row.net_minor += c.net_minor;
        }
    }
    (rows, grid)
}

/// One member of a listed group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    pub id: i64,
    pub name: String,
    /// Their last purchase's day (UTC).
    pub last_day: String,
    pub purchases: i64,
    pub net_minor: i64,
    /// R, F and M.
    pub scores: [u8; 3],
}

/// The page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rfm {
    pub currency: Currency,
    /// Today (UTC), for days since a last purchase.
    pub today: String,
    /// Members who have bought.
    pub buyers: i64,
    /// `None` when nobody has bought yet.
    pub edges: Option<Edges>,
    /// Days from each recency edge to today.
    pub days_since: [i64; 4],
    pub groups: Vec<GroupRow>,
    pub grid: [[i64; 5]; 5],
    /// The group listed and its members with the most spend first (at most [`LISTED`]).
    pub listed: Group,
    pub members: Vec<Scored>,
    /// The location the scores are for (`None`: the whole shop; then recency, frequency and
    /// spend are the member's there), and the shop's locations.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
}

/// How many members of a group the page lists.
pub const LISTED: i64 = 50;

/// The groups as CSV: `group,members,share_percent,net_minor`.
pub fn csv(r: &Rfm) -> String {
    let mut out = String::from("group,members,share_percent,net_minor\n");
    for g in &r.groups {
        let share = super::cohorts::percent(g.members, r.buyers)
            .map(|p| p.to_string())
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{share},{}\n",
            g.group.as_str(),
            g.members,
            g.net_minor
        ));
    }
    out
}

/// RFM groups, the grid and a group's members (managers and owners); `group` as in
/// [`Group::as_str`], by default the members at risk.
#[server(prefix = "/api", endpoint = "analytics/rfm")]
pub async fn analytics_rfm(
    group: Option<String>,
    location: Option<String>,
) -> Result<Rfm, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let listed = match group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => Group::AtRisk,
        Some(g) => Group::parse(g).ok_or(AppError::BadRequest)?,
    };
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let now = st.clock.now();
    super::rfm_db::report(&mut conn, now, listed, location.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_in_exactly_one_group() {
        for r in 1..=5 {
            for f in 1..=5 {
                let inside = Group::ALL
                    .into_iter()
                    .filter(|g| {
                        g.boxes().iter().any(|&((r0, r1), (f0, f1))| {
                            (r0..=r1).contains(&r) && (f0..=f1).contains(&f)
                        })
                    })
                    .count();
                assert_eq!(inside, 1, "R {r} F {f}");
            }
        }
        assert_eq!(Group::of(1, 5), Group::CantLose);
        assert_eq!(Group::of(2, 3), Group::AtRisk);
        assert_eq!(Group::of(5, 1), Group::New);
        for g in Group::ALL {
            assert_eq!(Group::parse(g.as_str()), Some(g));
        }
    }

    #[test]
    fn quintile_edges_are_the_values_at_ranks_of_a_fifth_and_ties_score_alike() {
        // Purchases of ten members: 1 1 1 1 2 2 3 5 8 13. Ranks 2, 4, 6, 8: 1, 1, 2, 5.
        let counts = [(1, 4), (2, 2), (3, 1), (5, 1), (8, 1), (13, 1)];
        let e = edges(&counts).expect("edges");
        assert_eq!(e, [1, 1, 2, 5]);
        let scores: Vec<u8> = [1, 2, 3, 5, 8, 13].iter().map(|v| score(v, &e)).collect();
        assert_eq!(scores, [1, 3, 4, 4, 5, 5]);
        // Three members: ranks 1, 2, 2, 3.
        assert_eq!(edges(&[(10, 1), (20, 1), (30, 1)]), Some([10, 20, 20, 30]));
        assert_eq!(edges::<i64>(&[]), None);
    }

    fn cell(day: &str, purchases: i64, net_minor: i64) -> Cell {
        Cell {
            day: day.into(),
            purchases,
            members: 1,
            net_minor,
        }
    }

    #[test]
    fn ten_members_fall_into_the_groups_worked_out_by_hand() {
        let cells = [
            cell("2026-11-30", 13, 9_000),
            cell("2026-11-30", 8, 7_000),
            cell("2026-11-20", 1, 500),
            cell("2026-11-01", 2, 800),
            cell("2026-10-01", 5, 4_000),
            cell("2026-09-01", 1, 300),
            cell("2026-06-01", 3, 2_000),
            cell("2026-03-01", 1, 200),
            cell("2026-01-01", 2, 600),
            cell("2025-12-01", 1, 100),
        ];
        let mut days: Vec<(String, i64)> = cells.iter().map(|c| (c.day.clone(), 1)).collect();
        days.sort();
        let e = Edges {
            recency: edges(&days).expect("days"),
            frequency: [1, 1, 2, 5],
            monetary: [200, 500, 800, 4_000],
        };
        assert_eq!(
            e.recency,
            ["2026-01-01", "2026-06-01", "2026-10-01", "2026-11-20"]
        );
        let (groups, grid) = tally(&cells, &e);
        let got: Vec<(Group, i64, i64)> = groups
            .iter()
            .map(|g| (g.group, g.members, g.net_minor))
            .collect();
        assert_eq!(
            got,
            [
                (Group::Champions, 2, 16_000),
                (Group::Loyal, 2, 4_800),
                (Group::New, 1, 500),
                (Group::AtRisk, 2, 2_600),
                (Group::CantLose, 0, 0),
                (Group::Hibernating, 2, 300),
                (Group::Others, 1, 300),
            ]
        );
        let mut expected = [[0; 5]; 5];
        for (r, f) in [
            (5, 5),
            (5, 5),
            (4, 1),
            (4, 3),
            (3, 4),
            (3, 1),
            (2, 4),
            (2, 1),
            (1, 3),
            (1, 1),
        ] {
            expected[r - 1][f - 1] += 1;
        }
        assert_eq!(grid, expected);
        let report = Rfm {
            currency: Currency::Eur,
            today: "2026-12-01".into(),
            buyers: 10,
            edges: Some(e),
            days_since: [334, 183, 61, 11],
            groups,
            grid,
            listed: Group::AtRisk,
            members: Vec::new(),
            location: None,
            locations: Vec::new(),
        };
        assert_eq!(
            csv(&report),
            "group,members,share_percent,net_minor\nchampions,2,20,16000\nloyal,2,20,4800\n\
             new,1,10,500\nat_risk,2,20,2600\ncant_lose,0,0,0\nhibernating,2,20,300\nothers,1,10,300\n"
        );
    }
}
