//! Server functions for contests: the console's list, making one, drawing and checking it
//! (owners and managers), and the public page with its entry button (members).
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::{Check, Managed, Public};
use crate::error::AppError;

/// The console's contests and the rewards a prize may be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContestsView {
    /// Every contest, newest first.
    pub contests: Vec<Managed>,
    /// Active rewards `(id, name)`.
    pub rewards: Vec<(i64, String)>,
}

/// Every contest with its entrants and winners, and the rewards a prize may be.
#[server(prefix = "/api", endpoint = "contests/list")]
pub async fn contests() -> Result<ContestsView, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let language = current_language();
    let mut conn = st.db.reader.acquire().await?;
    let contests = super::db::list(&mut conn, &language, st.clock.now()).await?;
    let rewards = crate::rewards::db::list(&mut conn, true)
        .await?
        .into_iter()
        .map(|(r, _)| (r.id, r.name))
        .collect();
    Ok(ContestsView { contests, rewards })
}

/// Makes a contest: a title (and description) in at least one language — the caller's, or
/// else the first given, is its main one — the first and last day, the ways to enter (ticked
/// boxes), the prize (`prize_points`, or `prize_reward` a reward's id) and how many win.
/// Answers its id.
#[server(prefix = "/api", endpoint = "contests/save")]
pub async fn save_contest(
    #[server(default)] title_en: String,
    #[server(default)] title_sv: String,
    #[server(default)] title_nb: String,
    #[server(default)] title_lv: String,
    #[server(default)] title_pt: String,
    #[server(default)] description_en: String,
    #[server(default)] description_sv: String,
    #[server(default)] description_nb: String,
    #[server(default)] description_lv: String,
    #[server(default)] description_pt: String,
    starts_on: String,
    ends_on: String,
    way_purchase: Option<String>,
    way_referral: Option<String>,
    way_feedback: Option<String>,
    way_page: Option<String>,
    #[server(default)] prize_points: String,
    #[server(default)] prize_reward: String,
    winners: String,
) -> Result<i64, AppError> {
    use crate::{accounts::Role, server::*};
    let titles = [title_en, title_sv, title_nb, title_lv, title_pt];
    let descriptions = [
        description_en,
        description_sv,
        description_nb,
        description_lv,
        description_pt,
    ];
    let ways = [&way_purchase, &way_referral, &way_feedback, &way_page].map(Option::is_some);
    let posted = imp::Posted {
        titles: &titles,
        descriptions: &descriptions,
        starts_on: &starts_on,
        ends_on: &ends_on,
        ways,
        prize_points: &prize_points,
        prize_reward: &prize_reward,
        winners: &winners,
    };
    let new = imp::parse(&posted, &current_language())?;
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            if let super::Prize::Reward(id, _) = &new.prize {
                crate::rewards::db::get(tx, *id)
                    .await?
                    .filter(|(r, _)| r.active)
                    .ok_or_else(|| {
                        AppError::field("prize_reward", crate::error::Msg::RewardUnavailable)
                    })?;
            }
            let id = super::db::create(tx, &new, now).await?;
            crate::audit::db::record(
                tx,
                Some(me.id),
                "contest.create",
                &format!("contest:{id}"),
                &format!(
                    "{} to {}, {} winners",
                    new.starts_on, new.ends_on, new.winners
                ),
            )
            .await?;
            Ok(id)
        })
    })
    .await
}

/// Draws contest `id` (after its last day; once). Answers how many entered.
#[server(prefix = "/api", endpoint = "contests/draw")]
pub async fn draw_contest(id: i64) -> Result<i64, AppError> {
    use crate::{accounts::Role, server::*};
    write_as(Role::Manager, move |tx, me, now| {
        Box::pin(super::db::draw(tx, id, me.id, now))
    })
    .await
}

