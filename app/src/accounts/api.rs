//! Account server functions: sign up, sign in, sign out, change password, language. Each is
//! thin: rate limit → parse → hash/verify → database → session.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;

use super::types::CurrentUser;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    pub use super::super::{
        db::{self, NewUser},
        session,
        types::{Email, IntoFieldError, Password, PreferredName, Role},
    };
    pub use crate::{
        error::{AppError, Msg},
        i18n::LocaleExt as _,
        i18n::parse_locale,
        server::{caller, client_ip, set_cookie, state},
    };

    /// Remembers the language in the cookie the i18n layer reads.
    pub fn set_lang_cookie(code: &str, secure: bool) {
        set_cookie(&crate::i18n::lang_cookie(code, secure));
    }

    /// The value, or `None` with `field`'s error noted in `errors`.
    pub fn noted<T, E: Into<Msg>>(
        errors: &mut Vec<(&'static str, Msg)>,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        result.map_err(|e| errors.push((field, e.into()))).ok()
    }

    /// Where an account lands after signing in.
    pub fn home_of(role: Role) -> &'static str {
        match role {
            // Counter staff work the till: that is their home.
            Role::Staff => "/console/counter",
            Role::Manager | Role::Owner => "/console",
            Role::Member => "/",
        }
    }

    /// Signs `id` in on this request's session — or starts its second step when the account
    /// has or needs one — and sends the browser where it lands.
    pub async fn begin_session(
        id: i64,
        epoch: i64,
        role: Role,
        language: &str,
    ) -> Result<(), AppError> {
        let st = state()?;
        let session = this_session().await?;
        let step = {
            let mut conn = st.db.reader.acquire().await?;
            super::super::two_factor::second_step(&mut conn, id, role).await?
        };
        match step {
            Some(enrol) => {
                session::start_pending(&session, id, epoch, enrol).await?;
                leptos_axum::redirect(if enrol {
                    "/account/two-factor"
                } else {
                    "/sign-in/code"
                });
            }
            None => {
                session::start(&session, id, epoch).await?;
                set_lang_cookie(language, st.secure_cookies);
                leptos_axum::redirect(home_of(role));
            }
        }
        Ok(())
    }

    /// The session of this request.
    pub async fn this_session() -> Result<tower_sessions::Session, AppError> {
        leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "no session layer");
                AppError::Internal
            })
    }
}

/// The signed-in account, or `None`.
#[server(prefix = "/api", endpoint = "accounts/me")]
pub async fn current_account() -> Result<Option<CurrentUser>, AppError> {
    Ok(imp::caller())
}

/// Creates a member account and sends the link that confirms its address and signs it in;
/// an address that has an account gets a message instead, and the answer is the same.
/// Consents are off unless their box was ticked.
#[server(prefix = "/api", endpoint = "accounts/sign_up")]
pub async fn sign_up(
    email: String,
    password: String,
    preferred_name: String,
    language: String,
    email_marketing: Option<String>,
    sms_marketing: Option<String>,
    phone: Option<String>,
    /// A referrer's code, from a `/join?ref=CODE` link.
    referral: Option<String>,
) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let ip = client_ip();
    // Taken at once (concurrent sign-ups cannot all pass), given back if the form is
    // refused: only accounts made, or hashes spent, count.
    st.limits.sign_up_ip.take(&ip)?;
    let country = {
        let mut conn = st.db.reader.acquire().await?;
        crate::members::db::shop_country(&mut conn).await?
    };
    // Every field is checked before answering, so the form shows all its errors at once.
    let mut errors = Vec::new();
    let e = &mut errors;
    let name = noted(e, "preferred_name", PreferredName::parse(&preferred_name));
    let email = noted(e, "email", Email::parse(&email));
    let phone = match phone.as_deref().map(str::trim) {
        None | Some("") if sms_marketing.is_some() => {
            noted(e, "phone", Err(Msg::PhoneNeededForSms))
        }
        None | Some("") => Some(None),
        // Stored in E.164; a national number takes the shop's country.
        Some(raw) => noted(
            e,
            "phone",
            crate::members::phone::Phone::parse(raw, country.as_deref())
                .map(|p| Some(p.as_str().to_owned())),
        ),
    };
    let password = noted(e, "password", Password::parse(&password));
    let locale = noted(
        e,
        "language",
        parse_locale(&language).ok_or(Msg::LanguageInvalid),
    );
    let (Some(name), Some(email), Some(phone), Some(password), Some(locale)) =
        (name, email, phone, password, locale)
    else {
        st.limits.sign_up_ip.release(&ip);
        return Err(AppError::from_fields(errors).unwrap_or(AppError::BadRequest));
    };
    // Hash before looking at the email, so a taken address costs the same time.
    let hash = st.hasher.hash(&password).await?;
    let (by_email, by_sms) = (email_marketing.is_some(), sms_marketing.is_some());
    let proof = crate::campaigns::prefs::request_proof();
    let now = st.clock.now();
    let joined = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let new = NewUser {
                    email: &email,
                    password_hash: &hash,
                    role: Role::Member,
                    name: &name,
                    language: locale,
                    email_marketing: by_email,
                    sms_marketing: by_sms,
                    phone: phone.as_deref(),
                };
                super::join::join(tx, &new, &proof, referral.as_deref(), now).await
            })
        })
        .await?;
    // The same answer either way: the confirmation link signs a new member in.
    match joined {
        Some(id) => tracing::info!(user_id = id, "member signed up"),
        None => tracing::info!("sign-up with a known address: its owner was told"),
    }
    set_lang_cookie(locale.as_str(), st.secure_cookies);
    leptos_axum::redirect("/join/sent");
    Ok(())
}

