//! Ledger benchmark over HTTP: a real server on a temporary SQLite file, N concurrent clients
//! alternating earning (a purchase, points per the earning rules) and redeeming on a few members, each call with its own idempotency
//! key. For 1, 8, 32 and 64 clients it runs the unbatched writer (a commit per change), then
//! the group-commit writer, and last the group-commit writer without the analytics roll-ups'
//! triggers (what keeping them costs), and prints throughput, latency, commits per second and jobs per
//! commit, the ratio to the unbatched run of the same process, and one machine-readable line
//! per result. Run with `make bench`.
//!
//! Then member search at a big chain's size (`search.rs`).
//!
//! `BENCH_SECONDS` (default 5) sets each measurement's length; `REGULARS_SYNCHRONOUS` the
//! durability (default FULL); `BENCH_MEMBERS` (default 1,000,000) the members searched.

#[path = "ledger/pages.rs"]
mod pages;
#[path = "ledger/search.rs"]
mod search;

use app::db::Durability;
use server::{Application, Config, demo};
use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

struct Result {
    clients: usize,
    tx_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

/// Drops the roll-ups' triggers, or puts them back (`saved`: their SQL) and recomputes the
/// roll-ups from the ledger written without them.
async fn triggers(db: &app::db::Db, saved: &[String], on: bool) {
    let statements: Vec<String> = if on {
        saved.to_vec()
    } else {
        app::analytics::rollups::TRIGGERS
            .iter()
            .map(|t| format!("DROP TRIGGER {t}"))
            .collect()
    };
    db.write(move |tx| {
        Box::pin(async move {
            for statement in &statements {
                sqlx::query(statement).execute(&mut *tx).await?;
            }
            if on {
                app::analytics::rollups::rebuild(tx).await?;
            }
            Ok(())
        })
    })
    .await
    .expect("roll-up triggers");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn collect(
    tasks: Vec<tokio::task::JoinHandle<(Vec<f64>, usize)>>,
    clients: usize,
    secs: u64,
) -> Result {
    let started = Instant::now();
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (lat, e) = t.await.expect("client task");
        all.extend(lat);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64().max(secs as f64);
    all.sort_by(f64::total_cmp);
    Result {
        clients,
        tx_per_s: all.len() as f64 / elapsed,
        p50_ms: percentile(&all, 0.50),
        p99_ms: percentile(&all, 0.99),
        errors,
    }
}

/// A client (keeping cookies, up to 64 connections) signed in as demo account `email`.
async fn signed_in(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/accounts/sign_in"))
        .form(&[("email", email), ("password", demo::DEMO_PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert!(
        res.status().is_success(),
        "sign in as {email}: {}",
        res.status()
    );
    client
}

async fn run(
    base: &str,
    client: &reqwest::Client,
    members: &[i64],
    location: i64,
    clients: usize,
    secs: u64,
    round: usize,
) -> Result {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, base, members) = (client.clone(), base.to_owned(), members.to_vec());
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut i) = (Vec::new(), 0usize, 0usize);
            while Instant::now() < deadline {
                let member = members[(c + i / 2) % members.len()];
                // A 7 € purchase earns at least 7 points, then 7 are redeemed: balances stay
                // bounded and redemptions succeed.
                let key = format!("bench-{round}-{clients}-{c}-{i}");
                let (member_id, location_id) = (member.to_string(), location.to_string());
                let (endpoint, form) = if i % 2 == 0 {
                    (
                        "purchase",
                        vec![
                            ("member_id", member_id.as_str()),
                            ("amount", "7"),
                            ("currency", "EUR"),
                            ("confirm", "true"),
                            ("location_id", location_id.as_str()),
                            ("idempotency_key", key.as_str()),
                        ],
                    )
                } else {
                    (
                        "redeem",
                        vec![
                            ("member_id", member_id.as_str()),
                            ("points", "7"),
                            ("reason", ""),
                            ("idempotency_key", key.as_str()),
                        ],
                    )
                };
                let start = Instant::now();
                let ok = client
                    .post(format!("{base}/api/loyalty/{endpoint}"))
                    .form(&form)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                lat.push(start.elapsed().as_secs_f64() * 1000.0);
                if !ok {
                    errors += 1;
                }
                i += 1;
            }
            (lat, errors)
        }));
    }
    collect(tasks, clients, secs).await
}

