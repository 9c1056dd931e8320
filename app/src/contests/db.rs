//! Contests in the database: made, read in a language, entered on their page, drawn (the
//! entrants listed from the period's purchases, referrals, feedback and page entries, scored,
//! the winners given their prize through the ledger or a reward code and told through the
//! outbox, all in one write transaction) and checked.

use sqlx::SqliteConnection;

use super::{Contest, Drawn, Managed, Prize, Stage, WAYS, Winner, draw};
use crate::{
    db::{Day, Stamp},
    error::{AppError, Msg},
    loyalty::db::program::shop_today,
};

/// A contest to make, as the form gave it.
#[derive(Debug, Clone)]
pub struct New {
    /// The public page's last part (made from the main title).
    pub slug: String,
    /// The language whose title is given.
    pub main_language: String,
    /// `(language, title, description)`, the main language's among them.
    pub texts: Vec<(String, String, String)>,
    /// First and last day.
    pub starts_on: Day,
    /// Last day.
    pub ends_on: Day,
    /// Which of [`WAYS`] are on.
    pub ways: [bool; 4],
    /// The prize.
    pub prize: Prize,
    /// How many win.
    pub winners: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    slug: String,
    starts_on: String,
    ends_on: String,
    by_purchase: bool,
    by_referral: bool,
    by_feedback: bool,
    by_page: bool,
    prize_points: Option<i64>,
    prize_reward: Option<i64>,
    winners: i64,
    seed: String,
    drawn_at: Option<String>,
    entrants_hash: Option<String>,
    entrants: Option<i64>,
    language: String,
    title: String,
    description: String,
    reward_name: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.slug, c.starts_on, c.ends_on, c.by_purchase, c.by_referral,
        c.by_feedback, c.by_page, c.prize_points, c.prize_reward, c.winners, c.seed, c.drawn_at,
        c.entrants_hash, c.entrants,
        coalesce(t.language, m.language) AS language, coalesce(t.title, m.title) AS title,
        coalesce(t.description, m.description) AS description,
        coalesce(rt.name, r.name) AS reward_name
    FROM contests c
    JOIN contest_texts m ON m.contest_id = c.id AND m.language = c.main_language
    LEFT JOIN contest_texts t ON t.contest_id = c.id AND t.language = $1
    LEFT JOIN rewards r ON r.id = c.prize_reward
    LEFT JOIN program_texts rt ON rt.kind = 'reward' AND rt.item_id = r.id AND rt.language = $1";

impl Row {
    fn ways(&self) -> [bool; 4] {
        [
            self.by_purchase,
            self.by_referral,
            self.by_feedback,
            self.by_page,
        ]
    }

    fn contest(self) -> Contest {
        let ways = WAYS
            .iter()
            .zip(self.ways())
            .filter(|(_, on)| *on)
            .map(|(w, _)| (*w).to_owned())
            .collect();
        let prize = match (self.prize_points, self.prize_reward) {
            (Some(points), _) => Prize::Points(points),
            (None, id) => {
                Prize::Reward(id.unwrap_or_default(), self.reward_name.unwrap_or_default())
            }
        };
        let drawn = match (self.drawn_at, self.entrants_hash) {
            (Some(at), Some(hash)) => Some(Drawn {
                at,
                seed: self.seed.clone(),
                entrants: self.entrants.unwrap_or_default(),
                entrants_hash: hash,
            }),
            _ => None,
        };
        Contest {
            id: self.id,
            slug: self.slug,
            title: self.title,
            description: self.description,
            language: self.language,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            ways,
            prize,
            winners: self.winners,
            seed_hash: draw::sha256(&self.seed),
            drawn,
        }
    }
}

/// Contest `id`'s row with its texts in `language` (or its main one).
async fn row_by_id(
    conn: &mut SqliteConnection,
    id: i64,
    language: &str,
) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE c.id = $2"))
        .bind(language)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The contest at `/contests/<slug>`, in `language` (or its main one).
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
    language: &str,
) -> Result<Option<Contest>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE c.slug = $2"))
        .bind(language)
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Row::contest))
}

/// Contest `id`, in `language` (or its main one).
pub async fn by_id(
    conn: &mut SqliteConnection,
    id: i64,
    language: &str,
) -> Result<Option<Contest>, sqlx::Error> {
    Ok(row_by_id(conn, id, language).await?.map(Row::contest))
}

