//! Segment counts at a big shop's size: `BENCH_SEGMENT_MEMBERS` made-up members with
//! `BENCH_SEGMENT_PURCHASES` purchases, each rule counted `BENCH_ROUNDS` times over HTTP the way
//! the segment editor asks (see the benchmark's own header).

use server::Config;
use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use super::{call, env_number, percentile, serve, shop, signed_in};

/// Stands for the shop's first location's id in [`RULES`].
const FIRST_LOCATION: &str = "first location";

/// Rules to count: typed columns first, then ones reading the purchase ledger and roll-ups.
const RULES: [(&str, &[(&str, &str)]); 9] = [
    ("language", &[("language", "sv")]),
    ("birthday_month", &[("birthday_month", "12")]),
    ("consent_email", &[("consent", "email")]),
    (
        "language_and_consent",
        &[("language", "lv"), ("consent", "email")],
    ),
    ("balance_from", &[("balance_min", "1")]),
    ("inactive_30_days", &[("inactive_days", "30")]),
    (
        "purchases_3_in_90_days",
        &[("purchases_min", "3"), ("purchases_days", "90")],
    ),
    (
        "spend_100_in_30_days",
        &[("spend_min", "100"), ("spend_days", "30")],
    ),
    ("bought_at_location", &[("location", FIRST_LOCATION)]),
];

pub async fn run(dir: &Path) -> Vec<String> {
    let members = env_number("BENCH_SEGMENT_MEMBERS", 1_000_000);
    let purchases = env_number("BENCH_SEGMENT_PURCHASES", 20_000_000);
    let rounds = env_number("BENCH_ROUNDS", 20);
    let started = Instant::now();
    // Seeding takes minutes: a shop of this size seeded by an earlier run is used again
    // (migrated to this build on opening; `BENCH_FRESH=1` seeds anew).
    let name = format!("segments-{members}-{purchases}");
    let done = dir.join(format!("{name}.seeded"));
    let fresh = std::env::var("BENCH_FRESH").is_ok_and(|v| v == "1");
    let config = if done.exists() && !fresh {
        Config::local(
            format!("sqlite://{}/{name}.db", dir.display()),
            PathBuf::from("target/site"),
        )
    } else {
        for ext in ["db", "db-wal", "db-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("{name}.{ext}")));
        }
        let config = shop(dir, &name, members, purchases).await;
        std::fs::write(&done, b"").expect("marker");
        config
    };
    let seeded = started.elapsed().as_secs_f64();
    let (base, stop, handle) = serve(&config).await;
    let client = signed_in(&base).await;
    println!(
        "\nsegments: {members} members, {purchases} purchases (seeded or reopened in {seeded:.0} s), {rounds} counts per rule over HTTP"
    );
    println!(
        "{:>24} {:>9} {:>9} {:>9}",
        "rule", "members", "p50 ms", "p95 ms"
    );
    let mut lines = Vec::new();
    let pool = sqlx::SqlitePool::connect(&config.database_url)
        .await
        .expect("database");
    let location: i64 = sqlx::query_scalar("SELECT min(id) FROM locations")
        .fetch_one(&pool)
        .await
        .expect("a location");
    pool.close().await;
    let location = location.to_string();
    for (name, fields) in RULES {
        let mut form = vec![("intent", "count"), ("match_all", "all")];
        form.extend(fields.iter().map(|&(k, v)| {
            (
                k,
                if v == FIRST_LOCATION {
                    location.as_str()
                } else {
                    v
                },
            )
        }));
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let r = call(&client, &base, "campaigns/segment_save", &form).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            count = r["preview"]["count"].as_i64().unwrap_or(0);
        }
        times.sort_by(f64::total_cmp);
        let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
        println!("{name:>24} {count:>9} {p50:>9.0} {p95:>9.0}");
        lines.push(format!(
            "bench segment members={members} purchases={purchases} rule={name} matched={count} p50_ms={p50:.0} p95_ms={p95:.0}"
        ));
    }
    // The analytics pages read roll-ups: what they cost at this size. The cohort page reads
    // the cohort tables (the made-up members joined over three years: 12 cohorts in its
    // default range); the glance page a row a month and two ranges of the index on each
    // member's last purchase; the RFM page every (last purchase day, purchases) cell, four
    // look-ups by rank and the at-risk members who spent most (its rows: the seven groups);
    // the points page a row per month and kind, a range of expiry days, a row per month and
    // reward; the program page members per tier by an index, a row per month and tier move,
    // per month of discounts and per day and combination of perks held; the service page a year of day rows by score group and case
    // state (its rows: the four score groups); the console home a week of day rows and the
    // open cases.
    // The glance page for one location reads that location's month rows and two ranges of
    // the index on each member's last purchase there; the cohort page for one location its
    // cohort tables; the RFM page for one location its cells of `location_recency_frequency`,
    // four look-ups by rank in its range of the spend index and its group's biggest spenders;
    // the points page that location's month rows and the codes used there; the program page
    // its discount months and perk-return days (tiers are the whole shop's); the service page
    // and the console home their rows for that location.
    let at_first = [("location", location.as_str())];
    for (page, endpoint, rows_of, form) in [
        ("cohorts", "analytics/cohorts", "rows", &[][..]),
        ("cohorts_location", "analytics/cohorts", "rows", &at_first),
        ("glance", "analytics/glance", "months", &[]),
        ("glance_location", "analytics/glance", "months", &at_first),
        ("rfm", "analytics/rfm", "groups", &[]),
        ("rfm_location", "analytics/rfm", "groups", &at_first),
        ("points", "analytics/points", "months", &[]),
        ("points_location", "analytics/points", "months", &at_first),
        ("program", "analytics/program", "months", &[]),
        ("program_location", "analytics/program", "months", &at_first),
        ("service", "analytics/service", "groups", &[]),
        ("service_location", "analytics/service", "groups", &at_first),
        ("console_home", "console/today", "day", &[]),
        ("console_home_location", "console/today", "day", &at_first),
    ] {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let r = call(&client, &base, endpoint, form).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = r[rows_of].as_array().map_or(1, Vec::len);
        }
        times.sort_by(f64::total_cmp);
        let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
        println!(
            "{:>24} {rows:>9} {p50:>9.0} {p95:>9.0}",
            format!("analytics: {page}")
        );
        lines.push(format!(
            "bench analytics page={page} members={members} purchases={purchases} rows={rows} p50_ms={p50:.0} p95_ms={p95:.0}"
        ));
    }
    let _ = stop.send(());
    let _ = handle.await;
    lines
}