/// The median time of writing 4 KiB and fsyncing it, in `dir` (the database's disk).
fn fsync_p50_ms(dir: &std::path::Path) -> f64 {
    use std::io::Write as _;
    let path = dir.join("fsync-probe");
    let Ok(mut file) = std::fs::File::create(&path) else {
        return f64::NAN;
    };
    let mut times: Vec<f64> = (0..50)
        .filter_map(|_| {
            let start = Instant::now();
            file.write_all(&[0u8; 4096]).ok()?;
            file.sync_all().ok()?;
            Some(start.elapsed().as_secs_f64() * 1000.0)
        })
        .collect();
    let _ = std::fs::remove_file(&path);
    times.sort_by(f64::total_cmp);
    percentile(&times, 0.5)
}

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let durability = std::env::var("REGULARS_SYNCHRONOUS")
        .ok()
        .and_then(|s| Durability::parse(&s))
        .unwrap_or(Durability::Full);
    // Cargo's scratch space for this target (emptied here, left for inspection after a run).
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ledger-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench directory");
    let mut config = Config::local(
        format!("sqlite://{}/bench.db", dir.display()),
        PathBuf::from("target/site"),
    );
    config.durability = durability;
    let db = server::open_database(&config).await.expect("db");
    demo::load_if_empty(&db, &app::accounts::Hasher::new(1))
        .await
        .expect("demo data");
    let members: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'member'")
        .fetch_all(&db.reader)
        .await
        .expect("members");
    let location: i64 = sqlx::query_scalar("SELECT min(id) FROM locations")
        .fetch_one(&db.reader)
        .await
        .expect("a location");
    db.close().await;

    let server = Application::build(&config).await.expect("server");
    let db = server.db();
    let base = format!("http://127.0.0.1:{}", server.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let client = signed_in(&base, "owner@example.com").await;
    // Pages first, on the demo shop as loaded: the ledger runs below give every member
    // thousands of purchases, which a member's page then sums.
    let mut lines = pages::ssr(&base, secs).await;

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let fsync = fsync_p50_ms(&dir);
    println!(
        "ledger benchmark: {secs} s per run, {cores} cores, synchronous={}, fsync p50 {fsync:.2} ms, earn/redeem over HTTP",
        durability.as_str()
    );
    println!(
        "{:>8} {:>9} {:>8} {:>8} {:>8} {:>7} {:>10} {:>9} {:>8} {:>7} {:>7} {:>10}",
        "clients",
        "writer",
        "tx/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "commits/s",
        "jobs/c",
        "p99 j/c",
        "busy %",
        "µs/job",
        "vs serial"
    );
    let saved: Vec<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each($1))",
    )
    .bind(serde_json::to_string(&app::analytics::rollups::TRIGGERS[..]).expect("names"))
    .fetch_all(&db.reader)
    .await
    .expect("roll-up triggers");
    assert_eq!(saved.len(), app::analytics::rollups::TRIGGERS.len());
    let mut round = 0;
    for clients in [1usize, 8, 32, 64] {
        let mut pair = Vec::new();
        // The unbatched writer (a commit per job) first, as the baseline of the same process;
        // then group commit without and with the writer's cache of the program.
        // Last, group commit without the roll-ups' triggers: what keeping them costs.
        let modes = [
            ("serial", 1, true),
            ("uncached", app::db::MAX_BATCH, false),
            ("grouped", app::db::MAX_BATCH, true),
            ("no-rollups", app::db::MAX_BATCH, true),
        ];
        for (mode, batch, cache) in modes {
            db.set_batch(batch);
            db.set_cache(cache);
            let rollups = mode != "no-rollups";
            if !rollups {
                triggers(&db, &saved, false).await;
            }
            let before = db.write_stats();
            let r = run(&base, &client, &members, location, clients, secs, round).await;
            round += 1;
            let stats = db.write_stats().since(&before);
            if !rollups {
                triggers(&db, &saved, true).await;
            }
            let elapsed = secs as f64;
            let commits = stats.commits() as f64;
            let per_commit = if commits > 0.0 {
                stats.jobs() as f64 / commits
            } else {
                0.0
            };
            // How much of the run the writer thread was working, and for how long per job.
            let busy_pct = stats.busy.as_secs_f64() / elapsed * 100.0;
            let us_per_job = stats.busy.as_secs_f64() * 1e6 / (stats.jobs().max(1) as f64);
            pair.push((
                mode,
                r,
                commits / elapsed,
                per_commit,
                stats.jobs_per_commit_quantile(0.99),
                busy_pct,
                us_per_job,
            ));
        }
        let serial = pair[0].1.tx_per_s.max(f64::MIN_POSITIVE);
        for (mode, r, commits_per_s, per_commit, p99_jobs, busy_pct, us_per_job) in pair {
            let ratio = r.tx_per_s / serial;
            println!(
                "{:>8} {:>9} {:>8.0} {:>8.2} {:>8.2} {:>7} {:>10.0} {:>9.2} {:>8} {:>7.0} {:>7.0} {:>9.2}x",
                r.clients,
                mode,
                r.tx_per_s,
                r.p50_ms,
                r.p99_ms,
                r.errors,
                commits_per_s,
                per_commit,
                p99_jobs,
                busy_pct,
                us_per_job,
                ratio
            );
            lines.push(format!(
                "bench ledger clients={} writer={mode} tx_per_s={:.0} p50_ms={:.2} p99_ms={:.2} errors={} durability={} fsync_p50_ms={fsync:.2} commits_per_s={commits_per_s:.0} jobs_per_commit={per_commit:.2} jobs_per_commit_p99={p99_jobs} writer_busy_pct={busy_pct:.0} us_per_job={us_per_job:.0} vs_serial={ratio:.2}",
                r.clients, r.tx_per_s, r.p50_ms, r.p99_ms, r.errors, durability.as_str()
            ));
        }
    }
    let _ = stop.send(());
    handle.await.expect("server task").expect("server stopped");
    lines.extend(search::run(&dir).await);
    for line in lines {
        println!("{line}");
    }
}
