//! The outbox's workers, whatever the channel: each claims a few due rows of its transport's
//! channel with a lease, sends them one by one at the pace the transport allows and records
//! each result as soon as the other side answered, so a crash re-sends at most the message in
//! flight on each worker.

use std::{future::Future, sync::Arc, time::Duration};

use app::{
    db::{Clock, Db, Stamp},
    outbox::{self, Claimed, Outcome},
};

use crate::pacer::Pacer;

/// Rows a worker claims at a time: few, so a pause or cancel stops sending soon (rows already
/// claimed are checked again before each is sent).
const CLAIM: i64 = 8;
/// How long a claim holds a row before another worker may take it.
const LEASE_SECS: i64 = 120;

/// Something that delivers outbox rows of one channel (SMTP, an SMS gateway).
pub trait Transport: Send + 'static {
    /// The outbox channel it carries (`email`, `sms`).
    const CHANNEL: &'static str;

    /// Composes and sends one claimed row; what became of it.
    fn send(&mut self, db: &Db, now: Stamp, row: &Claimed) -> impl Future<Output = Outcome> + Send;
}

/// One worker: claims, sends, records, until the process stops.
pub async fn run<T: Transport>(db: Db, clock: Clock, pacer: Arc<Pacer>, mut transport: T) {
    loop {
        let now = clock.now();
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
        for row in rows {
            pacer.wait().await;
            let outcome = transport.send(&db, clock.now(), &row).await;
            let now = clock.now();
            let record = db
                .write(move |tx| {
                    Box::pin(async move { Ok(outbox::record(tx, &[(row, outcome)], now).await?) })
                })
                .await;
            if let Err(e) = record {
                tracing::warn!(error = %e, channel = T::CHANNEL, "recording a sent message failed");
            }
        }
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
