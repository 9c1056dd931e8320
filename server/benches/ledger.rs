//! Ledger benchmark over HTTP: a real server on a temporary SQLite file, N concurrent clients
//! alternating earning (a purchase, points per the earning rules) and redeeming on a few members, each call with its own idempotency
//! key. Prints throughput and latency per client count, the ratio to the one-client baseline of
//! the same run, and one machine-readable line per result. Run with `make bench`.
//!
//! `BENCH_SECONDS` (default 5) sets each measurement's length; `REGULARS_SYNCHRONOUS` the
//! durability (default FULL).

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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
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
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::local(
        format!("sqlite://{}/bench.db", dir.path().display()),
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
    let base = format!("http://127.0.0.1:{}", server.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/accounts/sign_in"))
        .form(&[
            ("email", "owner@example.com"),
            ("password", demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert!(
        res.status().is_success(),
        "sign in failed: {}",
        res.status()
    );

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "ledger benchmark: {secs} s per run, {cores} cores, synchronous={}, earn/redeem over HTTP",
        durability.as_str()
    );
    println!(
        "{:>8} {:>10} {:>9} {:>9} {:>7} {:>12}",
        "clients", "tx/s", "p50 ms", "p99 ms", "errors", "vs 1 client"
    );
    let mut results = Vec::new();
    for (round, clients) in [1usize, 8, 32].into_iter().enumerate() {
        results.push(run(&base, &client, &members, location, clients, secs, round).await);
    }
    let baseline = results
        .first()
        .map_or(1.0, |r| r.tx_per_s.max(f64::MIN_POSITIVE));
    for r in &results {
        println!(
            "{:>8} {:>10.0} {:>9.2} {:>9.2} {:>7} {:>11.2}x",
            r.clients,
            r.tx_per_s,
            r.p50_ms,
            r.p99_ms,
            r.errors,
            r.tx_per_s / baseline
        );
    }
    for r in &results {
        println!(
            "bench ledger clients={} tx_per_s={:.0} p50_ms={:.2} p99_ms={:.2} errors={} durability={}",
            r.clients,
            r.tx_per_s,
            r.p50_ms,
            r.p99_ms,
            r.errors,
            durability.as_str()
        );
    }
    let _ = stop.send(());
    handle.await.expect("server task").expect("server stopped");
}
