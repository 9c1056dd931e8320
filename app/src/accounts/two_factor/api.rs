//! Two-factor server functions of one's own account: the second sign-in step, setting up and
//! turning off an authenticator, recovery codes. The owner's functions are in `rule.rs`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the two-factor page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorInfo {
    /// Sign-in asks for a code.
    pub enabled: bool,
    /// The shop requires a second factor for this account's role (it cannot be turned off).
    pub required: bool,
    /// Unused recovery codes.
    pub recovery_left: i64,
    /// Set up but not confirmed: the secret to type in, in groups of four (the QR code is at
    /// `/account/two-factor.svg`).
    pub setup_secret: Option<String>,
    /// Recovery codes just made, shown this once.
    pub fresh_codes: Option<Vec<String>>,
    /// The password is accepted and the shop requires a second factor: setting one up
    /// finishes signing in.
    pub signing_in: bool,
    /// Where to go once done (the account's home).
    pub home: String,
}

#[cfg(feature = "ssr")]
pub(super) mod imp {
    pub use super::super::{code, db};
    pub use crate::{
        accounts::{
            Role,
            api::imp::{home_of, set_lang_cookie, this_session},
            db::{find_login_by_id, session_user},
            session::{self, Pending},
        },
        audit,
        error::{AppError, Msg},
        server::{AppState, caller, require, state, write_as},
    };

    /// Who may set up a second factor on this request: a signed-in owner or manager, or a
    /// session whose password was accepted and which must set one up to finish signing in.
    pub struct Enroller {
        pub user_id: i64,
        pub role: Role,
        pub pending: Option<Pending>,
    }

    pub async fn enroller() -> Result<Enroller, AppError> {
        if let Some(me) = caller() {
            return match me.role {
                Role::Owner | Role::Manager => Ok(Enroller {
                    user_id: me.id,
                    role: me.role,
                    pending: None,
                }),
                _ => Err(AppError::Forbidden),
            };
        }
        let st = state()?;
        match session::pending(&this_session().await?).await? {
            Some(p) if p.enrol => {
                let mut conn = st.db.reader.acquire().await?;
                let user = session_user(&mut conn, p.user_id, p.epoch)
                    .await?
                    .ok_or(AppError::Unauthorized)?;
                Ok(Enroller {
                    user_id: user.id,
                    role: user.role,
                    pending: Some(p),
                })
            }
            _ => Err(AppError::Unauthorized),
        }
    }

    /// Whether the shop requires a second factor of `role`.
    pub async fn required_for(st: &AppState, role: Role) -> Result<bool, AppError> {
        Ok(matches!(role, Role::Owner | Role::Manager)
            && db::required(&mut *st.db.reader.acquire().await?).await?)
    }

    /// The caller's password, checked under the per-user limit password changes use.
    pub async fn check_password(
        st: &AppState,
        user_id: i64,
        password: &str,
    ) -> Result<(), AppError> {
        let key = user_id.to_string();
        st.limits.password_change.take(&key)?;
        let row = find_login_by_id(&mut *st.db.reader.acquire().await?, user_id).await?;
        if !st
            .hasher
            .verify(row.map(|r| r.password_hash), password)
            .await?
        {
            return Err(AppError::field("password", Msg::CurrentPasswordWrong));
        }
        st.limits.password_change.release(&key);
        Ok(())
    }

    /// The TOTP step of the program's clock.
    pub fn now_step(st: &AppState) -> i64 {
        code::step_at(st.clock.now().unix())
    }

    /// Makes new recovery codes for `user_id` in `tx` and keeps them for the page to show.
    pub async fn fresh_recovery(
        tx: &mut sqlx::SqliteConnection,
        user_id: i64,
    ) -> Result<Vec<String>, AppError> {
        let codes = code::new_recovery_codes();
        db::replace_recovery(tx, user_id, &codes).await?;
        Ok(codes)
    }
}

/// The second sign-in step: a 6-digit code from the authenticator app, or a recovery code.
#[server(prefix = "/api", endpoint = "accounts/sign_in_code")]
pub async fn sign_in_code(code: String) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let session = this_session().await?;
    let again = || AppError::field("code", Msg::SignInAgain);
    let pending = session::pending(&session)
        .await?
        .filter(|p| !p.enrol)
        .ok_or_else(again)?;
    let typed =
        code::Typed::parse(&code).ok_or_else(|| AppError::field("code", Msg::CodeInvalid))?;
    // Taken before the code is checked, given back only when it is right.
    let key = pending.user_id.to_string();
    st.limits.second_factor.take(&key)?;
    let (user_id, epoch, step) = (pending.user_id, pending.epoch, now_step(&st));
    let (ok, user) = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let ok = match &typed {
                    code::Typed::Totp(n) => db::accept_totp(tx, user_id, *n, step, true).await?,
                    code::Typed::Recovery(r) => {
                        let used = db::use_recovery(tx, user_id, r).await?;
                        if used {
                            let subject = format!("user:{user_id}");
                            let action = "account.recovery_code_used";
                            audit::db::record(tx, Some(user_id), action, &subject, "").await?;
                        }
                        used
                    }
                };
                Ok((ok, session_user(tx, user_id, epoch).await?))
            })
        })
        .await?;
    if !ok {
        return Err(AppError::field("code", Msg::CodeInvalid));
    }
    st.limits.second_factor.release(&key);
    let user = user.ok_or_else(again)?;
    session::start(&session, user.id, pending.epoch).await?;
    set_lang_cookie(
        crate::i18n::LocaleExt::as_str(user.language),
        st.secure_cookies,
    );
    leptos_axum::redirect(home_of(user.role));
    Ok(())
}

