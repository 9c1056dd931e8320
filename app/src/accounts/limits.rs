//! In-memory rate limits: sign-in failures, sign-ups, password changes and visitors' feedback.
//! In memory is enough for one server process; counts reset on restart.
//!
//! An attempt is **taken** (checked and counted in one step, under one lock) before any slow
//! work such as hashing, so a burst of concurrent requests cannot all pass the check before
//! the first is counted. What turns out not to be a failure (a correct password, a refused
//! form) is given back with [`RateLimiter::release`].
//!
//! Memory is bounded: counts live in two generations of one window each (an attempt is
//! remembered for one to two windows); when the current generation holds `capacity` keys, it
//! becomes the previous one early and the oldest counts are forgotten. Keys are capped at
//! [`MAX_KEY_BYTES`]. No request ever scans the table.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::AppError;

/// Keys longer than this are cut (at a character boundary): a key is an email, an address
/// or an id, never longer in honest use.
pub const MAX_KEY_BYTES: usize = 254;

/// Keys a limiter remembers per generation by default.
pub const DEFAULT_CAPACITY: usize = 65_536;

/// Maps a rotation let go, dropped once the lock is released.
type Freed = [HashMap<Box<str>, u32>; 2];

#[derive(Debug)]
struct Generations {
    started: Instant,
    current: HashMap<Box<str>, u32>,
    previous: HashMap<Box<str>, u32>,
}

impl Generations {
    /// Moves to a new generation when the window has passed (or `early`); returns the maps
    /// let go, so the caller frees them after unlocking.
    fn rotate(&mut self, now: Instant, window: Duration, early: bool) -> Freed {
        let age = now.saturating_duration_since(self.started);
        if !early && age < window {
            return Freed::default();
        }
        self.started = now;
        let current = std::mem::take(&mut self.current);
        if !early && age >= window * 2 {
            // Nothing happened for two windows: both generations are stale.
            return [current, std::mem::take(&mut self.previous)];
        }
        [
            std::mem::replace(&mut self.previous, current),
            HashMap::new(),
        ]
    }

    fn count(&self, key: &str) -> u32 {
        self.current.get(key).copied().unwrap_or(0) + self.previous.get(key).copied().unwrap_or(0)
    }
}

/// Counts attempts per key and refuses once `max` are remembered.
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    capacity: usize,
    table: Mutex<Generations>,
}

fn cut(key: &str) -> &str {
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    let mut end = MAX_KEY_BYTES;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    &key[..end]
}

impl RateLimiter {
    /// Allows `max` attempts per `window` for each key.
    pub fn new(max: u32, window: Duration) -> Self {
        Self::with_capacity(max, window, DEFAULT_CAPACITY)
    }

    /// Like [`RateLimiter::new`], remembering at most `capacity` keys per generation.
    pub fn with_capacity(max: u32, window: Duration, capacity: usize) -> Self {
        Self {
            max,
            window,
            capacity: capacity.max(1),
            table: Mutex::new(Generations {
                started: Instant::now(),
                current: HashMap::new(),
                previous: HashMap::new(),
            }),
        }
    }

    fn with<T>(&self, now: Instant, f: impl FnOnce(&mut Generations) -> T) -> T {
        let (out, freed) = {
            let mut table = self
                .table
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let freed = table.rotate(now, self.window, false);
            (f(&mut table), freed)
        };
        drop(freed);
        out
    }

