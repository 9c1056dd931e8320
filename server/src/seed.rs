//! `server seed --members N`: many made-up members, the same ones for the same seed, for
//! measuring search and lists at a big chain's size. They cannot sign in (their password hash
//! is not a hash: nothing matches it), have no consent to marketing and a balance at zero, like
//! members who joined at the counter and never set a password.

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
        .connect_with(app::db::connect_options(
            &config.database_url,
            config.durability,
        )?)
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

fn make(mix: &mut Mix, n: u64, seed: u64, now: Stamp) -> Made {
    let (first, first_ascii) = mix.pick(&FIRST);
    let (last, last_ascii) = mix.pick(&LAST);
    // Spread over the last three years.
    let back = i64::try_from(mix.next() % (3 * 365 * 86_400)).unwrap_or(0);
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
pub async fn members(db: &Db, count: u64, seed: u64) -> Result<u64, AppError> {
    let now = Stamp::now();
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
            batch.push(make(&mut mix, start + done + i, seed, now));
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

/// Purchases per write job.
const PURCHASES_PER_JOB: u64 = 100_000;

/// Adds `count` purchases spread over the made-up members (those `members` added) and over
/// the last `months` months, made from `seed` by arithmetic in SQL (the same arguments give the
/// same rows), at the shop's first location. They leave points and balances as they are: they
/// stand in for history when measuring what reads the purchase table (segments, analytics).
/// Returns how many it added.
pub async fn purchases(db: &Db, count: u64, months: u64, seed: u64) -> Result<u64, AppError> {
    let now = Stamp::now();
    let span = i64::try_from(months.max(1) * 30 * 86_400).unwrap_or(i64::MAX);
    let seed = i64::try_from(seed % 1_000_003).unwrap_or(1);
    let mut done = 0;
    while done < count {
        let take = i64::try_from((count - done).min(PURCHASES_PER_JOB)).unwrap_or(0);
        let offset = i64::try_from(done).unwrap_or(0);
        let end = now.unix();
        db.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2),
                     made AS (SELECT min(id) AS lo, max(id) - min(id) + 1 AS width FROM users
                              WHERE password_hash = $3),
                     loc AS (SELECT min(id) AS id FROM locations)
                     INSERT INTO purchases (member_id, amount_minor, currency, location_id,
                         full_price, points, created_at)
                     SELECT made.lo + ((i * 2654435761 + $4) % made.width),
                            500 + ((i * 40503 + $4) % 9500), 'EUR', loc.id, 1, 0,
                            strftime('%Y-%m-%dT%H:%M:%SZ', $5 - ((i * 97 + $4 * 7) % $6), 'unixepoch')
                     FROM n, made, loc WHERE made.width > 0",
                )
                .bind(offset)
                .bind(offset + take - 1)
                .bind(NO_PASSWORD)
                .bind(seed)
                .bind(end)
                .bind(span)
                .execute(&mut *tx)
                .await?;
                Ok(())
            })
        })
        .await?;
        done += u64::try_from(take).unwrap_or(0);
    }
    Ok(done)
}
