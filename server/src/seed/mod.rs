//! `server seed --members N`: many made-up members, the same ones for the same seed, for
//! measuring search and lists at a big chain's size. They cannot sign in (their password hash
//! is not a hash: nothing matches it), have no consent to marketing and a balance at zero, like
//! members who joined at the counter and never set a password.

mod habits;
mod history;
mod rows;
mod write;

use sqlx::ConnectOptions;

use app::{
    db::{Db, Stamp},
    error::AppError,
};

/// Checkpoints the WAL every half second until the returned task is aborted. The writer never
/// checkpoints (the server does, in the background, once it runs), so a seeder writing millions
/// of rows must, or the WAL grows by gigabytes.
pub async fn checkpointer(
    config: &crate::Config,
) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        // A checkpoint behind a big write job takes seconds: not worth a warning each.
        .connect_with(
            app::db::connect_options(&config.database_url, config.durability)?
                .disable_statement_logging(),
        )
        .await?;
    Ok(crate::background::checkpointer(pool, "TRUNCATE"))
}

/// Stored instead of a password hash: not a PHC string, so no password matches it.
const NO_PASSWORD: &str = "!";

/// First names (shown) and their ASCII form (for the email), from the five languages' shops.
const FIRST: [(&str, &str); 24] = [
    ("Anna", "anna"),
    ("Erik", "erik"),
    ("Maja", "maja"),
    ("Lars", "lars"),
    ("Ingrid", "ingrid"),
    ("Ola", "ola"),
    ("Kari", "kari"),
    ("Sindre", "sindre"),
    ("Līga", "liga"),
    ("Jānis", "janis"),
    ("Ilze", "ilze"),
    ("Mārtiņš", "martins"),
    ("João", "joao"),
    ("Ana", "ana"),
    ("Lucas", "lucas"),
    ("Beatriz", "beatriz"),
    ("Sam", "sam"),
    ("Olivia", "olivia"),
    ("Noah", "noah"),
    ("Emma", "emma"),
    ("Björn", "bjorn"),
    ("Åsa", "asa"),
    ("Søren", "soren"),
    ("Zoë", "zoe"),
];

/// Family names and their ASCII form.
const LAST: [(&str, &str); 20] = [
    ("Andersson", "andersson"),
    ("Johansson", "johansson"),
    ("Nilsson", "nilsson"),
    ("Hansen", "hansen"),
    ("Johansen", "johansen"),
    ("Olsen", "olsen"),
    ("Bērziņš", "berzins"),
    ("Kalniņa", "kalnina"),
    ("Ozola", "ozola"),
    ("Silva", "silva"),
    ("Santos", "santos"),
    ("Oliveira", "oliveira"),
    ("Souza", "souza"),
    ("Smith", "smith"),
    ("Jones", "jones"),
    ("Brown", "brown"),
    ("Lindqvist", "lindqvist"),
    ("Håkansson", "hakansson"),
    ("Strøm", "strom"),
    ("Pereira", "pereira"),
];

const LANGUAGES: [&str; 5] = ["en", "sv", "nb", "lv", "pt"];

/// Rows per statement and statements per write job.
const ROWS: u64 = 1_000;
const PER_JOB: u64 = 20;

/// A small deterministic generator (SplitMix64): the same seed gives the same members.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        let i = usize::try_from(self.next() % from.len() as u64).unwrap_or(0);
        from[i]
    }
}

/// One made-up member: name, email, language, referral code, join time.
struct Made {
    name: String,
    email: String,
    language: &'static str,
    referral: String,
    joined: Stamp,
}

fn make(mix: &mut Mix, n: u64, seed: u64, now: Stamp, span: u64) -> Made {
    let (first, first_ascii) = mix.pick(&FIRST);
    let (last, last_ascii) = mix.pick(&LAST);
    // Spread over the shop's history.
    let back = i64::try_from(mix.next() % span.max(1)).unwrap_or(0);
    Made {
        name: format!("{first} {last}"),
        email: format!("{first_ascii}.{last_ascii}.{seed}.{n}@example.net"),
        language: mix.pick(&LANGUAGES),
        // Never a real code's form (those are hex only): no clash with codes made at sign-up.
        referral: format!("S{seed:X}N{n:X}"),
        joined: now - app::db::seconds(back),
    }
}

/// Adds `count` members made from `seed`, numbered on from the accounts already there (so
/// running it again adds more, never the same email twice). Returns how many it added.
pub async fn members(db: &Db, count: u64, months: u64, seed: u64) -> Result<u64, AppError> {
    let now = Stamp::now();
    let span =
        u64::try_from(now.unix() - now.plus_months(-i64::try_from(months).unwrap_or(36)).unix())
            .unwrap_or(0);
    let mut mix = Mix(seed);
    let start: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&db.reader)
        .await?;
    let start = u64::try_from(start).unwrap_or(0);
    let mut done = 0;
    while done < count {
        let take = (count - done).min(ROWS * PER_JOB);
        let mut batch = Vec::with_capacity(usize::try_from(take).unwrap_or(0));
        for i in 0..take {
            batch.push(make(&mut mix, start + done + i, seed, now, span));
        }
        db.write(move |tx| {
            Box::pin(async move {
                let before: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM users")
                    .fetch_one(&mut *tx)
                    .await?;
                for rows in batch.chunks(usize::try_from(ROWS).unwrap_or(1_000)) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO users (email, password_hash, role, preferred_name, language,
                            email_marketing, sms_marketing, referral_code, created_at, updated_at) ",
                    );
                    q.push_values(rows, |mut b, m| {
                        b.push_bind(&m.email)
                            .push_bind(NO_PASSWORD)
                            .push_bind("member")
                            .push_bind(&m.name)
                            .push_bind(m.language)
                            .push_bind(false)
                            .push_bind(false)
                            .push_bind(&m.referral)
                            .push_bind(m.joined)
                            .push_bind(m.joined);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                sqlx::query(
                    "INSERT INTO member_balances (member_id, balance, updated_at)
                     SELECT id, 0, created_at FROM users WHERE id > $1",
                )
                .bind(before)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO member_search (rowid, name, email)
                     SELECT id, preferred_name, email FROM users WHERE id > $1",
                )
                .bind(before)
                .execute(&mut *tx)
                .await?;
                Ok(())
            })
        })
        .await?;
        done += take;
    }
    Ok(done)
}