/// Makes a contest with a fresh seed; a slug already taken gets `-2`, `-3`, … Its id.
pub async fn create(tx: &mut SqliteConnection, new: &New, now: Stamp) -> Result<i64, AppError> {
    let mut slug = new.slug.clone();
    let mut n = 1;
    while sqlx::query_scalar::<_, i64>("SELECT count(*) FROM contests WHERE slug = $1")
        .bind(&slug)
        .fetch_one(&mut *tx)
        .await?
        > 0
    {
        n += 1;
        slug = format!("{}-{n}", new.slug);
    }
    let (points, reward) = match &new.prize {
        Prize::Points(p) => (Some(*p), None),
        Prize::Reward(id, _) => (None, Some(*id)),
    };
    let [purchase, referral, feedback, page] = new.ways;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contests (slug, main_language, starts_on, ends_on, by_purchase, by_referral,
             by_feedback, by_page, prize_points, prize_reward, winners, seed, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&slug)
    .bind(&new.main_language)
    .bind(new.starts_on.to_string())
    .bind(new.ends_on.to_string())
    .bind(purchase)
    .bind(referral)
    .bind(feedback)
    .bind(page)
    .bind(points)
    .bind(reward)
    .bind(new.winners)
    .bind(draw::new_seed())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (language, title, description) in &new.texts {
        sqlx::query(
            "INSERT INTO contest_texts (contest_id, language, title, description)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(language)
        .bind(title)
        .bind(description)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// Everyone who entered contest `row` as it stands: `(member id, how)` by rising id, each
/// member once, by the first of [`WAYS`] that lets them in. Purchases count when made in the
/// period and not refunded in full; a referral when the member referred joined in it;
/// feedback when given in it signed in; page entries always (the page takes them only in the
/// period). Staff and closed or disabled accounts do not enter.
async fn entrants(
    conn: &mut SqliteConnection,
    row: &Row,
    zone: &jiff::tz::TimeZone,
) -> Result<Vec<(i64, &'static str)>, sqlx::Error> {
    let day = |s: &str| s.parse::<Day>().ok();
    let lo = day(&row.starts_on).and_then(|d| d.start_in(zone));
    let hi = day(&row.ends_on).and_then(|d| d.plus_days(1).start_in(zone));
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    let [purchase, referral, feedback, page] = row.ways();
    let found: Vec<(i64, i64)> = sqlx::query_as(
        "WITH e (user_id, way) AS (
             SELECT p.member_id, 0 FROM member_stats s
             JOIN purchases p ON p.member_id = s.member_id
             WHERE $4 AND s.last_purchase_at >= $2 AND p.created_at >= $2 AND p.created_at < $3
               AND p.refunded_minor < p.amount_minor
             UNION ALL
             SELECT u.referred_by, 1 FROM users u
             WHERE $5 AND u.referred_by IS NOT NULL AND u.created_at >= $2 AND u.created_at < $3
             UNION ALL
             SELECT f.member_id, 2 FROM feedback f
             WHERE $6 AND f.member_id IS NOT NULL AND f.created_at >= $2 AND f.created_at < $3
             UNION ALL
             SELECT ce.user_id, 3 FROM contest_entries ce WHERE $7 AND ce.contest_id = $1)
         SELECT e.user_id, min(e.way) FROM e JOIN users u ON u.id = e.user_id
         WHERE u.role = 'member' AND u.closed_at IS NULL AND u.disabled_at IS NULL
         GROUP BY e.user_id ORDER BY e.user_id",
    )
    .bind(row.id)
    .bind(lo)
    .bind(hi)
    .bind(purchase)
    .bind(referral)
    .bind(feedback)
    .bind(page)
    .fetch_all(conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|(id, way)| (id, WAYS[usize::try_from(way).unwrap_or(3).min(3)]))
        .collect())
}

/// Every contest, newest first, in `language`, with its entrants and winners.
pub async fn list(
    conn: &mut SqliteConnection,
    language: &str,
    now: Stamp,
) -> Result<Vec<Managed>, sqlx::Error> {
    let (today, zone) = shop_today(conn, now).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY c.starts_on DESC, c.id DESC"))
        .bind(language)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let entrants = match row.entrants {
            Some(n) => n,
            None => i64::try_from(entrants(conn, &row, &zone).await?.len()).unwrap_or(i64::MAX),
        };
        let winners: Vec<Winner> = sqlx::query_as(
            "SELECT d.place, d.user_id AS member_id, u.preferred_name AS name, d.how, d.score
             FROM contest_draws d JOIN users u ON u.id = d.user_id
             WHERE d.contest_id = $1 AND d.place IS NOT NULL ORDER BY d.place",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await?;
        let contest = row.contest();
        let stage = contest.stage(&today.to_string());
        out.push(Managed {
            contest,
            stage,
            entrants,
            winners,
        });
    }
    Ok(out)
}

/// Enters member `user_id` in the contest at `slug` on its page: only while it is open and
/// takes page entries. Entering twice changes nothing.
pub async fn enter(
    tx: &mut SqliteConnection,
    slug: &str,
    user_id: i64,
    now: Stamp,
) -> Result<(), AppError> {
    let contest = by_slug(tx, slug, "en").await?.ok_or(AppError::NotFound)?;
    let (today, _) = shop_today(tx, now).await?;
    if contest.stage(&today.to_string()) != Stage::Open || !contest.ways.iter().any(|w| w == "page")
    {
        return Err(AppError::field("contest", Msg::ContestClosed));
    }
    sqlx::query(
        "INSERT OR IGNORE INTO contest_entries (contest_id, user_id, entered_at) VALUES ($1, $2, $3)",
    )
    .bind(contest.id)
    .bind(user_id)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// Whether `user_id` entered contest `id` on its page, and their place if they won.
pub async fn standing(
    conn: &mut SqliteConnection,
    id: i64,
    user_id: i64,
) -> Result<(bool, Option<i64>), sqlx::Error> {
    let entered: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM contest_entries WHERE contest_id = $1 AND user_id = $2)",
    )
    .bind(id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let place: Option<i64> = sqlx::query_scalar(
        "SELECT place FROM contest_draws WHERE contest_id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .flatten();
    Ok((entered, place))
}

mod drawing;

pub use drawing::{check, draw};
