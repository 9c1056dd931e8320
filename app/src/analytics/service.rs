//! The service-quality link: of the answers members gave on feedback forms, how many were
//! followed by a purchase within 30 days, by recommendation score (promoters, passives,
//! detractors, no score) and by whether the case the answer opened was resolved. Answers whose
//! 30 days have not passed (given after the shop day 30 days ago) are left out: they could still
//! come back. From the `service_days` roll-up: a few rows a day and location (at one location,
//! the answers given there; coming back counts anywhere).

use serde::{Deserialize, Serialize};

use super::cohorts::percent;
use crate::error::AppError;
use leptos::prelude::*;

/// Days after an answer in which a purchase counts as coming back.
pub const RETURN_DAYS: i64 = 30;

/// Recommendation-score groups, in the page's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NpsGroup {
    Promoters,
    Passives,
    Detractors,
    NoScore,
}

impl NpsGroup {
    pub const ALL: [NpsGroup; 4] = [
        NpsGroup::Promoters,
        NpsGroup::Passives,
        NpsGroup::Detractors,
        NpsGroup::NoScore,
    ];

    /// The group of a score (0–10).
    pub fn of(nps: Option<i64>) -> Self {
        match nps {
            Some(9..) => NpsGroup::Promoters,
            Some(7..=8) => NpsGroup::Passives,
            Some(_) => NpsGroup::Detractors,
            None => NpsGroup::NoScore,
        }
    }

    /// Its name in the CSV.
    pub fn key(self) -> &'static str {
        match self {
            NpsGroup::Promoters => "promoters",
            NpsGroup::Passives => "passives",
            NpsGroup::Detractors => "detractors",
            NpsGroup::NoScore => "no_score",
        }
    }
}

/// Answers and how many came back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returns {
    pub answers: i64,
    pub returned: i64,
}

impl Returns {
    /// In whole percent; `None` without answers.
    pub fn rate(&self) -> Option<i64> {
        percent(self.returned, self.answers)
    }

    fn add(&mut self, o: Returns) {
        self.answers += o.answers;
        self.returned += o.returned;
    }
}

/// A group's answers: all, those whose case is resolved, those whose case is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReturns {
    pub group: NpsGroup,
    pub all: Returns,
    pub resolved: Returns,
    pub unresolved: Returns,
}

/// What a case did with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    None,
    Resolved,
    Unresolved,
}

/// The page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub from: String,
    pub to: String,
    /// One per group, in [`NpsGroup::ALL`]'s order.
    pub groups: Vec<GroupReturns>,
    /// Answers of the months shown too recent to tell.
    pub recent: i64,
    /// The location the answers were given at (`None`: the whole shop, answers given at no
    /// location included), and the shop's locations.
    pub location: Option<i64>,
    pub locations: Vec<crate::loyalty::rules::Location>,
}

impl Service {
    /// Folds `(score group, case state, answers, came back)` rows into the groups.
    pub fn fold(from: String, to: String, rows: &[(NpsGroup, CaseState, Returns)]) -> Self {
        let groups = NpsGroup::ALL
            .into_iter()
            .map(|group| {
                let mut g = GroupReturns {
                    group,
                    all: Returns::default(),
                    resolved: Returns::default(),
                    unresolved: Returns::default(),
                };
                for (_, state, r) in rows.iter().filter(|(x, ..)| *x == group) {
                    g.all.add(*r);
                    match state {
                        CaseState::Resolved => g.resolved.add(*r),
                        CaseState::Unresolved => g.unresolved.add(*r),
                        CaseState::None => {}
                    }
                }
                g
            })
            .collect();
        Service {
            from,
            to,
            groups,
            recent: 0,
            location: None,
            locations: Vec::new(),
        }
    }

    /// Every group together.
    pub fn total(&self) -> GroupReturns {
        let mut t = GroupReturns {
            group: NpsGroup::NoScore,
            all: Returns::default(),
            resolved: Returns::default(),
            unresolved: Returns::default(),
        };
        for g in &self.groups {
            t.all.add(g.all);
            t.resolved.add(g.resolved);
            t.unresolved.add(g.unresolved);
        }
        t
    }
}

/// The groups as CSV: `group,answers,came_back,return_rate_percent,resolved_case_answers,
/// resolved_case_came_back,unresolved_case_answers,unresolved_case_came_back`.
pub fn csv(s: &Service) -> String {
    let mut out = String::from(
        "group,answers,came_back,return_rate_percent,resolved_case_answers,\
         resolved_case_came_back,unresolved_case_answers,unresolved_case_came_back\n",
    );
    for g in &s.groups {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            g.group.key(),
            g.all.answers,
            g.all.returned,
            g.all.rate().map(|r| r.to_string()).unwrap_or_default(),
            g.resolved.answers,
            g.resolved.returned,
            g.unresolved.answers,
            g.unresolved.returned
        ));
    }
    out
}

