//! Campaign benchmark (`make bench`): what sending costs on this machine.
//!
//! 1. Email: a campaign to `BENCH_EMAILS` (default 5,000) members, each message rendered from a
//!    ≈ 6 KB text, through the outbox to a real SMTP server on loopback, with 1, 4 and 8
//!    connections; messages per second from the send until the campaign is finished, and the
//!    ratio to one connection. Two servers: Debian's aiosmtpd (a Python process, discarding
//!    what it accepts) and mailin (Rust, in this process, counting what it accepts).
//! 2. Queueing: the time `campaigns/send` takes to write one outbox row per member of a
//!    `BENCH_QUEUE` (default 100,000) member segment (no SMTP configured, nothing leaves).
//! 3. Segments: counts over HTTP on `BENCH_SEGMENT_MEMBERS` (default 1,000,000) made-up members
//!    with `BENCH_SEGMENT_PURCHASES` (default 20,000,000) purchases lived through over three
//!    years (`server seed`), rule by rule, p50/p95 of `BENCH_ROUNDS` (default 20) counts each;
//!    then each analytics page and the console home the same way. The seeded shop is kept in
//!    `target/tmp/campaigns-bench` and used again by later runs (`BENCH_FRESH=1` seeds anew).
//!
//! `BENCH_ONLY=segments` (or `email`, `queue`, comma-separated) runs only those parts.
//!
//! Each result is also one machine-readable line (`bench email …`, `bench queue …`,
//! `bench segment …`, `bench analytics page=… …`).

#[path = "campaigns/email.rs"]
mod email;
#[path = "campaigns/segments.rs"]
mod segments;

use server::{Application, Config, demo};
use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Instant,
};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn signed_in(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
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
    assert!(res.status().is_success(), "sign in: {}", res.status());
    client
}

async fn call(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    let res = client
        .post(format!("{base}/api/{endpoint}"))
        .form(form)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let body: serde_json::Value = res.json().await.expect("json");
    assert!(status.is_success(), "{endpoint}: {status} {body}");
    body
}

/// Months of made-up history.
const MONTHS: u64 = 36;

/// A database with the demo shop and `members` made-up members who take offers by email.
async fn shop(dir: &Path, name: &str, members: u64, purchases: u64) -> Config {
    let config = Config::local(
        format!("sqlite://{}/{name}.db", dir.display()),
        PathBuf::from("target/site"),
    );
    let db = server::open_database(&config).await.expect("db");
    let checkpoints = server::seed::checkpointer(&config)
        .await
        .expect("checkpoints");
    demo::load_parts_if_empty(
        &db,
        &app::accounts::Hasher::new(1),
        demo::Parts::FOR_SEEDING,
    )
    .await
    .expect("shop");
    server::seed::members(&db, members, MONTHS, 1)
        .await
        .expect("members");
    server::seed::history(&db, purchases, MONTHS, 1)
        .await
        .expect("purchases");
    db.write(|tx| {
        Box::pin(async move {
            // Every other one takes email offers and confirmed; a twelfth were born in each month.
            sqlx::query(
                "UPDATE users SET email_marketing = (id % 2 = 0), email_confirmed_at = created_at,
                     birthday = printf('19%02d-%02d-15', 50 + id % 50, 1 + id % 12)
                 WHERE role = 'member'",
            )
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    })
    .await
    .expect("consents");
    checkpoints.abort();
    db.close().await;
    config
}

async fn serve(
    config: &Config,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let server = Application::build(config).await.expect("server");
    let base = format!("http://127.0.0.1:{}", server.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    (base, stop, handle)
}

/// A draft campaign with a ≈ 6 KB English message to a segment of everyone who takes email;
/// its id.
async fn campaign(client: &reqwest::Client, base: &str) -> String {
    let segment = call(
        client,
        base,
        "campaigns/segment_save",
        &[
            ("intent", "save"),
            ("name", "Email"),
            ("match_all", "all"),
            ("consent", "email"),
        ],
    )
    .await["id"]
        .as_i64()
        .expect("segment")
        .to_string();
    let segment = segment.as_str();
    let id = call(
        client,
        base,
        "campaigns/create",
        &[("name", "Bench"), ("segment_id", segment)],
    )
    .await;
    let id = id.as_i64().expect("id").to_string();
    // Everyone in the segment is sent it: no control group, so the figures measure sending.
    call(
        client,
        base,
        "campaigns/update",
        &[
            ("id", &id),
            ("name", "Bench"),
            ("segment_id", segment),
            ("holdout_pct", "0"),
        ],
    )
    .await;
    let paragraph = "Dear {{ preferred_name }}, this week every coffee and every pastry earns double points, and members in {{ tier }} get a third cup free. ";
    let body = format!(
        "{}\n\nYou have {{{{ points }}}} points.",
        paragraph.repeat(45)
    );
    call(
        client,
        base,
        "campaigns/message",
        &[
            ("id", &id),
            ("language", "en"),
            ("subject", "{{ preferred_name }}, double points this week"),
            ("preheader", "Every coffee counts twice"),
            ("body", &body),
        ],
    )
    .await;
    id
}

async fn queue(dir: &Path) -> Vec<String> {
    let n = env_number("BENCH_QUEUE", 100_000);
    let config = shop(dir, "queue", n * 2, 0).await;
    let (base, stop, handle) = serve(&config).await;
    let client = signed_in(&base).await;
    let id = campaign(&client, &base).await;
    let started = Instant::now();
    let sent = call(&client, &base, "campaigns/send", &[("id", &id)]).await;
    let secs = started.elapsed().as_secs_f64();
    let queued = sent["progress"]["queued"].as_i64().unwrap_or(0);
    println!("\nqueue: {queued} outbox rows written in {secs:.2} s (one transaction)");
    let _ = stop.send(());
    let _ = handle.await;
    vec![format!("bench queue recipients={queued} seconds={secs:.2}")]
}

#[tokio::main]
async fn main() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("campaigns-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    // Every database but the big segment shop starts afresh.
    for entry in std::fs::read_dir(&dir).expect("bench directory").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !file.starts_with("segments-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    // `BENCH_ONLY=email,queue,segments` picks parts (default: all).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    let mut lines = Vec::new();
    if run("email") {
        lines.extend(email::run(&dir).await);
    }
    if run("queue") {
        lines.extend(queue(&dir).await);
    }
    if run("segments") {
        lines.extend(segments::run(&dir).await);
    }
    for line in lines {
        println!("{line}");
    }
}
