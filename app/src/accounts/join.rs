//! What joining writes, and how the confirmation link finishes it. The form's answer is the
//! same whether or not the address already has an account ("check your inbox"), so it never
//! tells a stranger who is a member: a new address gets its account and a confirmation link;
//! a known one gets a message instead — the link again while it is unconfirmed, otherwise a
//! note that the account exists. Either message goes out at most once an hour per account.
//! A phone number another account has is not named as taken either: the account is made
//! without it, and the confirmation says so.

use sqlx::SqliteConnection;

use super::db::{self, InsertUserError, NewUser};
use crate::{
    campaigns::prefs::RequestProof,
    db::Stamp,
    error::{AppError, Msg},
};

/// How long a confirmation link also signs its member in (the first time it is used).
pub const SIGN_IN_WINDOW_SECS: i64 = 48 * 3600;

/// Writes a sign-up: the new member's id, or `None` when the address had an account (and a
/// message to it was queued instead).
pub async fn join(
    tx: &mut SqliteConnection,
    new: &NewUser<'_>,
    proof: &RequestProof,
    referral: Option<&str>,
    now: Stamp,
) -> Result<Option<i64>, AppError> {
    let referral = referral.map(str::trim).filter(|c| !c.is_empty());
    // Checked before the address, so a bad code is refused the same way for everyone.
    if let Some(code) = referral
        && crate::perks::engine::referrer_by_code(tx, code)
            .await?
            .is_none()
    {
        return Err(AppError::field("referral", Msg::ReferralUnknown));
    }
    let mut inserted = db::insert_user(tx, new, "sign_up", proof, now).await;
    // A number another account has is left out rather than named as taken (that would tell a
    // stranger whose number it is); the confirmation tells the address's owner.
    let phone_left_out = matches!(inserted, Err(InsertUserError::PhoneTaken));
    if phone_left_out {
        let without = NewUser {
            phone: None,
            sms_marketing: false,
            ..*new
        };
        inserted = db::insert_user(tx, &without, "sign_up", proof, now).await;
    }
    let id = match inserted {
        Ok(id) => id,
        Err(InsertUserError::EmailTaken) => {
            tell_existing(tx, new.email.as_str(), now).await?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let email = new.email.as_str();
    let language = crate::i18n::LocaleExt::as_str(new.language);
    let key = format!("confirm:{id}:{email}");
    crate::outbox::queue_one(
        tx,
        "confirm_email",
        None,
        id,
        "email",
        email,
        language,
        &key,
        now,
    )
    .await?;
    if phone_left_out {
        sqlx::query("UPDATE outbox SET note = 'phone_not_saved' WHERE dedupe_key = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(code) = referral {
        crate::perks::engine::set_referrer(tx, id, code)
            .await
            .map_err(|_| AppError::field("referral", Msg::ReferralUnknown))?;
    }
    Ok(Some(id))
}

/// Someone joined with an address that has an account: the account's owner hears of it, in
/// the account's language.
async fn tell_existing(tx: &mut SqliteConnection, email: &str, now: Stamp) -> Result<(), AppError> {
    let (id, language, confirmed): (i64, String, bool) = sqlx::query_as(
        "SELECT id, language, email_confirmed_at IS NOT NULL FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_one(&mut *tx)
    .await?;
    let hour = now.unix() / 3600;
    let (kind, key) = if confirmed {
        ("account_exists", format!("exists:{id}:{hour}"))
    } else {
        ("confirm_email", format!("confirm:{id}:{email}:{hour}"))
    };
    crate::outbox::queue_one(tx, kind, None, id, "email", email, &language, &key, now).await?;
    Ok(())
}

/// The account a confirmation link belongs to.
#[derive(sqlx::FromRow)]
pub struct Confirmed {
    /// The member.
    pub id: i64,
    /// Their session epoch.
    pub epoch: i64,
    /// Their role.
    pub role: super::Role,
    /// Their language.
    pub language: String,
    /// Whether this use of the link also signs them in: the first confirmation, within
    /// [`SIGN_IN_WINDOW_SECS`] of the link being sent, of an account that is not disabled.
    pub signs_in: bool,
}

/// Confirms the address a `confirm_email` message with `token` went to. `None` when the
/// token names no open account at that address.
pub async fn confirm(
    tx: &mut SqliteConnection,
    token: &str,
    now: Stamp,
) -> Result<Option<Confirmed>, sqlx::Error> {
    let found: Option<Confirmed> = sqlx::query_as(
        "SELECT u.id, u.session_epoch AS epoch, u.role, u.language,
                (u.email_confirmed_at IS NULL AND u.disabled_at IS NULL
                 AND o.created_at >= $2) AS signs_in
         FROM outbox o JOIN users u ON u.id = o.user_id AND u.email = o.address
         WHERE o.token = $1 AND o.kind = 'confirm_email' AND u.closed_at IS NULL",
    )
    .bind(token)
    .bind(now.plus_secs(-SIGN_IN_WINDOW_SECS))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(c) = &found {
        sqlx::query(
            "UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, $1) WHERE id = $2",
        )
        .bind(now)
        .bind(c.id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(found)
}
