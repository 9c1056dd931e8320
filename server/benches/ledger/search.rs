//! Finding members at a big chain's size: `BENCH_MEMBERS` (default 1,000,000) made-up members
//! on a database of their own, one in a hundred tagged, and staff searching over HTTP the way
//! the console does — parts of names and emails, a tag, the first page and a deep one.

use server::{Application, Config, demo};
use std::{path::Path, time::Instant};

use super::{percentile, signed_in};

/// What staff type, by kind: each is asked `ROUNDS` times in turn.
const QUERIES: [(&str, &[(&str, &str)]); 7] = [
    ("first_page", &[]),
    ("name_part", &[("query", "ndersso")]),
    ("full_name", &[("query", "Līga Bērziņš")]),
    ("email_part", &[("query", "joao.silva")]),
    ("name_start", &[("query", "Ma")]),
    ("tag", &[("tag", "vip")]),
    ("tag_and_name", &[("tag", "vip"), ("query", "anna")]),
];
const ROUNDS: usize = 30;

pub async fn run(dir: &Path) -> Vec<String> {
    let members: u64 = std::env::var("BENCH_MEMBERS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let config = Config::local(
        format!("sqlite://{}/search.db", dir.display()),
        std::path::PathBuf::from("target/site"),
    );
    let db = server::open_database(&config).await.expect("db");
    let hasher = app::accounts::Hasher::new(1);
    demo::load_parts_if_empty(&db, &hasher, demo::Parts::SHOP_ONLY)
        .await
        .expect("shop");
    let started = Instant::now();
    server::seed::members(&db, members, 36, 1)
        .await
        .expect("seed");
    let seeded = started.elapsed().as_secs_f64();
    // One member in a hundred is a VIP.
    db.write(|tx| {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO member_tags (member_id, tag, created_at)
                 SELECT id, 'vip', created_at FROM users WHERE role = 'member' AND id % 100 = 0",
            )
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    })
    .await
    .expect("tags");
    db.close().await;

    let server = Application::build(&config).await.expect("server");
    let base = format!("http://127.0.0.1:{}", server.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let staff = signed_in(&base, "staff@example.com").await;
    let url = format!("{base}/api/members/list");
    // The page after 1,000 pages, reached by id as the list's "more" link does.
    let deep: i64 = members as i64 / 2;
    let deep = deep.to_string();
    println!();
    println!(
        "member search: {members} members (seeded in {seeded:.1} s), one staff member, {ROUNDS} rounds, over HTTP"
    );
    println!(
        "{:>14} {:>8} {:>8} {:>8} {:>8}",
        "query", "found", "p50 ms", "p95 ms", "max ms"
    );
    let mut all = Vec::new();
    let mut lines = Vec::new();
    let deep_form = [("before", deep.as_str())];
    let kinds = QUERIES
        .iter()
        .map(|(k, f)| (*k, *f))
        .chain(std::iter::once(("deep_page", &deep_form[..])));
    for (kind, form) in kinds {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut found = 0;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let res = staff.post(&url).form(form).send().await.expect("search");
            assert!(res.status().is_success(), "{kind}: {}", res.status());
            let body: serde_json::Value = res.json().await.expect("json");
            times.push(t.elapsed().as_secs_f64() * 1e3);
            found = body["members"].as_array().map_or(0, Vec::len);
        }
        times.sort_by(f64::total_cmp);
        let (p50, p95, max) = (
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times[times.len() - 1],
        );
        println!("{kind:>14} {found:>8} {p50:>8.2} {p95:>8.2} {max:>8.2}");
        lines.push(format!(
            "bench search members={members} query={kind} found={found} p50_ms={p50:.2} p95_ms={p95:.2} max_ms={max:.2}"
        ));
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    let p95 = percentile(&all, 0.95);
    println!(
        "{:>14} {:>8} {:>8.2} {:>8.2} {:>8.2}",
        "all",
        "",
        percentile(&all, 0.5),
        p95,
        all[all.len() - 1]
    );
    lines.push(format!(
        "bench search members={members} p95_ms={p95:.2} seed_s={seeded:.1}"
    ));
    let _ = stop.send(());
    handle.await.expect("server task").expect("server stopped");
    lines
}
