//! In-memory rate limits for sign-in and sign-up: a fixed window per key (an account's email
//! or a client's IP). In memory is enough for one server process; counts reset on restart.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::AppError;

/// Counts events per key within a window and refuses once `max` is reached.
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    buckets: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// Allows `max` events per `window` for each key.
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, (Instant, u32)>) -> T) -> T {
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (start, _)| start.elapsed() < window);
        }
        f(&mut map)
    }

    /// `RateLimited` when `key` has used up its window, else Ok. Does not count.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), AppError> {
        self.with(|map| match map.get(key) {
            Some((start, n)) if now.duration_since(*start) < self.window && *n >= self.max => {
                let left = self.window.saturating_sub(now.duration_since(*start));
                Err(AppError::RateLimited {
                    retry_after_secs: left.as_secs().max(1),
                })
            }
            _ => Ok(()),
        })
    }

    /// Counts one event for `key`.
    pub fn hit(&self, key: &str) {
        self.hit_at(key, Instant::now());
    }

    fn hit_at(&self, key: &str, now: Instant) {
        self.with(|map| {
            let entry = map.entry(key.to_owned()).or_insert((now, 0));
            if now.duration_since(entry.0) >= self.window {
                *entry = (now, 0);
            }
            entry.1 += 1;
        });
    }

    /// Forgets `key` (after a successful sign-in, its failures no longer count).
    pub fn clear(&self, key: &str) {
        self.with(|map| map.remove(key));
    }
}

/// The limits the accounts domain enforces.
#[derive(Debug)]
pub struct Limits {
    /// Failed sign-ins per account.
    pub sign_in_account: RateLimiter,
    /// Failed sign-ins per client IP.
    pub sign_in_ip: RateLimiter,
    /// Sign-ups per client IP.
    pub sign_up_ip: RateLimiter,
    /// Feedback from visitors (not signed in) per client IP.
    pub feedback_ip: RateLimiter,
}

/// Feedback submissions a visitor's IP may make per 15 minutes (members are not limited).
pub const FEEDBACK_PER_IP: u32 = 10;

impl Limits {
    /// Limits with the given per-window maxima over a 15-minute window.
    pub fn new(per_account: u32, per_ip: u32, sign_ups_per_ip: u32) -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            sign_in_account: RateLimiter::new(per_account, window),
            sign_in_ip: RateLimiter::new(per_ip, window),
            sign_up_ip: RateLimiter::new(sign_ups_per_ip, window),
            feedback_ip: RateLimiter::new(FEEDBACK_PER_IP, window),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_max_hits_and_others_are_not() {
        let l = RateLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(l.check("a").is_ok());
            l.hit("a");
        }
        assert!(
            matches!(l.check("a"), Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs <= 60)
        );
        assert!(l.check("b").is_ok());
        l.clear("a");
        assert!(l.check("a").is_ok());
    }

    #[test]
    fn the_window_resets_after_it_passes() {
        let l = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        l.hit_at("a", t0);
        assert!(l.check_at("a", t0 + Duration::from_secs(59)).is_err());
        assert!(l.check_at("a", t0 + Duration::from_secs(60)).is_ok());
        l.hit_at("a", t0 + Duration::from_secs(61));
        assert!(
            l.check_at("a", t0 + Duration::from_secs(62)).is_err(),
            "new window counts again"
        );
    }
}
