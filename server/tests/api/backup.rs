//! `server backup` and `server restore` as real processes: two backups of the real server's
//! database while six clients move points, each a consistent ledger; one restored into a fresh
//! directory with the same sums; broken files, an existing database and an existing backup
//! file refused, leaving nothing behind; scheduled copies once per period, the newest kept.

use crate::{crash::demo_server, helpers::TempDir};
use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

/// Runs `server ARGS` against the database at `db_url` (blocking; call off the runtime).
fn server(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("REGULARS_DATABASE_URL", db_url)
        .env("REGULARS_LOG", "error")
        .output()
        .expect("server runs")
}

async fn server_async(db_url: &str, args: &[&str]) -> Output {
    let (db_url, args): (String, Vec<String>) =
        (db_url.into(), args.iter().map(|a| a.to_string()).collect());
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        server(&db_url, &args)
    })
    .await
    .expect("joined")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// (movements, their points, purchases, their amounts, members whose cached balance and
/// lots both equal the sum of their movements, members with movements).
async fn ledger(file: &Path) -> (i64, i64, i64, i64, i64, i64) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .expect("open");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .expect("check");
    assert_eq!(check, "ok", "{}", file.display());
    let sums = sqlx::query_as(
        "WITH m AS (SELECT member_id, SUM(amount) AS sum FROM point_movements GROUP BY member_id)
         SELECT (SELECT COUNT(*) FROM point_movements),
                (SELECT COALESCE(SUM(amount), 0) FROM point_movements),
                (SELECT COUNT(*) FROM purchases),
                (SELECT COALESCE(SUM(amount_minor), 0) FROM purchases),
                (SELECT COUNT(*) FROM m
                  WHERE m.sum = (SELECT COALESCE(MAX(balance), 0) FROM member_balances b
                                  WHERE b.member_id = m.member_id)
                    AND m.sum = (SELECT COALESCE(SUM(remaining), 0) FROM point_lots l
                                  WHERE l.member_id = m.member_id)),
                (SELECT COUNT(*) FROM m)",
    )
    .fetch_one(&pool)
    .await
    .expect("sums");
    pool.close().await;
    sums
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_under_load_restore_to_the_same_ledger_and_broken_files_are_refused() {
    let dir = TempDir::new();
    let path = |name: &str| -> PathBuf { dir.path().join(name) };
    let db_url = format!("sqlite://{}", path("live.db").display());
    let (mut live, _, base, c, members) = demo_server(&db_url).await;

    // Six clients give points until told to stop; every answer must be a success.
    let (stop, done) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let mut workers = Vec::new();
    for w in 0..6u64 {
        let (c, base, stop, done, members) = (
            c.clone(),
            base.clone(),
            stop.clone(),
            done.clone(),
            members.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let member = members[((w + n) % members.len() as u64) as usize].to_string();
                let res = c
                    .post(format!("{base}/api/loyalty/adjust"))
                    .form(&[
                        ("member_id", member.as_str()),
                        ("points", "+10"),
                        ("reason", "backup test"),
                        ("idempotency_key", format!("backup-{w}-{n}").as_str()),
                    ])
                    .send()
                    .await
                    .expect("answered");
                assert_eq!(res.status(), 200, "a write during the backup");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }

    let mut backups = Vec::new();
    for name in ["first.db", "second.db"] {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let before = done.load(Ordering::Relaxed);
        let out = server_async(&db_url, &["backup", &path(name).to_string_lossy()]).await;
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("point movements"), "{}", text(&out));
        backups.push((path(name), before, done.load(Ordering::Relaxed)));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.expect("worker");
    }
    live.child.kill().expect("kill");
    live.child.wait().expect("reaped");
    assert!(
        done.load(Ordering::Relaxed) > 100,
        "the load did real work: {}",
        done.load(Ordering::Relaxed)
    );

    // Each backup is one moment of the ledger: every member's cached balance and lots agree
    // with their movements, and the second holds more than the first.
    let mut movements = Vec::new();
    for (file, ..) in &backups {
        let (n, _, _, _, consistent, with_movements) = ledger(file).await;
        assert_eq!(consistent, with_movements, "{}", file.display());
        assert!(!path(&format!("{}.partial", file.display())).exists());
        movements.push(n);
    }
    assert!(movements[1] > movements[0], "{movements:?}");
    assert!(ledger(&path("live.db")).await.0 > movements[1]);

    // Restored into a fresh directory: the same sums, migrated, and the server starts on it.
    let restored = path("fresh/shop.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let second = backups[1].0.to_string_lossy().into_owned();
    let out = server_async(&restored_url, &["restore", &second]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(ledger(&restored).await, ledger(&backups[1].0).await);
    let check = server_async(&restored_url, &["rollups", "check"]).await;
    assert!(check.status.success(), "{}", text(&check));

    // An existing database is not overwritten without --replace; with it, it is.
    let first = backups[0].0.to_string_lossy().into_owned();
    let out = server_async(&restored_url, &["restore", &first]).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("--replace"), "{}", text(&out));
    assert_eq!(ledger(&restored).await, ledger(&backups[1].0).await);
    let out = server_async(&restored_url, &["restore", &first, "--replace"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(ledger(&restored).await, ledger(&backups[0].0).await);

    // A backup never overwrites a file.
    let out = server_async(&db_url, &["backup", &first]).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("exists"), "{}", text(&out));

    // Broken files: pages overwritten in the middle, cut short, not a database at all.
    let bytes = std::fs::read(&backups[1].0).expect("backup");
    assert!(bytes.len() > 64 * 4096, "{} bytes", bytes.len());
    let mut scribbled = bytes.clone();
    scribbled[20 * 4096..24 * 4096].fill(0xA5);
    let cut = bytes[..bytes.len() / 2].to_vec();
    for (name, content) in [
        ("scribbled.db", scribbled),
        ("cut.db", cut),
        ("notes.db", b"not a database, just notes\n".repeat(200)),
    ] {
        std::fs::write(path(name), content).expect("write");
        let target = path(&format!("from-{name}/shop.db"));
        let url = format!("sqlite://{}", target.display());
        let out = server_async(&url, &["restore", &path(name).to_string_lossy()]).await;
        assert!(!out.status.success(), "{name} was restored: {}", text(&out));
        assert!(!target.exists(), "{name} left a database behind");
    }
}

#[tokio::test]
async fn scheduled_backups_come_once_per_period_and_only_the_newest_are_kept() {
    use app::db::Stamp;
    use server::backup::{Schedule, run_scheduled};
    let t0 = Stamp::utc(2027, 1, 6, 5, 0, 0);
    let outside = TempDir::new();
    let schedule = Schedule {
        dir: outside.path().join("copies"),
        every_hours: 6,
        keep: 2,
    };
    let tweak = schedule.clone();
    let app = crate::helpers::spawn_with(move |c| {
        c.clock.set(t0);
        c.backup = Some(tweak);
    })
    .await;
    // The running server makes this period's copy as it starts.
    let first = schedule.dir.join("regulars-20270106T000000Z.db");
    for _ in 0..200 {
        if first.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(first.exists(), "the server made no scheduled copy");
    let db_url = app.config.database_url.clone();
    // Files that are not scheduled copies are never touched.
    for other in ["notes.txt", "regulars-manual.db"] {
        std::fs::write(schedule.dir.join(other), "mine").expect("write");
    }
    // Again in the same period (a second run, a restart): nothing.
    let later = t0 + app::db::minutes(50);
    assert_eq!(run_scheduled(&db_url, &schedule, later).await, Ok(None));
    // The next two periods: a copy each, checked, and the oldest deleted.
    for (at, name) in [
        (6, "regulars-20270106T060000Z.db"),
        (12, "regulars-20270106T120000Z.db"),
    ] {
        let made = run_scheduled(&db_url, &schedule, t0 + app::db::hours(at))
            .await
            .expect("backup")
            .expect("a copy this period");
        assert_eq!(made.0, schedule.dir.join(name));
        assert_eq!(made.1.version, ledger_version(&made.0).await);
    }
    let mut names: Vec<String> = std::fs::read_dir(&schedule.dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "notes.txt",
            "regulars-20270106T060000Z.db",
            "regulars-20270106T120000Z.db",
            "regulars-manual.db"
        ]
    );
    ledger(&schedule.dir.join("regulars-20270106T120000Z.db")).await;
}

/// The newest migration recorded in a copy.
async fn ledger_version(file: &Path) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .expect("open");
    let v = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .expect("version");
    pool.close().await;
    v
}
