//! The write path: one connection, one queue, group commit.
//!
//! Every state change is a job sent to one thread that owns the only write connection. The
//! thread takes every job queued while the previous commit was flushing (up to [`MAX_BATCH`];
//! no timer, so a lone writer never waits), opens one `BEGIN IMMEDIATE`, runs each job inside
//! its own `SAVEPOINT` (a job that fails is rolled back to it and gets its own error; the
//! others go on), commits once, and only then answers each caller. One fsync then serves the
//! whole batch. If the transaction itself is lost (an I/O error, a full disk), every job of the
//! batch fails: no caller is told its change stands unless the commit that holds it succeeded.

use std::{
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use futures_util::FutureExt as _;
use sqlx::{Row as _, SqliteConnection, SqlitePool};

use super::{accounts::Accounts, cache::Generation};
use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

/// Jobs one commit holds at most.
pub const MAX_BATCH: usize = 64;

/// A boxed future borrowing the write connection.
pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// What a job leaves behind to answer its caller once the batch's fate is known.
trait Settle: Send {
    fn failed(&self) -> bool;
    fn settle(self: Box<Self>, committed: bool);
}

struct Reply<T> {
    result: Result<T, AppError>,
    to: oneshot::Sender<Result<T, AppError>>,
}

impl<T: Send> Settle for Reply<T> {
    fn failed(&self) -> bool {
        self.result.is_err()
    }

    fn settle(self: Box<Self>, committed: bool) {
        let result = match self.result {
            Ok(_) if !committed => Err(AppError::Internal),
            other => other,
        };
        // The caller may have gone; the change stands (or not) all the same.
        let _ = self.to.send(result);
    }
}

/// A queued job: runs on the write connection and returns its reply, to be sent after the
/// commit. Dropping a job unrun answers its caller with an internal error.
type Job =
    Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Box<dyn Settle>> + Send>;

/// Counts of what the writer committed: `sizes[n]` is how many commits held `n` jobs.
#[derive(Debug)]
struct Counts {
    sizes: [std::sync::atomic::AtomicU64; MAX_BATCH + 1],
    /// Nanoseconds the writer spent on batches (from `BEGIN` to the last answer).
    busy_ns: std::sync::atomic::AtomicU64,
}

/// What the writer committed so far: commits by how many jobs each held (index = jobs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteStats {
    /// `commits_by_size[n]`: commits that held `n` jobs.
    pub commits_by_size: Vec<u64>,
    /// Time the writer spent working on batches, committed or not.
    pub busy: std::time::Duration,
}

impl WriteStats {
    /// Commits in all.
    pub fn commits(&self) -> u64 {
        self.commits_by_size.iter().sum()
    }

    /// Jobs in all.
    pub fn jobs(&self) -> u64 {
        self.commits_by_size
            .iter()
            .enumerate()
            .map(|(n, c)| n as u64 * c)
            .sum()
    }

    /// The stats since `earlier`.
    pub fn since(&self, earlier: &Self) -> Self {
        Self {
            commits_by_size: self
                .commits_by_size
                .iter()
                .zip(&earlier.commits_by_size)
                .map(|(a, b)| a.saturating_sub(*b))
                .collect(),
            busy: self.busy.saturating_sub(earlier.busy),
        }
    }

    /// The number of jobs that the commit at quantile `q` (0–1) held, counting commits.
    pub fn jobs_per_commit_quantile(&self, q: f64) -> usize {
        let total = self.commits();
        let target = (total as f64 * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (n, c) in self.commits_by_size.iter().enumerate() {
            seen += c;
            if seen >= target {
                return n;
            }
        }
        0
    }
}

/// The sending end of the write queue, the batch limit its thread reads, and its counts.
#[derive(Clone, Debug)]
pub(super) struct Writer {
    queue: mpsc::UnboundedSender<Job>,
    batch: Arc<AtomicUsize>,
    counts: Arc<Counts>,
}

impl Writer {
    /// Starts the writer thread on `pool` (one connection).
    pub(super) fn start(
        pool: SqlitePool,
        generation: Generation,
        accounts: Arc<Accounts>,
    ) -> std::io::Result<Self> {
        let (queue, mut rx) = mpsc::unbounded_channel::<Job>();
        let batch = Arc::new(AtomicUsize::new(MAX_BATCH));
        let limit = batch.clone();
        let counts = Arc::new(Counts {
            sizes: std::array::from_fn(|_| std::sync::atomic::AtomicU64::new(0)),
            busy_ns: std::sync::atomic::AtomicU64::new(0),
        });
        let counted = counts.clone();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()?;
        std::thread::Builder::new()
            .name("regulars-writer".into())
            .spawn(move || {
                super::cache::enable_on_this_thread(generation.clone());
                rt.block_on(async move {
                    let mut jobs = Vec::with_capacity(MAX_BATCH);
                    let mut data_version = None;
                    while let Some(first) = rx.recv().await {
                        jobs.push(first);
                        let max = limit.load(Ordering::Relaxed).clamp(1, MAX_BATCH);
                        while jobs.len() < max {
                            match rx.try_recv() {
                                Ok(job) => jobs.push(job),
                                Err(_) => break,
                            }
                        }
                        let started = std::time::Instant::now();
                        let seen = (&generation, &*accounts, &mut data_version);
                        run_batch(&pool, &mut jobs, &counted, seen).await;
                        let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                        counted.busy_ns.fetch_add(spent, Ordering::Relaxed);
                    }
                });
            })?;
        Ok(Self {
            queue,
            batch,
            counts,
        })
    }

