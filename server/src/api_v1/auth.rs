//! Who is calling: the API key in `Authorization: Bearer`, looked up by its hash (a revoked
//! or unknown key is 401), held to its requests per minute (429 with `Retry-After`), and
//! marked used at most once a minute so reads do not queue writes.

use app::{
    error::AppError,
    integrations::{Scope, db as keys},
};
use axum::{extract::FromRequestParts, http::request::Parts};
use std::{collections::HashMap, sync::Mutex, time::Instant};

use super::{ApiState, problem::Problem};

/// The calling key, for handlers.
pub struct Key(pub keys::Caller);

impl Key {
    /// Refuses (403) unless the key holds `scope`.
    pub fn require(&self, scope: Scope) -> Result<&keys::Caller, Problem> {
        if self.0.scopes.contains(&scope) {
            Ok(&self.0)
        } else {
            Err(Problem::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                format!("this key lacks the scope {}", scope.as_str()),
            ))
        }
    }
}

/// How stale a key's "last used" may get before a request writes it again.
const TOUCH_EVERY_SECS: i64 = 60;

impl FromRequestParts<ApiState> for Key {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, st: &ApiState) -> Result<Self, Problem> {
        let secret = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let caller = {
            let mut conn = st.app.db.reader.acquire().await?;
            keys::caller(&mut conn, secret).await?
        }
        .ok_or(AppError::Unauthorized)?;
        st.buckets
            .take(caller.id, caller.rate_per_minute, Instant::now())?;
        let now = st.app.clock.now();
        let stale = caller
            .last_used_at
            .as_deref()
            .and_then(|t| t.parse::<app::db::Stamp>().ok())
            .is_none_or(|at| (now - at).as_secs() >= TOUCH_EVERY_SECS);
        if stale {
            let id = caller.id;
            st.app
                .db
                .write(move |tx| Box::pin(async move { Ok(keys::touch(tx, id, now).await?) }))
                .await?;
        }
        Ok(Key(caller))
    }
}

/// Requests left per key: a bucket of a minute's requests, refilled continuously.
#[derive(Debug, Default)]
pub struct Buckets(Mutex<HashMap<i64, (f64, Instant)>>);

impl Buckets {
    /// Takes one request from key `id`'s bucket (`per_minute` requests a minute), or says how
    /// many seconds until one is free.
    pub fn take(&self, id: i64, per_minute: i64, now: Instant) -> Result<(), AppError> {
        let rate = per_minute.max(1) as f64 / 60.0;
        let full = per_minute.max(1) as f64;
        let mut table = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, at) = table.entry(id).or_insert((full, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(full);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        Err(AppError::RateLimited {
            retry_after_secs: ((1.0 - *tokens) / rate).ceil().max(1.0) as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_holds_a_minute_of_requests_and_refills_over_time() {
        let b = Buckets::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(b.take(1, 3, t0), Ok(()));
        }
        assert_eq!(
            b.take(1, 3, t0),
            Err(AppError::RateLimited {
                retry_after_secs: 20
            })
        );
        // Another key has its own bucket.
        assert_eq!(b.take(2, 3, t0), Ok(()));
        // A third of a minute later, one request is free again (and only one).
        let later = t0 + Duration::from_secs(20);
        assert_eq!(b.take(1, 3, later), Ok(()));
        assert!(b.take(1, 3, later).is_err());
    }
}
