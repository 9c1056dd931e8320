//! The writer's cache of what every purchase reads and staff rarely change: program settings,
//! tiers, bonus rules, location names, perk settings and active punch cards. Each is a
//! statement (a round trip to the connection's thread) saved per job.
//!
//! It lives on the writer thread only (readers always ask the database) and is emptied when
//! anything it holds may have changed:
//! - the write connection's update hook sees a row of one of [`TABLES`] change, whoever wrote
//!   it (an edit function, the demo loader, a raw statement);
//! - another connection committed (`PRAGMA data_version`, read with each batch's `BEGIN`);
//! - a job failed (its savepoint rolled back what it may have changed and cached) or a batch
//!   did not commit.
//!
//! A change bumps a generation counter; a value is served only at the generation it was read
//! at, and stored only if nothing changed while it loaded.

use std::{
    any::Any,
    cell::RefCell,
    collections::HashMap,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

/// The tables whose rows the cache holds (punch cards carry their reward's name).
pub(super) const TABLES: [&str; 7] = [
    "program_settings",
    "tiers",
    "bonus_rules",
    "locations",
    "perk_settings",
    "punch_cards",
    "rewards",
];

/// A database's change counter: its write connection's hooks and its writer bump it, its
/// writer thread's cache compares against it.
/// The cache can be switched off (the benchmark's baseline).
#[derive(Debug, Clone)]
pub(super) struct Generation {
    counter: Arc<AtomicU64>,
    on: Arc<AtomicBool>,
}

impl Default for Generation {
    fn default() -> Self {
        Self {
            counter: Arc::default(),
            on: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl Generation {
    /// Everything cached may be stale: the next read goes to the database.
    pub(super) fn invalidate(&self) {
        self.counter.fetch_add(1, Ordering::AcqRel);
    }

    /// Switches the cache on or off (off: every read goes to the database).
    pub(super) fn set_on(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
        self.invalidate();
    }

    fn now(&self) -> u64 {
        self.counter.load(Ordering::Acquire)
    }
}

/// What a cached value is: a name and, for one of many (a location), its id.
pub(crate) type Key = (&'static str, i64);

/// The writer thread's cache: its database's counter, and values by key with the generation
/// they were read at.
struct Cache {
    generation: Generation,
    read_at: u64,
    values: HashMap<Key, Box<dyn Any>>,
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// Turns the cache on for this thread (the writer's), following `generation`.
pub(super) fn enable_on_this_thread(generation: Generation) {
    CACHE.with(|c| {
        *c.borrow_mut() = Some(Cache {
            generation,
            read_at: 0,
            values: HashMap::new(),
        });
    });
}

/// `load`'s value, from the cache on the writer thread when nothing changed since it was read.
pub(crate) async fn cached<T, F>(key: Key, load: F) -> Result<T, sqlx::Error>
where
    T: Clone + 'static,
    F: Future<Output = Result<T, sqlx::Error>>,
{
    let Some(generation) = CACHE.with(|c| c.borrow().as_ref().map(|c| c.generation.clone())) else {
        return load.await;
    };
    if !generation.on.load(Ordering::Relaxed) {
        return load.await;
    }
    let at = generation.now();
    let hit = CACHE.with(|c| {
        let c = c.borrow();
        let c = c.as_ref()?;
        if c.read_at != at {
            return None;
        }
        c.values
            .get(&key)
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
    });
    if let Some(value) = hit {
        return Ok(value);
    }
    let value = load.await?;
    if generation.now() == at {
        CACHE.with(|c| {
            if let Some(c) = c.borrow_mut().as_mut() {
                if c.read_at != at {
                    c.read_at = at;
                    c.values.clear();
                }
                c.values.insert(key, Box::new(value.clone()));
            }
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn the_writer_thread_serves_a_value_until_a_change_and_other_threads_never() {
        let value = |v: i64| async move { Ok::<_, sqlx::Error>(v) };
        // Not the writer's thread: every read is the database's answer.
        assert_eq!(run(cached(("t", 1), value(1))).ok(), Some(1));
        assert_eq!(run(cached(("t", 1), value(2))).ok(), Some(2));
        let generation = Generation::default();
        let invalidate = {
            let g = generation.clone();
            move || g.invalidate()
        };
        std::thread::spawn(move || {
            enable_on_this_thread(generation);
            assert_eq!(run(cached(("t", 1), value(1))).ok(), Some(1));
            assert_eq!(
                run(cached(("t", 1), value(2))).ok(),
                Some(1),
                "served from the cache"
            );
            assert_eq!(
                run(cached(("t", 2), value(3))).ok(),
                Some(3),
                "keys are apart"
            );
            invalidate();
            assert_eq!(
                run(cached(("t", 1), value(4))).ok(),
                Some(4),
                "read again after a change"
            );
            assert_eq!(run(cached(("t", 1), value(5))).ok(), Some(4));
            // A change while a value loads: served, but not kept.
            let changing = async {
                invalidate();
                Ok::<_, sqlx::Error>(6)
            };
            assert_eq!(run(cached(("t", 1), changing)).ok(), Some(6));
            assert_eq!(run(cached(("t", 1), value(7))).ok(), Some(7));
            let failing = async { Err::<i64, _>(sqlx::Error::RowNotFound) };
            assert!(
                run(cached(("u", 1), failing)).is_err(),
                "an error is not cached"
            );
            assert_eq!(run(cached(("u", 1), value(8))).ok(), Some(8));
        })
        .join()
        .expect("writer thread");
    }
}
