//! The transport's rate limits, shared by all connections: at most `per_second` messages a
//! second (evenly spaced) and `per_hour` in any hour (counted per minute).

use std::collections::VecDeque;

use tokio::{
    sync::Mutex,
    time::{Duration, Instant, sleep_until},
};

/// Paces sending; `wait` returns when the next message may go.
pub struct Pacer {
    per_second: Option<u32>,
    per_hour: Option<u32>,
    state: Mutex<State>,
}

struct State {
    start: Instant,
    /// When the next message may go (the per-second spacing).
    next: Instant,
    /// Messages per minute since `start`, the last hour's minutes only.
    minutes: VecDeque<(u64, u32)>,
}

impl Pacer {
    /// No limit where `None`.
    pub fn new(per_second: Option<u32>, per_hour: Option<u32>) -> Self {
        let now = Instant::now();
        Self {
            per_second,
            per_hour,
            state: Mutex::new(State {
                start: now,
                next: now,
                minutes: VecDeque::new(),
            }),
        }
    }

    /// Waits for a slot and takes it.
    pub async fn wait(&self) {
        if self.per_second.is_none() && self.per_hour.is_none() {
            return;
        }
        loop {
            let mut s = self.state.lock().await;
            let now = Instant::now();
            let slot = match self.per_second {
                Some(_) => s.next.max(now),
                None => now,
            };
            let minute = (slot - s.start).as_secs() / 60;
            while s.minutes.front().is_some_and(|&(m, _)| m + 60 <= minute) {
                s.minutes.pop_front();
            }
            if let Some(limit) = self.per_hour {
                let used: u32 = s.minutes.iter().map(|&(_, n)| n).sum();
                if used >= limit {
                    // Full: wait until the oldest minute leaves the hour.
                    let oldest = s.minutes.front().map_or(minute, |&(m, _)| m);
                    let wake = s.start + Duration::from_secs((oldest + 60) * 60);
                    drop(s);
                    sleep_until(wake).await;
                    continue;
                }
            }
            match s.minutes.back_mut() {
                Some((m, n)) if *m == minute => *n += 1,
                _ => s.minutes.push_back((minute, 1)),
            }
            if let Some(rate) = self.per_second {
                s.next = slot + Duration::from_secs_f64(1.0 / f64::from(rate));
            }
            drop(s);
            sleep_until(slot).await;
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn per_second_spaces_messages_evenly() {
        let pacer = Pacer::new(Some(50), None);
        let t = Instant::now();
        for _ in 0..26 {
            pacer.wait().await;
        }
        // 25 gaps of 20 ms after the first.
        let took = t.elapsed();
        assert!(took >= Duration::from_millis(490), "{took:?}");
        assert!(took < Duration::from_millis(900), "{took:?}");
    }

    #[tokio::test]
    async fn per_hour_holds_the_message_over_the_limit() {
        let pacer = Pacer::new(None, Some(3));
        for _ in 0..3 {
            tokio::time::timeout(Duration::from_millis(100), pacer.wait())
                .await
                .expect("under the limit: no wait");
        }
        let fourth = tokio::time::timeout(Duration::from_millis(300), pacer.wait()).await;
        assert!(fourth.is_err(), "the fourth message of the hour must wait");
    }

    #[tokio::test]
    async fn no_limits_never_wait() {
        let pacer = Pacer::new(None, None);
        let t = Instant::now();
        for _ in 0..10_000 {
            pacer.wait().await;
        }
        assert!(t.elapsed() < Duration::from_millis(100));
    }
}