    /// What was committed so far.
    pub(super) fn stats(&self) -> WriteStats {
        WriteStats {
            commits_by_size: self
                .counts
                .sizes
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .collect(),
            busy: std::time::Duration::from_nanos(self.counts.busy_ns.load(Ordering::Relaxed)),
        }
    }

    /// Sets how many jobs one commit may hold (1: a commit per job, the unbatched baseline).
    pub(super) fn set_batch(&self, max: usize) {
        self.batch.store(max.clamp(1, MAX_BATCH), Ordering::Relaxed);
    }

    /// Queues `work` and waits for its result, given only after its commit.
    pub(super) async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, AppError>>
            + Send
            + 'static,
        T: Send + 'static,
    {
        let (to, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let result = work(conn).await;
                Box::new(Reply { result, to }) as Box<dyn Settle>
            })
        });
        if self.queue.send(job).is_err() {
            tracing::error!("the write queue is gone");
            return Err(AppError::Internal);
        }
        result.await.map_err(|_| {
            tracing::error!("a write job ended without a result");
            AppError::Internal
        })?
    }
}

async fn exec(conn: &mut SqliteConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sql).execute(conn).await.map(|_| ())
}

/// Runs `jobs` (emptied) in one transaction, each in a savepoint unless it is alone, and
/// answers their callers after the commit (counted before anyone is answered).
async fn run_batch(
    pool: &SqlitePool,
    jobs: &mut Vec<Job>,
    counts: &Counts,
    (generation, accounts, data_version): (&Generation, &Accounts, &mut Option<i64>),
) {
    let mut conn = match pool.acquire().await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the write connection is unavailable");
            jobs.clear();
            return;
        }
    };
    // `data_version` changes when another connection committed: the cache may be stale.
    match sqlx::raw_sql("BEGIN IMMEDIATE; PRAGMA data_version")
        .fetch_all(&mut *conn)
        .await
    {
        Ok(rows) => {
            let version: Option<i64> = rows.first().and_then(|r| r.try_get(0).ok());
            if version != *data_version {
                generation.invalidate();
                accounts.forget_all();
                *data_version = version;
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "BEGIN failed; the batch fails");
            jobs.clear();
            return;
        }
    }
    let size = jobs.len();
    let alone = size == 1;
    let mut replies: Vec<Box<dyn Settle>> = Vec::with_capacity(jobs.len());
    let mut broken = false;
    // How the last job's savepoint ends, sent together with the next statement (the next
    // job's savepoint, or the commit): one round trip to the connection instead of two.
    let mut ending: Option<&str> = None;
    for job in jobs.drain(..) {
        if broken {
            continue;
        }
        if !alone {
            let open = match ending.take() {
                Some(end) => format!("{end}; SAVEPOINT job"),
                None => "SAVEPOINT job".to_owned(),
            };
            if let Err(e) = exec(&mut conn, &open).await {
                // The transaction itself is gone (SQLite rolled it back): nothing in it stands.
                tracing::error!(error = %e, "savepoint lost; the batch fails");
                broken = true;
                continue;
            }
        }
        let reply = AssertUnwindSafe(job(&mut conn)).catch_unwind().await;
        let failed = match &reply {
            Ok(r) => r.failed(),
            Err(_) => {
                tracing::error!("a write job panicked; its changes are rolled back");
                true
            }
        };
        if failed {
            // What it changed (and may have cached) is rolled back.
            generation.invalidate();
        }
        if alone {
            broken = failed;
        } else {
            ending = Some(if failed {
                "ROLLBACK TO job; RELEASE job"
            } else {
                "RELEASE job"
            });
        }
        replies.extend(reply.ok());
    }
    let commit = match ending {
        Some(end) => format!("{end}; COMMIT"),
        None => "COMMIT".to_owned(),
    };
    let committed = !broken
        && match exec(&mut conn, &commit).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "COMMIT failed; the batch fails");
                false
            }
        };
    if !committed {
        generation.invalidate();
        if let Err(e) = exec(&mut conn, "ROLLBACK").await {
            tracing::debug!(error = %e, "rollback after a failed batch");
        }
    }
    // Before anyone is answered: a caller that changed an account sees it at once.
    accounts.batch_ended();
    if committed {
        counts.sizes[size].fetch_add(1, Ordering::Relaxed);
    }
    for reply in replies {
        reply.settle(committed);
    }
}