/// Re-runs the draw of contest `id` from what was recorded.
#[server(prefix = "/api", endpoint = "contests/check")]
pub async fn check_draw(id: i64) -> Result<Check, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::db::check(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The contest at `/contests/<slug>` as this reader sees it. Anyone may read it.
#[server(prefix = "/api", endpoint = "contests/page")]
pub async fn contest_page(slug: String) -> Result<Public, AppError> {
    use crate::server::*;
    let st = state()?;
    let language = current_language();
    let mut conn = st.db.reader.acquire().await?;
    let contest = super::db::by_slug(&mut conn, slug.trim(), &language)
        .await?
        .ok_or(AppError::NotFound)?;
    let (today, _) = crate::loyalty::db::program::shop_today(&mut conn, st.clock.now()).await?;
    let stage = contest.stage(&today.to_string());
    let (entered, won) = match caller().filter(|u| u.role == crate::accounts::Role::Member) {
        Some(me) => {
            let (entered, won) = super::db::standing(&mut conn, contest.id, me.id).await?;
            (Some(entered), won)
        }
        None => (None, None),
    };
    let shop = crate::brand::db::brand(&mut conn)
        .await?
        .shown_name()
        .to_owned();
    let url = format!(
        "{}/contests/{}",
        st.base_url.trim_end_matches('/'),
        contest.slug
    );
    Ok(Public {
        contest,
        stage,
        shop,
        url,
        entered,
        visitor: caller().is_none(),
        won,
    })
}

/// Enters the signed-in member in the contest at `slug` (while open, when it takes entries on
/// its page). Entering twice changes nothing.
#[server(prefix = "/api", endpoint = "contests/enter")]
pub async fn enter_contest(slug: String) -> Result<(), AppError> {
    use crate::server::*;
    let me = require_member()?;
    let st = state()?;
    let now = st.clock.now();
    let slug = slug.trim().to_owned();
    st.db
        .write(move |tx| Box::pin(async move { super::db::enter(tx, &slug, me.id, now).await }))
        .await
}

#[cfg(feature = "ssr")]
mod imp {
    use crate::{
        contests::{Prize, db::New},
        db::Day,
        error::{AppError, Msg, whole_number},
    };

    pub struct Posted<'a> {
        pub titles: &'a [String; 5],
        pub descriptions: &'a [String; 5],
        pub starts_on: &'a str,
        pub ends_on: &'a str,
        pub ways: [bool; 4],
        pub prize_points: &'a str,
        pub prize_reward: &'a str,
        pub winners: &'a str,
    }

    /// The form as a contest to make, or the first field's error. `caller` is the language
    /// whose title becomes the main one when given.
    pub fn parse(p: &Posted<'_>, caller: &str) -> Result<New, AppError> {
        let mut texts = Vec::new();
        for (((language, _), title), description) in crate::i18n::LANGUAGES
            .iter()
            .zip(p.titles)
            .zip(p.descriptions)
        {
            let (title, description) = (title.trim(), description.trim());
            if title.chars().count() > 120 {
                return Err(AppError::field(
                    &format!("title_{language}"),
                    Msg::NameTooLong,
                ));
            }
            if description.chars().count() > 2000 {
                return Err(AppError::field(
                    &format!("description_{language}"),
                    Msg::DescriptionTooLong,
                ));
            }
            if title.is_empty() && !description.is_empty() {
                return Err(AppError::field(
                    &format!("title_{language}"),
                    Msg::NameRequired,
                ));
            }
            if !title.is_empty() {
                texts.push((
                    (*language).to_owned(),
                    title.to_owned(),
                    description.to_owned(),
                ));
            }
        }
        let main = texts
            .iter()
            .find(|(l, _, _)| l == caller)
            .or_else(|| texts.first())
            .map(|(l, t, _)| (l.clone(), t.clone()))
            .ok_or_else(|| AppError::field(&format!("title_{caller}"), Msg::NameRequired))?;
        let day = |field: &str, raw: &str| {
            raw.trim()
                .parse::<Day>()
                .map_err(|_| AppError::field(field, Msg::DateInvalid))
        };
        let starts_on = day("starts_on", p.starts_on)?;
        let ends_on = day("ends_on", p.ends_on)?;
        if ends_on.to_string() < starts_on.to_string() {
            return Err(AppError::field("ends_on", Msg::EndsBeforeStart));
        }
        if !p.ways.iter().any(|w| *w) {
            return Err(AppError::field("way_purchase", Msg::ContestWaysRequired));
        }
        let prize = match (p.prize_points.trim(), p.prize_reward.trim()) {
            ("", "") => return Err(AppError::field("prize_points", Msg::PrizeRequired)),
            (points, "") => Prize::Points(whole_number(
                "prize_points",
                points,
                1..=1_000_000,
                Msg::PointsInvalid,
            )?),
            ("", reward) => Prize::Reward(
                reward
                    .parse()
                    .map_err(|_| AppError::field("prize_reward", Msg::RewardUnavailable))?,
                String::new(),
            ),
            _ => return Err(AppError::field("prize_points", Msg::PrizeRequired)),
        };
        let winners = whole_number("winners", p.winners, 1..=100, Msg::WinnersInvalid)?;
        Ok(New {
            slug: crate::social::slug_of(&main.1, "contest"),
            main_language: main.0,
            texts,
            starts_on,
            ends_on,
            ways: p.ways,
            prize,
            winners,
        })
    }
}
