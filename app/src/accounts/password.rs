//! Password hashing with argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane). Hashing is
//! deliberately slow, so it runs on the blocking pool behind a semaphore: a burst of sign-ins
//! queues instead of starving the async workers or exhausting memory. The permit lives in the
//! blocking task, so a client that hangs up mid-hash frees its slot only when the hash ends.

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use tokio::sync::Semaphore;

use super::types::Password;
use crate::error::AppError;

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Hashes and verifies passwords, at most `concurrency` at a time.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// A real hash of a random secret: verifying against it when an account does not exist
    /// costs the same time as a real check, so timing does not reveal which emails exist.
    decoy: Arc<str>,
    /// Hashes running now, and the most that ever ran at once.
    running: Arc<(AtomicUsize, AtomicUsize)>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

impl Hasher {
    /// A hasher allowing `concurrency` hashes at once (use the number of cores).
    pub fn new(concurrency: usize) -> Self {
        let decoy = hash_now("decoy password that matches nothing").unwrap_or_default();
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            decoy: decoy.into(),
            running: Arc::default(),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        // Waiting for a permit may be abandoned; a running hash may not: the permit moves into
        // the blocking task and is released when the hash is done, whoever still waits for it.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal)?;
        let running = Arc::clone(&self.running);
        tokio::task::spawn_blocking(move || {
            let now = running.0.fetch_add(1, Ordering::SeqCst) + 1;
            running.1.fetch_max(now, Ordering::SeqCst);
            let out = f();
            running.0.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hashing task failed");
            AppError::Internal
        })
    }

    /// A PHC-format argon2id hash of `password` with a fresh salt.
    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let pw = password.expose().to_owned();
        self.blocking(move || hash_now(&pw)).await?.map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
    }

    /// True when `password` matches `stored`; with no stored hash, spends the same time and
    /// returns false.
    pub async fn verify(&self, stored: Option<String>, password: &str) -> Result<bool, AppError> {
        let found = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.decoy.to_string());
        let pw = password.to_owned();
        let ok = self
            .blocking(move || {
                PasswordHash::new(&hash)
                    .is_ok_and(|h| argon2().verify_password(pw.as_bytes(), &h).is_ok())
            })
            .await?;
        Ok(found && ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_abandoned_by_their_callers_still_hold_their_slot() {
        let h = Hasher::new(2);
        // Twenty callers give up after a millisecond; their hashes run on regardless.
        for _ in 0..20 {
            let _ = tokio::time::timeout(
                std::time::Duration::from_millis(1),
                h.verify(None, "a wrong password"),
            )
            .await;
        }
        let waiting: Vec<_> = (0..4)
            .map(|_| {
                let h = h.clone();
                tokio::spawn(async move { h.verify(None, "another wrong password").await })
            })
            .collect();
        for w in waiting {
            assert!(!w.await.expect("task").expect("verify"));
        }
        while h.running.0.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(
            h.running.1.load(Ordering::SeqCst) <= 2,
            "{} hashes ran at once",
            h.running.1.load(Ordering::SeqCst)
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let h = Hasher::new(1);
        let pw = Password::parse("correct horse battery").expect("valid");
        let stored = h.hash(&pw).await.expect("hash");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(
            h.verify(Some(stored.clone()), "correct horse battery")
                .await
                .expect("verify")
        );
        assert!(
            !h.verify(Some(stored), "correct horse battery!")
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn a_missing_account_never_verifies() {
        let h = Hasher::new(1);
        assert!(
            !h.verify(None, "decoy password that matches nothing")
                .await
                .expect("verify")
        );
    }
}
