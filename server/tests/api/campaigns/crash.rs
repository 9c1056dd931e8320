//! Crash safety of sending: the real server binary, sending a 10,000-member campaign to a real
//! SMTP server on loopback, is killed with SIGKILL at several points and restarted. Every
//! member gets the message; none gets it twice beyond what a worker may have sent but not yet
//! recorded at each kill (the message in flight, and at most [`server::sender::PENDING`]
//! waiting for a record and as many in the record being committed); the campaign is never
//! finished while a message is unsent.

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::Duration,
};

use super::smtp::Smtp;
use crate::{
    crash::{healthy, sign_in_owner},
    helpers::{TempDir, client},
};

const MEMBERS: i64 = 10_000;
const CONNECTIONS: usize = 4;

fn start(db_url: &str, port: u16, smtp: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["serve", "--demo"])
        .env("REGULARS_DATABASE_URL", db_url)
        .env("REGULARS_ADDR", format!("127.0.0.1:{port}"))
        .env("REGULARS_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("REGULARS_SMTP_URL", smtp)
        .env("REGULARS_MAIL_FROM", "news@shop.example")
        .env("REGULARS_SMTP_CONNECTIONS", CONNECTIONS.to_string())
        .env("LEPTOS_SITE_ROOT", "../target/site")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
}

/// Messages received per recipient (headers only, read by Python's own parser).
fn received(smtp: &Smtp) -> HashMap<String, usize> {
    const COUNT: &str = r#"
import collections, email.parser, email.policy, json, os, sys
seen = collections.Counter()
new = os.path.join(sys.argv[1], 'new')
for name in (os.listdir(new) if os.path.isdir(new) else []):
    with open(os.path.join(new, name), 'rb') as f:
        m = email.parser.BytesHeaderParser(policy=email.policy.default).parse(f)
    if m['List-Unsubscribe']:
        seen[str(m['To'])] += 1
print(json.dumps(seen))
"#;
    smtp.read_with(COUNT, &[])
}

async fn call(
    c: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    let res = c
        .post(format!("{base}/api/{endpoint}"))
        .form(form)
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success(), "{endpoint}: {}", res.status());
    res.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_killed_mid_send_reaches_everyone_once_and_finishes_only_when_done() {
    let smtp = Smtp::start().await;
    let dir = TempDir::new();
    let db_url = format!("sqlite://{}/crash.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&db_url, port, &smtp.url());
    let (c, _jar) = client();
    healthy(&c, &base).await;
    let pool = sqlx::SqlitePool::connect(&format!("{db_url}?mode=rw"))
        .await
        .expect("db");
    sqlx::query("UPDATE users SET email_marketing = 0")
        .execute(&pool)
        .await
        .expect("demo members out of the way");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
         INSERT INTO users (email, password_hash, role, preferred_name, language, email_marketing,
             email_confirmed_at, created_at, updated_at)
         SELECT 'm' || i || '@example.net', '!', 'member', 'M' || i, 'en', 1,
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n",
    )
    .bind(MEMBERS)
    .execute(&pool)
    .await
    .expect("members");
    sign_in_owner(&c, &base).await;
    let segment = call(
        &c,
        &base,
        "campaigns/segment_save",
        &[
            ("intent", "save"),
            ("name", "All"),
            ("match_all", "all"),
            ("consent", "email"),
        ],
    )
    .await["id"]
        .as_i64()
        .expect("segment")
        .to_string();
    let id = call(
        &c,
        &base,
        "campaigns/create",
        &[("name", "Crash"), ("segment_id", &segment)],
    )
    .await
    .as_i64()
    .expect("campaign")
    .to_string();
    // Every member is to get it: no control group.
    call(
        &c,
        &base,
        "campaigns/update",
        &[
            ("id", &id),
            ("name", "Crash"),
            ("segment_id", &segment),
            ("holdout_pct", "0"),
        ],
    )
    .await;
    call(
        &c,
        &base,
        "campaigns/message",
        &[
            ("id", &id),
            ("language", "en"),
            ("subject", "Hi {{ preferred_name }}"),
            ("preheader", ""),
            ("body", "Sale"),
        ],
    )
    .await;
    let sent = call(&c, &base, "campaigns/send", &[("id", &id)]).await;
    assert_eq!(sent["progress"]["queued"], MEMBERS, "{sent}");

    // Kill it at several points of the send, each after a different pause.
    let status = |pool: sqlx::SqlitePool, id: String| async move {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT c.status, (SELECT count(*) FROM outbox o WHERE o.campaign_id = c.id
                 AND o.kind = 'campaign' AND o.status <> 'sent')
             FROM campaigns c WHERE c.id = $1",
        )
        .bind(id.parse::<i64>().expect("id"))
        .fetch_one(&pool)
        .await
        .expect("status")
    };
    let mut kills = 0;
    for pause in [300_u64, 700, 150, 1100, 450] {
        tokio::time::sleep(Duration::from_millis(pause)).await;
        let (s, unsent) = status(pool.clone(), id.clone()).await;
        assert!(
            s != "finished" || unsent == 0,
            "finished with {unsent} unsent"
        );
        if s == "finished" {
            break;
        }
        server.kill().expect("SIGKILL");
        server.wait().expect("reaped");
        kills += 1;
        server = start(&db_url, port, &smtp.url());
        healthy(&c, &base).await;
    }
    assert!(
        kills >= 3,
        "the send was killed mid-way {kills} times: make it slower or the pauses shorter"
    );
    let mut finished = false;
    for _ in 0..1200 {
        let (s, unsent) = status(pool.clone(), id.clone()).await;
        assert!(
            s != "finished" || unsent == 0,
            "finished with {unsent} unsent"
        );
        if s == "finished" {
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(finished, "the campaign finishes after the restarts");
    server.kill().expect("kill");
    server.wait().expect("reaped");

    let seen = received(&smtp);
    let missing = (1..=MEMBERS)
        .filter(|i| !seen.contains_key(&format!("m{i}@example.net")))
        .count();
    assert_eq!(missing, 0, "every member got the message");
    let twice: usize = seen.values().map(|n| n - 1).sum();
    let unrecorded = 1 + 2 * server::sender::PENDING;
    assert!(
        twice <= kills * CONNECTIONS * unrecorded,
        "{twice} duplicates after {kills} kills of {CONNECTIONS} connections"
    );
    println!("crash: {twice} duplicates after {kills} kills of {CONNECTIONS} connections");
    let (rows, sent): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE status = 'sent') FROM outbox WHERE kind = 'campaign'",
    )
    .fetch_one(&pool)
    .await
    .expect("rows");
    assert_eq!((rows, sent), (MEMBERS, MEMBERS));
    pool.close().await;
}