/// Signs in with email and password. The error never says which of the two was wrong.
#[server(prefix = "/api", endpoint = "accounts/sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let ip = client_ip();
    // An address that cannot be one is refused before any hashing and never becomes
    // a limiter key.
    let email = Email::parse(&email).map_err(|e| e.into_field_error("email"))?;
    // Taken before hashing, so concurrent guesses cannot all pass the check.
    st.limits.take_sign_in(email.as_str(), &ip)?;
    let row = db::find_login_by_email(&mut *st.db.reader.acquire().await?, &email).await?;
    let stored = row.as_ref().map(|r| r.password_hash.clone());
    let verified = st.hasher.verify(stored, &password).await?;
    let row = match row {
        Some(row) if verified && !row.disabled => row,
        _ => return Err(AppError::InvalidCredentials),
    };
    st.limits.signed_in(email.as_str(), &ip);
    begin_session(row.id, row.epoch, row.role, row.language.as_str()).await
}

/// Signs out of this browser.
#[server(prefix = "/api", endpoint = "accounts/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use imp::*;
    session::end(&this_session().await?).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Changes the caller's password. Every other session of the account ends; this one
/// continues under a new id.
#[server(prefix = "/api", endpoint = "accounts/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use imp::*;
    let st = state()?;
    let me = caller().ok_or(AppError::Unauthorized)?;
    let new = Password::parse(&new_password).map_err(|e| e.into_field_error("new_password"))?;
    // Counted per user, apart from sign-in failures: nobody else's guesses block it.
    let key = me.id.to_string();
    st.limits.password_change.take(&key)?;
    let row = db::find_login_by_id(&mut *st.db.reader.acquire().await?, me.id).await?;
    let stored = row.map(|r| r.password_hash);
    if !st.hasher.verify(stored, &current_password).await? {
        return Err(AppError::field(
            "current_password",
            Msg::CurrentPasswordWrong,
        ));
    }
    st.limits.password_change.release(&key);
    let hash = st.hasher.hash(&new).await?;
    let id = me.id;
    let epoch = st
        .db
        .write(move |tx| Box::pin(async move { Ok(db::set_password(tx, id, &hash).await?) }))
        .await?;
    tracing::info!(user_id = me.id, "password changed; other sessions ended");
    session::start(&this_session().await?, me.id, epoch).await?;
    Ok(())
}

/// Switches the language: remembered in a cookie, and on the account when signed in.
/// Returns the language code now in use.
#[server(prefix = "/api", endpoint = "accounts/set_language")]
pub async fn set_language(language: String) -> Result<String, AppError> {
    use imp::*;
    let st = state()?;
    let locale =
        parse_locale(&language).ok_or_else(|| AppError::field("language", Msg::LanguageInvalid))?;
    if let Some(me) = caller() {
        st.db
            .write(move |tx| {
                Box::pin(async move { Ok(db::set_language(tx, me.id, locale).await?) })
            })
            .await?;
    }
    set_lang_cookie(locale.as_str(), st.secure_cookies);
    Ok(locale.as_str().to_owned())
}