/// Purchases per write job (with their points, codes, feedback and cases).
const PURCHASES_PER_JOB: usize = 50_000;

/// What the seeder needs of the shop as it is.
async fn shop(db: &Db) -> Result<history::Shop, sqlx::Error> {
    let mut conn = db.reader.acquire().await?;
    let settings = app::loyalty::db::program::settings(&mut conn).await?;
    let tiers = app::loyalty::db::program::tiers(&mut conn).await?;
    let locations = app::loyalty::db::program::locations(&mut conn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let rewards = sqlx::query_as(
        "SELECT id, cost, valid_days, name FROM rewards
         WHERE active = 1 AND stock IS NULL AND min_tier_id IS NULL ORDER BY cost",
    )
    .fetch_all(&mut *conn)
    .await?;
    let form = sqlx::query_as(
        "SELECT f.id, s.nps_max FROM feedback_forms f, feedback_settings s
         WHERE f.active = 1 ORDER BY f.id LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let sla_hours = sqlx::query_scalar("SELECT sla_hours FROM feedback_settings")
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or(48);
    let perks = app::perks::engine::settings(&mut conn).await?;
    let discount = perks.return_percent.map(|percent| history::Discount {
        percent,
        min_purchase: perks.return_min_purchase,
        days: perks.return_days,
        min_next: perks.return_min_next,
    });
    Ok(history::Shop {
        settings,
        discount,
        tiers,
        locations,
        rewards,
        form,
        sla_hours,
    })
}

/// The next free id of each table the histories write.
async fn next_ids(db: &Db) -> Result<rows::Ids, sqlx::Error> {
    let (purchase, movement, code, feedback, case, coupon): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT (SELECT coalesce(max(id), 0) + 1 FROM purchases),
                    (SELECT coalesce(max(id), 0) + 1 FROM point_movements),
                    (SELECT coalesce(max(id), 0) + 1 FROM reward_codes),
                    (SELECT coalesce(max(id), 0) + 1 FROM feedback),
                    (SELECT coalesce(max(id), 0) + 1 FROM cases),
                    (SELECT coalesce(max(id), 0) + 1 FROM coupons)",
        )
        .fetch_one(&db.reader)
        .await?;
    Ok(rows::Ids {
        purchase,
        movement,
        code,
        feedback,
        case,
        coupon,
    })
}

/// Gives the made-up members who have no purchases yet `count` purchases between them over
/// the last `months` months, each member's history lived through by the program's rules (see
/// [`history`]): the same members, shop and seed give the same rows. Returns how many
/// purchases it added.
pub async fn history(db: &Db, count: u64, months: u64, seed: u64) -> Result<u64, String> {
    let fail = |e: sqlx::Error| e.to_string();
    let shop = shop(db).await.map_err(fail)?;
    if shop.locations.is_empty() && count > 0 {
        return Err(
            "the shop has no location to buy at: run `server serve --demo` once or add one".into(),
        );
    }
    let now = Stamp::now().unix();
    let months = i64::try_from(months.max(1)).unwrap_or(36);
    let span = history::Span {
        from: Stamp::from_unix(now).plus_months(-months).unix(),
        now,
    };
    let members: Vec<(i64, Stamp, String)> = sqlx::query_as(
        "SELECT id, created_at, language FROM users u
         WHERE password_hash = $1
           AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = u.id)
         ORDER BY id",
    )
    .bind(NO_PASSWORD)
    .fetch_all(&db.reader)
    .await
    .map_err(fail)?;
    let members: Vec<history::Member> = members
        .into_iter()
        .map(|(id, joined, language)| history::Member {
            id,
            joined: joined.unix(),
            language,
        })
        .collect();
    let counts = shares(
        count,
        &members
            .iter()
            .map(|m| habits::weight(seed, m, span))
            .collect::<Vec<_>>(),
    );
    let mut ids = next_ids(db).await.map_err(fail)?;
    let currency = shop.settings.currency.code();
    let mut rows = rows::Rows::default();
    let mut added = 0;
    for (i, (member, n)) in members.iter().zip(counts).enumerate() {
        history::live(&shop, span, seed, member, n, &mut ids, &mut rows);
        if rows.purchases.len() >= PURCHASES_PER_JOB || i + 1 == members.len() {
            let batch = std::mem::take(&mut rows);
            added += batch.purchases.len() as u64;
            db.write(move |tx| {
                Box::pin(async move { Ok(write::rows(tx, &batch, currency, seed).await?) })
            })
            .await
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(added)
}

/// Splits `total` into whole parts proportional to `weights` (rounding the running sum, so
/// the parts add up to `total` exactly; no weight at all: nothing).
fn shares(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let mut running = 0.0;
    let mut given = 0;
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            running += w;
            let upto = if i + 1 == weights.len() {
                total
            } else {
                ((running / sum) * total as f64).floor() as u64
            };
            let part = upto.saturating_sub(given);
            given += part;
            part
        })
        .collect()
}