    /// Takes one attempt for `key`: `RateLimited` (and nothing counted) when its attempts are
    /// used up, else counted and Ok.
    pub fn take(&self, key: &str) -> Result<(), AppError> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: &str, now: Instant) -> Result<(), AppError> {
        let key = cut(key);
        let mut freed = Freed::default();
        let out = self.with(now, |t| {
            if t.count(key) >= self.max {
                // Counted in the current generation: it ends, then one more window.
                let left = self
                    .window
                    .saturating_sub(now.saturating_duration_since(t.started));
                let more = if t.current.get(key).copied().unwrap_or(0) >= self.max {
                    self.window
                } else {
                    Duration::ZERO
                };
                return Err(AppError::RateLimited {
                    retry_after_secs: (left + more).as_secs().max(1),
                });
            }
            if t.current.len() >= self.capacity && !t.current.contains_key(key) {
                freed = t.rotate(now, self.window, true);
            }
            match t.current.get_mut(key) {
                Some(n) => *n += 1,
                None => {
                    t.current.insert(key.into(), 1);
                }
            }
            Ok(())
        });
        drop(freed);
        out
    }

    /// Gives back one attempt taken for `key` (it was not a failure after all).
    pub fn release(&self, key: &str) {
        let key = cut(key);
        self.with(Instant::now(), |t| {
            for map in [&mut t.current, &mut t.previous] {
                if let Some(n) = map.get_mut(key).filter(|n| **n > 0) {
                    *n -= 1;
                    return;
                }
            }
        });
    }

    /// Forgets every attempt of `key`.
    pub fn clear(&self, key: &str) {
        let key = cut(key);
        self.with(Instant::now(), |t| {
            t.current.remove(key);
            t.previous.remove(key);
        });
    }

    /// Keys remembered (both generations).
    pub fn len(&self) -> usize {
        self.with(Instant::now(), |t| t.current.len() + t.previous.len())
    }

    /// True when no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The limits the app enforces.
///
/// Sign-in failures count per account *and client* (`sign_in_client`): a stranger guessing
/// an account's password locks out only their own address. A slower per-account limit across
/// all clients (`sign_in_account`, ten times as many) stops guessing from many addresses; only
/// it can keep the owner out, and only for one to two windows after such an attack. A
/// signed-in user's password change counts on its own (`password_change`), never blocked by
/// anyone else's failures.
#[derive(Debug)]
pub struct Limits {
    /// Failed sign-ins per account and client address.
    pub sign_in_client: RateLimiter,
    /// Failed sign-ins per account from all clients.
    pub sign_in_account: RateLimiter,
    /// Failed sign-ins per client address, across accounts.
    pub sign_in_ip: RateLimiter,
    /// Sign-ups per client address.
    pub sign_up_ip: RateLimiter,
    /// Wrong current passwords per signed-in user.
    pub password_change: RateLimiter,
    /// Feedback from visitors (not signed in) per client address.
    pub feedback_ip: RateLimiter,
    /// Wrong second-factor codes per account, over an hour (a code has a million values;
    /// the password was right already).
    pub second_factor: RateLimiter,
}

/// Feedback submissions a visitor's IP may make per 15 minutes (members are not limited).
pub const FEEDBACK_PER_IP: u32 = 10;

/// How many times the per-client sign-in limit one account allows from all clients.
pub const ACCOUNT_FACTOR: u32 = 10;

impl Limits {
    /// Limits with the given per-window maxima over a 15-minute window.
    pub fn new(per_account: u32, per_ip: u32, sign_ups_per_ip: u32) -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            sign_in_client: RateLimiter::new(per_account, window),
            sign_in_account: RateLimiter::new(per_account.saturating_mul(ACCOUNT_FACTOR), window),
            sign_in_ip: RateLimiter::new(per_ip, window),
            sign_up_ip: RateLimiter::new(sign_ups_per_ip, window),
            password_change: RateLimiter::new(per_account, window),
            feedback_ip: RateLimiter::new(FEEDBACK_PER_IP, window),
            second_factor: RateLimiter::new(per_account, Duration::from_secs(60 * 60)),
        }
    }

    /// Takes a sign-in attempt for `account` from `ip` from all three sign-in limits, or
    /// none of them.
    pub fn take_sign_in(&self, account: &str, ip: &str) -> Result<(), AppError> {
        let client = format!("{ip} {account}");
        self.sign_in_ip.take(ip)?;
        if let Err(e) = self.sign_in_client.take(&client) {
            self.sign_in_ip.release(ip);
            return Err(e);
        }
        if let Err(e) = self.sign_in_account.take(account) {
            self.sign_in_ip.release(ip);
            self.sign_in_client.release(&client);
            return Err(e);
        }
        Ok(())
    }

    /// After a correct password: the attempt was no failure, and this client's earlier
    /// failures on the account are forgotten.
    pub fn signed_in(&self, account: &str, ip: &str) {
        self.sign_in_ip.release(ip);
        self.sign_in_account.release(account);
        self.sign_in_client.clear(&format!("{ip} {account}"));
    }
}

#[cfg(test)]
mod tests;
