//! The write queue's group commit, on a real database file: jobs queued while a commit is under
//! way share the next one; a job that fails is rolled back to its savepoint and gets its own
//! error while the others in its batch commit; a panic is one job's failure; an idempotency key
//! repeated inside one batch replays the first result.

use super::{adjust, setup};
use crate::helpers::TempDir;
use app::{
    db::{Db, Durability},
    error::AppError,
};
use std::time::Duration;

async fn db() -> (TempDir, Db) {
    let dir = TempDir::new();
    let url = format!("sqlite://{}/w.db", dir.path().display());
    let db = Db::connect(&url, Durability::Full, 2).await.expect("db");
    db.write(|tx| {
        Box::pin(async move {
            sqlx::query("CREATE TABLE t (x INTEGER PRIMARY KEY)")
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    })
    .await
    .expect("table");
    (dir, db)
}

fn insert(db: &Db, x: i64, then_fail: bool) -> tokio::task::JoinHandle<Result<i64, AppError>> {
    let db = db.clone();
    tokio::spawn(async move {
        db.write(move |tx| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (x) VALUES ($1)")
                    .bind(x)
                    .execute(&mut *tx)
                    .await?;
                if then_fail {
                    return Err(AppError::Conflict {
                        message_key: app::error::Msg::IdempotencyKeyReused,
                    });
                }
                Ok(x)
            })
        })
        .await
    })
}

#[tokio::test]
async fn jobs_queued_behind_a_commit_share_one_and_a_failing_job_is_rolled_back_alone() {
    let (_dir, db) = db().await;
    let before = db.write_stats();
    // The first job holds the writer until told to go, so the next ones queue behind it.
    let (go, wait) = tokio::sync::oneshot::channel::<()>();
    let first = {
        let db = db.clone();
        tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move {
                    let _ = wait.await;
                    sqlx::query("INSERT INTO t (x) VALUES (1)")
                        .execute(&mut *tx)
                        .await?;
                    Ok(1)
                })
            })
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut queued = Vec::new();
    for (x, fail) in [(2, false), (2, false), (3, false), (4, true), (5, false)] {
        queued.push(insert(&db, x, fail));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let panicking = {
        let db = db.clone();
        tokio::spawn(async move {
            db.write(move |tx| -> app::db::BoxFuture<'_, Result<(), AppError>> {
                Box::pin(async move {
                    sqlx::query("INSERT INTO t (x) VALUES (6)")
                        .execute(&mut *tx)
                        .await?;
                    panic!("a bug in one job");
                })
            })
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let last = insert(&db, 7, false);
    tokio::time::sleep(Duration::from_millis(10)).await;
    go.send(()).expect("first job waiting");

    assert_eq!(first.await.expect("task"), Ok(1));
    let mut results = Vec::new();
    for q in queued {
        results.push(q.await.expect("task"));
    }
    assert_eq!(results[0], Ok(2));
    assert_eq!(
        results[1],
        Err(AppError::Internal),
        "the duplicate fails on its own"
    );
    assert_eq!(results[2], Ok(3));
    assert!(
        matches!(results[3], Err(AppError::Conflict { .. })),
        "its own error"
    );
    assert_eq!(results[4], Ok(5));
    assert_eq!(panicking.await.expect("task"), Err(AppError::Internal));
    assert_eq!(last.await.expect("task"), Ok(7));

    let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY x")
        .fetch_all(&db.reader)
        .await
        .expect("rows");
    assert_eq!(rows, vec![1, 2, 3, 5, 7], "failed jobs left nothing");
    // The first commit held one job; the seven queued behind it went in one more.
    let stats = db.write_stats().since(&before);
    assert_eq!(stats.commits(), 2, "{stats:?}");
    assert_eq!(stats.jobs(), 8);
    assert_eq!(stats.commits_by_size[7], 1);
}

#[tokio::test]
async fn with_batching_off_every_job_commits_alone() {
    let (_dir, db) = db().await;
    db.set_batch(1);
    let before = db.write_stats();
    let jobs: Vec<_> = (1..=20).map(|x| insert(&db, x, x == 10)).collect();
    let mut ok = 0;
    for j in jobs {
        ok += usize::from(j.await.expect("task").is_ok());
    }
    assert_eq!(ok, 19);
    let stats = db.write_stats().since(&before);
    assert_eq!(
        (stats.commits(), stats.jobs()),
        (19, 19),
        "a failed job commits nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_sent_by_sixteen_clients_at_once_moves_points_once() {
    let (app, owner, ids) = setup().await;
    let anna = ids["anna@example.com"];
    let before = app.db().await;
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let c = owner.other_client_sharing_session();
            tokio::spawn(async move {
                let res = adjust(&c, anna, "10", "same-key-in-one-batch").await;
                (res.status().as_u16(), res.text().await.expect("body"))
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for c in calls {
        let (status, body) = c.await.expect("task");
        assert_eq!(status, 200, "{body}");
        bodies.push(body);
    }
    bodies.dedup();
    assert_eq!(
        bodies.len(),
        1,
        "every replay returns the first result: {bodies:?}"
    );
    let (movements, balance): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM point_movements WHERE member_id = $1),
                (SELECT balance FROM member_balances WHERE member_id = $1)",
    )
    .bind(anna)
    .fetch_one(&before)
    .await
    .expect("ledger");
    assert_eq!((movements, balance), (1, 10));
}

/// Sets the earning rate in a job and reads it back there (which fills the writer's cache).
async fn set_rate(tx: &mut sqlx::SqliteConnection, rate: i64) -> Result<i64, AppError> {
    sqlx::query("UPDATE program_settings SET rate_hundredths = $1")
        .bind(rate)
        .execute(&mut *tx)
        .await?;
    Ok(app::loyalty::db::program::settings(tx)
        .await?
        .rate_hundredths)
}

/// The writer caches the program settings every purchase reads; the cache follows every
/// change: one made in a job (the update hook), one made by another connection
/// (`data_version`), and it forgets one a failing job made and read before it was rolled back.
#[tokio::test]
async fn the_writers_cached_program_follows_every_change_and_forgets_rolled_back_ones() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}/c.db", dir.path().display());
    let db = Db::connect(&url, Durability::Full, 2).await.expect("db");
    db.migrate().await.expect("migrate");
    let rate = |db: &Db| {
        let db = db.clone();
        async move {
            db.write(|tx| {
                Box::pin(async move {
                    Ok(app::loyalty::db::program::settings(tx)
                        .await?
                        .rate_hundredths)
                })
            })
            .await
            .expect("read")
        }
    };
    let before = rate(&db).await;
    assert_eq!(
        rate(&db).await,
        before,
        "read twice (the second from the cache)"
    );
    let edit = db.write(|tx| Box::pin(set_rate(tx, 250)));
    assert_eq!(edit.await.expect("edit"), 250);
    assert_eq!(rate(&db).await, 250, "a change in a job");
    let other = sqlx::SqlitePool::connect(&url)
        .await
        .expect("other connection");
    sqlx::query("UPDATE program_settings SET rate_hundredths = 300")
        .execute(&other)
        .await
        .expect("other write");
    assert_eq!(rate(&db).await, 300, "a change by another connection");
    let failed = db
        .write(move |tx| {
            Box::pin(async move {
                assert_eq!(set_rate(tx, 900).await?, 900, "seen inside the job");
                Err::<(), _>(AppError::NotFound)
            })
        })
        .await;
    assert_eq!(failed, Err(AppError::NotFound));
    assert_eq!(
        rate(&db).await,
        300,
        "the failed job's change is gone, cached or not"
    );
    assert_ne!(before, 300);
}
