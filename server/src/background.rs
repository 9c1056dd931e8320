//! The server's background tasks: each loops until the process ends.

use std::{sync::Arc, time::Duration};

use app::db::{Clock, Db};
use tokio::task::JoinHandle;
use tower_sessions::session_store::ExpiredDeletion as _;
use tower_sessions_sqlx_store::SqliteStore;

/// Deletes expired sessions every hour.
pub fn session_sweeper(store: SqliteStore) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "deleting expired sessions failed");
            }
        }
    })
}

/// Points expiry and tier reviews: at start (catching up on downtime), then every `interval`.
pub fn points_sweeper(db: Db, clock: Clock, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval);
        loop {
            every.tick().await;
            match app::jobs::sweep(&db, clock.now()).await {
                Ok(done) if done != app::jobs::Sweep::default() => {
                    tracing::info!(?done, "points sweep");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "points sweep failed"),
            }
        }
    })
}

/// Checkpoints the WAL every half second through `pool` (a writable connection that is not
/// the writer's: the writer never checkpoints, so its queue never waits for one). `mode` is
/// SQLite's: `PASSIVE` while serving, `TRUNCATE` while seeding millions of rows.
pub fn checkpointer(pool: sqlx::SqlitePool, mode: &'static str) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(500));
        loop {
            every.tick().await;
            if let Err(e) = sqlx::query(&format!("PRAGMA wal_checkpoint({mode})"))
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
        }
    })
}

/// Starts scheduled campaigns when their time comes (checked every five seconds), and runs
/// the journeys every `journeys_every` (members who crossed a trigger's moment enter, and
/// their messages are queued).
pub fn campaign_scheduler(
    db: Db,
    clock: Clock,
    base_url: Arc<str>,
    journeys_every: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        let mut journeys_last: Option<tokio::time::Instant> = None;
        loop {
            every.tick().await;
            let now = clock.now();
            let journeys = journeys_last.is_none_or(|t| t.elapsed() >= journeys_every);
            if journeys {
                journeys_last = Some(tokio::time::Instant::now());
            }
            let base_url = base_url.clone();
            let done = db
                .write(move |tx| {
                    Box::pin(async move {
                        let started = app::campaigns::db::start_due(tx, &base_url, now).await?
                            + app::campaigns::ab_db::decide_due(tx, now).await?;
                        let entered = if journeys {
                            app::journeys::db::run_all(tx, &base_url, now).await?
                        } else {
                            0
                        };
                        Ok((started, entered))
                    })
                })
                .await;
            match done {
                Ok((0, 0)) => {}
                Ok((started, entered)) => {
                    tracing::info!(
                        campaigns = started,
                        journey_entries = entered,
                        "campaigns started, journeys run"
                    );
                }
                Err(e) => {
                    tracing::warn!(error = %e, "starting campaigns or running journeys failed")
                }
            }
        }
    })
}

/// Scheduled backups (see [`crate::backup::Schedule`]): checked at start and every minute;
/// a period's copy is made once.
pub fn backup_scheduler(
    database_url: String,
    schedule: crate::backup::Schedule,
    clock: Clock,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            match crate::backup::run_scheduled(&database_url, &schedule, clock.now()).await {
                Ok(Some((file, summary))) => {
                    tracing::info!(file = %file.display(), %summary, "scheduled backup made");
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "scheduled backup failed"),
            }
        }
    })
}
