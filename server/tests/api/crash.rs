//! Crash safety: the real server binary under load is killed with SIGKILL and restarted several
//! times; every movement it acknowledged is in the database afterwards and the ledger's
//! invariants hold. Requests cut off by a kill are retried with the same idempotency key until
//! answered, as a careful client would.

use crate::helpers::{TempDir, client};
use serde_json::Value;
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

pub(crate) struct Server {
    pub(crate) child: Child,
}

pub(crate) fn start(db_url: &str, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["serve", "--demo"])
        .env("REGULARS_DATABASE_URL", db_url)
        .env("REGULARS_ADDR", format!("127.0.0.1:{port}"))
        .env("REGULARS_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("REGULARS_SYNCHRONOUS", "FULL")
        .env("LEPTOS_SITE_ROOT", "../target/site")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    Server { child }
}

/// Signs `c` in as the demo owner on the server at `base`.
pub(crate) async fn sign_in_owner(c: &reqwest::Client, base: &str) {
    let res = c
        .post(format!("{base}/api/accounts/sign_in"))
        .form(&[
            ("email", "owner@example.com"),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200);
}

pub(crate) async fn healthy(c: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(r) = c.get(format!("{base}/health")).send().await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not come up");
}

/// The real server on a free port with the demo shop in `db_url`: the server, its port and
/// address, a client signed in as the owner, and the demo members' ids.
pub(crate) async fn demo_server(db_url: &str) -> (Server, u16, String, reqwest::Client, Vec<i64>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let base = format!("http://127.0.0.1:{port}");
    let server = start(db_url, port);
    let (c, _jar) = client();
    healthy(&c, &base).await;
    sign_in_owner(&c, &base).await;
    let pool = sqlx::SqlitePool::connect(db_url).await.expect("db");
    let members = sqlx::query_scalar("SELECT id FROM users WHERE role = 'member'")
        .fetch_all(&pool)
        .await
        .expect("members");
    pool.close().await;
    (server, port, base, c, members)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_movements_survive_sigkill_restarts() {
    let dir = TempDir::new();
    let db_url = format!("sqlite://{}/crash.db", dir.path().display());
    let (mut server, port, base, c, members) = demo_server(&db_url).await;

    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..6u64 {
        let (c, base, stop, members) = (c.clone(), base.clone(), stop.clone(), members.clone());
        workers.push(tokio::spawn(async move {
            // key → acknowledged movement
            let mut acked: HashMap<String, Value> = HashMap::new();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let member = members[((w + n) % members.len() as u64) as usize].to_string();
                let key = format!("crash-{w}-{n}");
                let (endpoint, points) = if n.is_multiple_of(3) {
                    ("redeem", "5")
                } else {
                    ("adjust", "+10")
                };
                // Retry the same key until the server answers (it may be dead for a while).
                loop {
                    let res = c
                        .post(format!("{base}/api/loyalty/{endpoint}"))
                        .form(&[
                            ("member_id", member.as_str()),
                            ("points", points),
                            ("reason", "crash test"),
                            ("idempotency_key", key.as_str()),
                        ])
                        .timeout(Duration::from_secs(5))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == 200 => {
                            if let Ok(v) = r.json::<Value>().await {
                                acked.insert(key.clone(), v);
                            }
                            break;
                        }
                        Ok(r) if r.status() == 422 => break, // not enough points
                        Ok(r) => assert!(r.status().is_server_error(), "{}", r.status()),
                        Err(_) => {}
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            acked
        }));
    }

    for round in 0..4u64 {
        tokio::time::sleep(Duration::from_millis(400 + 150 * round)).await;
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("reaped");
        server = start(&db_url, port);
        healthy(&c, &base).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acked = HashMap::new();
    for w in workers {
        acked.extend(w.await.expect("worker"));
    }
    server.child.kill().expect("kill");
    server.child.wait().expect("reaped");
    assert!(acked.len() > 50, "the load did real work: {}", acked.len());

    let pool = sqlx::SqlitePool::connect(&db_url).await.expect("db");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .expect("check");
    assert_eq!(check, "ok");
    for (key, movement) in &acked {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT amount, balance_after FROM point_movements WHERE id = $1 AND idempotency_key LIKE $2",
        )
        .bind(movement["id"].as_i64())
        .bind(format!("%:{key}"))
        .fetch_optional(&pool)
        .await
        .expect("row");
        assert_eq!(
            row,
            Some((
                movement["amount"].as_i64().unwrap_or(0),
                movement["balance_after"].as_i64().unwrap_or(0)
            )),
            "acknowledged movement {key} is there, unchanged"
        );
    }
    let crash_movements: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM point_movements WHERE idempotency_key LIKE '%:crash-%'",
    )
    .fetch_one(&pool)
    .await
    .expect("n");
    assert_eq!(
        crash_movements as usize,
        acked.len(),
        "every key moved points once, however often it was retried"
    );
    for member in members {
        let (cached, sum, lots): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(balance), 0) FROM member_balances WHERE member_id = $1),
                    (SELECT COALESCE(SUM(amount), 0) FROM point_movements WHERE member_id = $1),
                    (SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE member_id = $1)",
        )
        .bind(member)
        .fetch_one(&pool)
        .await
        .expect("invariants");
        assert_eq!((cached, lots), (sum, sum), "member {member}");
    }
    pool.close().await;
}
