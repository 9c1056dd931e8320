//! Signed-in accounts remembered between requests, so resolving a session costs no query
//! while its account is unchanged.
//!
//! Every request looks up the account its session belongs to (id and session epoch, not
//! disabled). The answer is kept here by account id and forgotten as soon as the account's row
//! changes, so a disabled account, a new password (epoch), a changed role or language takes
//! effect on the next request:
//! - the write connection's update hook reports every changed `users` row (its rowid is the
//!   account id) while the transaction is open, and the writer reports the batch's end;
//!   both forget the account, the second because a reader may have read the row as it was
//!   before the commit in between;
//! - a lookup that overlapped any forgetting is answered but not kept;
//! - a change committed by another process (the command line) is not seen by the hook: the
//!   writer forgets everything when `PRAGMA data_version` shows one, and an entry is kept at
//!   most [`KEEP`] anyway.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::accounts::CurrentUser;

/// The longest an answer is kept (bounds what another process's change can go unseen).
pub const KEEP: Duration = Duration::from_secs(2);

/// Entries kept at most; beyond it the map starts over (a burst of sign-ins cannot grow it).
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
struct Inner {
    /// Bumped by every forgetting: a lookup stores its answer only if this did not move.
    forgotten: u64,
    /// The account, the session epoch it was valid for and when it was read.
    entries: HashMap<i64, (i64, Instant, CurrentUser)>,
    /// Accounts changed by the write transaction now open.
    changed: Vec<i64>,
}

/// The remembered accounts of one database.
#[derive(Debug, Default)]
pub struct Accounts(Mutex<Inner>);

impl Accounts {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut inner)
    }

    /// The update hook: account `id`'s row changed in the open write transaction.
    pub(super) fn changed(&self, id: i64) {
        self.with(|i| {
            i.forgotten += 1;
            i.entries.remove(&id);
            i.changed.push(id);
        });
    }

    /// The writer: the batch ended (committed or not); what it changed is forgotten again.
    pub(super) fn batch_ended(&self) {
        self.with(|i| {
            if i.changed.is_empty() {
                return;
            }
            i.forgotten += 1;
            for id in std::mem::take(&mut i.changed) {
                i.entries.remove(&id);
            }
        });
    }

    /// Another connection committed: any account may have changed.
    pub(super) fn forget_all(&self) {
        self.with(|i| {
            i.forgotten += 1;
            i.entries.clear();
        });
    }

    /// Account `id` as remembered for session epoch `epoch`, or the mark to pass to
    /// [`Accounts::keep`] after reading it from the database.
    pub fn get(&self, id: i64, epoch: i64) -> Result<CurrentUser, u64> {
        self.with(|i| match i.entries.get(&id) {
            Some((e, at, user)) if *e == epoch && at.elapsed() < KEEP => Ok(user.clone()),
            _ => Err(i.forgotten),
        })
    }

    /// Keeps `user`, read for session epoch `epoch` after [`Accounts::get`] returned `mark`,
    /// unless anything was forgotten since.
    pub fn keep(&self, mark: u64, epoch: i64, user: &CurrentUser) {
        self.with(|i| {
            if i.forgotten != mark {
                return;
            }
            if i.entries.len() >= MAX_ENTRIES {
                i.entries.clear();
            }
            i.entries
                .insert(user.id, (epoch, Instant::now(), user.clone()));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;

    fn user(id: i64, language: &str) -> CurrentUser {
        CurrentUser {
            id,
            email: format!("u{id}@example.com"),
            name: "U".into(),
            role: Role::Member,
            language: crate::i18n::parse_locale(language).expect("language"),
        }
    }

    #[test]
    fn an_account_is_kept_until_its_row_changes_or_the_epoch_differs() {
        let a = Accounts::default();
        let mark = a.get(1, 0).expect_err("nothing kept yet");
        a.keep(mark, 0, &user(1, "en"));
        assert_eq!(a.get(1, 0).ok(), Some(user(1, "en")));
        assert!(a.get(1, 1).is_err(), "another epoch is read again");
        let mark2 = a.get(2, 0).expect_err("other accounts apart");
        a.keep(mark2, 0, &user(2, "sv"));
        a.changed(1);
        assert!(a.get(1, 0).is_err(), "forgotten when its row changes");
        assert_eq!(a.get(2, 0).ok(), Some(user(2, "sv")), "others stay");
        a.forget_all();
        assert!(a.get(2, 0).is_err());
    }

    #[test]
    fn a_lookup_that_overlaps_a_change_or_a_commit_is_not_kept() {
        let a = Accounts::default();
        // Read before the change's commit: the old row must not outlive the commit.
        let mark = a.get(1, 0).expect_err("empty");
        a.changed(1);
        a.keep(mark, 0, &user(1, "en"));
        assert!(a.get(1, 0).is_err(), "not kept: a change overlapped");
        // Read after the hook but before the commit: forgotten again when the batch ends.
        let mark = a.get(1, 0).expect_err("empty");
        a.keep(mark, 0, &user(1, "en"));
        assert!(a.get(1, 0).is_ok());
        a.batch_ended();
        assert!(
            a.get(1, 0).is_err(),
            "the batch's end forgets what it changed"
        );
        // A batch that changed no account forgets nothing.
        let mark = a.get(1, 0).expect_err("empty");
        a.keep(mark, 0, &user(1, "en"));
        a.batch_ended();
        assert!(a.get(1, 0).is_ok());
    }
}