/// The caller's second factor, for the two-factor page. Recovery codes just made are in it
/// once.
#[server(prefix = "/api", endpoint = "accounts/two_factor")]
pub async fn two_factor_status() -> Result<TwoFactorInfo, AppError> {
    use imp::*;
    let st = state()?;
    let who = enroller().await?;
    let state = db::state(&mut *st.db.reader.acquire().await?, who.user_id).await?;
    Ok(TwoFactorInfo {
        enabled: state.enabled,
        required: required_for(&st, who.role).await?,
        recovery_left: state.recovery_left,
        setup_secret: state.pending_secret.as_deref().map(code::grouped),
        fresh_codes: session::take_fresh_codes(&this_session().await?).await?,
        signing_in: who.pending.is_some(),
        home: home_of(who.role).to_owned(),
    })
}

/// Makes a new secret to set up in an authenticator app (replacing one not yet confirmed).
#[server(prefix = "/api", endpoint = "accounts/two_factor_start")]
pub async fn start_two_factor() -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let who = enroller().await?;
    let (user_id, secret) = (who.user_id, code::new_secret());
    st.db
        .write(move |tx| {
            Box::pin(async move {
                if !db::set_pending(tx, user_id, &secret).await? {
                    return Err(AppError::Conflict {
                        message_key: Msg::TwoFactorAlreadyOn,
                    });
                }
                Ok(())
            })
        })
        .await
}

/// Confirms the set-up secret with a code from the app: from now on sign-in asks for one.
/// Makes ten recovery codes (shown once on the page) and ends the account's other sessions;
/// a sign-in waiting for this is finished.
#[server(prefix = "/api", endpoint = "accounts/two_factor_confirm")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let who = enroller().await?;
    let Some(code::Typed::Totp(typed)) = code::Typed::parse(&code) else {
        return Err(AppError::field("code", Msg::CodeInvalid));
    };
    let key = who.user_id.to_string();
    st.limits.second_factor.take(&key)?;
    let (user_id, step) = (who.user_id, now_step(&st));
    let (codes, epoch) = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                if !db::accept_totp(tx, user_id, typed, step, false).await? {
                    return Err(AppError::field("code", Msg::CodeInvalid));
                }
                let codes = fresh_recovery(tx, user_id).await?;
                let epoch = db::end_sessions(tx, user_id).await?;
                let subject = format!("user:{}", user_id);
                audit::db::record(tx, Some(user_id), "account.two_factor_on", &subject, "").await?;
                Ok((codes, epoch))
            })
        })
        .await?;
    st.limits.second_factor.release(&key);
    tracing::info!(user_id = who.user_id, "two-factor sign-in turned on");
    let session = this_session().await?;
    session::start(&session, who.user_id, epoch).await?;
    session::put_fresh_codes(&session, codes).await?;
    Ok(())
}

/// Turns the caller's second factor off (password needed). Refused while the shop requires it.
#[server(prefix = "/api", endpoint = "accounts/two_factor_off")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let me = caller().ok_or(AppError::Unauthorized)?;
    if required_for(&st, me.role).await? {
        return Err(AppError::Conflict {
            message_key: Msg::TwoFactorRequired,
        });
    }
    check_password(&st, me.id, &password).await?;
    st.db
        .write(move |tx| {
            Box::pin(async move {
                if !db::remove(tx, me.id).await? {
                    return Err(AppError::NotFound);
                }
                let subject = format!("user:{}", me.id);
                audit::db::record(tx, Some(me.id), "account.two_factor_off", &subject, "").await?;
                Ok(())
            })
        })
        .await?;
    Ok(())
}

/// Replaces the caller's recovery codes with ten new ones, shown once (password needed).
#[server(prefix = "/api", endpoint = "accounts/recovery_codes")]
pub async fn renew_recovery_codes(password: String) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let me = caller().ok_or(AppError::Unauthorized)?;
    if !db::state(&mut *st.db.reader.acquire().await?, me.id)
        .await?
        .enabled
    {
        return Err(AppError::NotFound);
    }
    check_password(&st, me.id, &password).await?;
    let codes = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let codes = fresh_recovery(tx, me.id).await?;
                let subject = format!("user:{}", me.id);
                audit::db::record(tx, Some(me.id), "account.recovery_codes", &subject, "").await?;
                Ok(codes)
            })
        })
        .await?;
    session::put_fresh_codes(&this_session().await?, codes).await?;
    Ok(())
}