/// The service-quality link (managers and owners): answers given in months `from` to `to`
/// (`YYYY-MM`; by default the twelve up to the current one), at `location` (blank: anywhere).
#[server(prefix = "/api", endpoint = "analytics/service")]
pub async fn analytics_service(
    from: Option<String>,
    to: Option<String>,
    location: Option<String>,
) -> Result<Service, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let now = st.clock.now();
    db::service(
        &mut conn,
        now,
        from.as_deref(),
        to.as_deref(),
        location.as_deref(),
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod db {
    use sqlx::SqliteConnection;

    use super::{CaseState, NpsGroup, RETURN_DAYS, Returns, Service};
    use crate::{
        db::{Stamp, days, local_day},
        error::AppError,
    };

    /// The answers of months `from`..=`to` given up to the shop day 30 days ago, from the
    /// `service_days` roll-up; the later ones of those months are counted as too recent.
    pub async fn service(
        conn: &mut SqliteConnection,
        now: Stamp,
        from: Option<&str>,
        to: Option<&str>,
        location: Option<&str>,
    ) -> Result<Service, AppError> {
        let (locations, location) =
            crate::analytics::glance::db::chosen_location(&mut *conn, location).await?;
        let (from, to, _) =
            super::super::cohorts::db::month_range(&mut *conn, now, from, to).await?;
        let zone = crate::campaigns::db::shop_tz(&mut *conn).await?;
        let cutoff = local_day(&zone, now - days(RETURN_DAYS)).0.to_string();
        let (first, last) = (format!("{from}-01"), format!("{to}-31"));
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT grp, state, sum(answers), sum(returned) FROM service_days
             WHERE day BETWEEN $1 AND $2 AND day <= $3 AND ($4 IS NULL OR location_id = $4)
             GROUP BY 1, 2",
        )
        .bind(&first)
        .bind(&last)
        .bind(&cutoff)
        .bind(location)
        .fetch_all(&mut *conn)
        .await?;
        let rows: Vec<_> = rows
            .into_iter()
            .map(|(grp, state, answers, returned)| {
                let group = usize::try_from(grp)
                    .ok()
                    .and_then(|g| NpsGroup::ALL.get(g).copied())
                    .unwrap_or(NpsGroup::NoScore);
                let state = match state {
                    1 => CaseState::Resolved,
                    2 => CaseState::Unresolved,
                    _ => CaseState::None,
                };
                (group, state, Returns { answers, returned })
            })
            .collect();
        let mut s = Service::fold(from, to, &rows);
        s.recent = sqlx::query_scalar(
            "SELECT coalesce(sum(answers), 0) FROM service_days
             WHERE day BETWEEN $1 AND $2 AND day > $3 AND ($4 IS NULL OR location_id = $4)",
        )
        .bind(&first)
        .bind(&last)
        .bind(&cutoff)
        .bind(location)
        .fetch_one(&mut *conn)
        .await?;
        s.location = location;
        s.locations = locations;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_into_groups_and_rates_are_per_case_state() {
        assert_eq!(NpsGroup::of(Some(10)), NpsGroup::Promoters);
        assert_eq!(NpsGroup::of(Some(9)), NpsGroup::Promoters);
        assert_eq!(NpsGroup::of(Some(8)), NpsGroup::Passives);
        assert_eq!(NpsGroup::of(Some(7)), NpsGroup::Passives);
        assert_eq!(NpsGroup::of(Some(6)), NpsGroup::Detractors);
        assert_eq!(NpsGroup::of(Some(0)), NpsGroup::Detractors);
        assert_eq!(NpsGroup::of(None), NpsGroup::NoScore);
        let r = |answers, returned| Returns { answers, returned };
        let rows = [
            (NpsGroup::Promoters, CaseState::None, r(10, 7)),
            (NpsGroup::Detractors, CaseState::None, r(2, 0)),
            (NpsGroup::Detractors, CaseState::Resolved, r(6, 4)),
            (NpsGroup::Detractors, CaseState::Unresolved, r(3, 1)),
        ];
        let s = Service::fold("2026-10".into(), "2026-11".into(), &rows);
        let d = s.groups[2];
        assert_eq!(d.group, NpsGroup::Detractors);
        assert_eq!(d.all, r(11, 5));
        // 4 of 6 after a resolved case: 66.7 % → 67 %; 1 of 3 unresolved: 33 %.
        assert_eq!(d.resolved.rate(), Some(67));
        assert_eq!(d.unresolved.rate(), Some(33));
        assert_eq!(s.groups[1].all.rate(), None);
        assert_eq!(s.total().all, r(21, 12));
        assert_eq!(
            csv(&s),
            "group,answers,came_back,return_rate_percent,resolved_case_answers,\
             resolved_case_came_back,unresolved_case_answers,unresolved_case_came_back\n\
             promoters,10,7,70,0,0,0,0\npassives,0,0,,0,0,0,0\n\
             detractors,11,5,45,6,4,3,1\nno_score,0,0,,0,0,0,0\n"
        );
    }
}
