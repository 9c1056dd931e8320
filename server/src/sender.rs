//! The outbox's workers, whatever the channel: each claims a few due rows of its transport's
//! channel with a lease, sends them one by one at the pace the transport allows and records
//! the results while it sends on, so a crash re-sends at most the few messages a worker has
//! sent but not yet recorded (see [`PENDING`]).

use std::{future::Future, sync::Arc, time::Duration};

use app::{
    db::{Clock, Db, Stamp},
    outbox::{self, Claimed, Outcome, context::Cache},
};

use crate::pacer::Pacer;

/// Rows a worker claims at a time: few, so a pause, a cancel, a withdrawn consent or a new
/// suppression stops sending soon (a batch's recipients and its campaign's status are read
/// when its first message is composed, so each worker sends at most this many after a change).
const CLAIM: i64 = 16;
/// Sent messages a worker lets wait for a record while the one before is being committed. A
/// crash re-sends, per worker, at most the message in flight, these and the record being
/// committed (at most `1 + 2 × PENDING`).
pub const PENDING: usize = 4;
/// A record on its way to the writer.
type Recording = tokio::task::JoinHandle<Result<(), app::error::AppError>>;
/// How long a claim holds a row before another worker may take it.
const LEASE_SECS: i64 = 120;

/// Something that delivers outbox rows of one channel (SMTP, an SMS gateway).
pub trait Transport: Send + 'static {
    /// The outbox channel it carries (`email`, `sms`).
    const CHANNEL: &'static str;

    /// Composes and sends one claimed row (what its campaign shares read through `cache`, which
    /// lives for one claimed batch); what became of it.
    fn send(
        &mut self,
        db: &Db,
        now: Stamp,
        row: &Claimed,
        cache: &mut Cache,
    ) -> impl Future<Output = Outcome> + Send;
}

/// One worker: claims, sends, records, until the process stops.
pub async fn run<T: Transport>(db: Db, clock: Clock, pacer: Arc<Pacer>, mut transport: T) {
    let mut cache = Cache::default();
    let mut recorder = Recorder {
        db: db.clone(),
        clock: clock.clone(),
        pending: Vec::new(),
        open: None,
    };
    loop {
        let now = clock.now();
        // Queued after this worker's last record: the writer commits that first.
        let claimed = db
            .write(move |tx| {
                Box::pin(
                    async move { Ok(outbox::claim(tx, T::CHANNEL, now, LEASE_SECS, CLAIM).await?) },
                )
            })
            .await;
        let rows = match claimed {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, channel = T::CHANNEL, "outbox claim failed");
                Vec::new()
            }
        };
        if rows.is_empty() {
            // Idle: look again shortly (new rows are committed by other tasks).
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        }
        cache.begin(&rows);
        for row in rows {
            pacer.wait().await;
            let outcome = transport.send(&db, clock.now(), &row, &mut cache).await;
            recorder.note(row, outcome).await;
        }
        recorder.flush().await;
    }
}

/// A worker's records on their way to the writer. What was sent is recorded while the next
/// messages go out: everything that finished while the previous record was being committed
/// goes in the next one, so a record costs a commit per few messages instead of each, and a
/// worker never waits for a commit unless [`PENDING`] messages are waiting behind it.
struct Recorder {
    db: Db,
    clock: Clock,
    pending: Vec<(Claimed, Outcome)>,
    open: Option<Recording>,
}

impl Recorder {
    /// Notes what became of `row`; hands what is pending to the writer unless the last record
    /// is still being committed (then it goes with the next).
    async fn note(&mut self, row: Claimed, outcome: Outcome) {
        self.pending.push((row, outcome));
        let committing = self.open.as_ref().is_some_and(|r| !r.is_finished());
        if !committing || self.pending.len() >= PENDING {
            self.flush().await;
        }
    }

    /// Waits for the open record, then hands everything pending to the writer.
    async fn flush(&mut self) {
        if let Some(open) = self.open.take() {
            let failed = match open.await {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) => Some(e.to_string()),
            };
            if let Some(error) = failed {
                // Their leases run out and they are sent again.
                tracing::warn!(%error, "recording sent messages failed");
            }
        }
        if self.pending.is_empty() {
            return;
        }
        let (db, results, now) = (
            self.db.clone(),
            std::mem::take(&mut self.pending),
            self.clock.now(),
        );
        self.open = Some(tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move { Ok(outbox::record(tx, &results, now).await?) })
            })
            .await
        }));
    }
}

/// Starts `workers` workers made by `make`, sharing one pace of `per_second` and `per_hour`.
pub fn start<T: Transport>(
    db: &Db,
    clock: &Clock,
    workers: usize,
    (per_second, per_hour): (Option<u32>, Option<u32>),
    make: impl Fn() -> T,
) -> Vec<tokio::task::JoinHandle<()>> {
    let pacer = Arc::new(Pacer::new(per_second, per_hour));
    (0..workers)
        .map(|_| tokio::spawn(run(db.clone(), clock.clone(), pacer.clone(), make())))
        .collect()
}
