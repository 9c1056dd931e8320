//! Account queries. Functions take a connection or transaction; the caller owns the
//! transaction, so a sign-up and its consent records commit together or not at all.

use sqlx::SqliteConnection;

mod bulk;
pub use bulk::{NewMember, insert_members};

use super::types::{CurrentUser, Email, PreferredName, Role};
use crate::db::{Stamp, is_unique_violation};

/// A new account to insert.
#[derive(Debug)]
pub struct NewUser<'a> {
    /// Normalised email.
    pub email: &'a Email,
    /// argon2id PHC string.
    pub password_hash: &'a str,
    /// Role.
    pub role: Role,
    /// Preferred name.
    pub name: &'a PreferredName,
    /// Language.
    pub language: crate::i18n::Locale,
    /// Email marketing consent.
    pub email_marketing: bool,
    /// SMS marketing consent.
    pub sms_marketing: bool,
    /// Phone number in E.164 form (see `members::phone::Phone`), if given.
    pub phone: Option<&'a str>,
}

impl<'a> NewUser<'a> {
    /// An account with `role` and no marketing consent or phone (staff accounts; a member
    /// signing up adds theirs).
    pub fn new(
        email: &'a Email,
        password_hash: &'a str,
        role: Role,
        name: &'a PreferredName,
        language: crate::i18n::Locale,
    ) -> Self {
        Self {
            email,
            password_hash,
            role,
            name,
            language,
            email_marketing: false,
            sms_marketing: false,
            phone: None,
        }
    }
}

/// Why an insert failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    /// An account with this email exists.
    #[error("email already registered")]
    EmailTaken,
    /// Another account has this phone number.
    #[error("phone already registered")]
    PhoneTaken,
    /// Anything else.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<InsertUserError> for crate::error::AppError {
    /// A taken email or phone is that field's error (sign-up keeps it vague on purpose:
    /// `email_unavailable` does not say the account exists).
    fn from(err: InsertUserError) -> Self {
        use crate::error::{AppError, Msg};
        match err {
            InsertUserError::EmailTaken => AppError::field("email", Msg::EmailUnavailable),
            InsertUserError::PhoneTaken => AppError::field("phone", Msg::PhoneUnavailable),
            InsertUserError::Db(e) => e.into(),
        }
    }
}

/// A member's referral code: ten upper-case hex digits (40 random bits).
fn referral_code() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 5];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Inserts an account (with its referral code, its consent records and, for a member, a
/// zero balance row that every later point movement updates), joined at `now` (the app's
/// clock), and returns its id.
pub async fn insert_user(
    conn: &mut SqliteConnection,
    user: &NewUser<'_>,
    source: &str,
    proof: &crate::campaigns::prefs::RequestProof,
    now: Stamp,
) -> Result<i64, InsertUserError> {
    let mut tries = 0;
    let id: i64 = loop {
        let inserted = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, role, preferred_name, language,
                                email_marketing, sms_marketing, phone, referral_code, created_at,
                                updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(user.password_hash)
        .bind(user.role)
        .bind(user.name.as_str())
        .bind(user.language)
        .bind(user.email_marketing)
        .bind(user.sms_marketing)
        .bind(user.phone)
        .bind(referral_code())
        .bind(now)
        .fetch_one(&mut *conn)
        .await;
        match inserted {
            Ok(id) => break id,
            Err(e) if is_unique_violation(&e) && e.to_string().contains("users.phone") => {
                return Err(InsertUserError::PhoneTaken);
            }
            // 2^40 codes: a clash is all but impossible; try again rather than fail.
            Err(e)
                if is_unique_violation(&e)
                    && e.to_string().contains("users.referral_code")
                    && tries < 3 =>
            {
                tries += 1;
            }
            Err(e) if is_unique_violation(&e) => return Err(InsertUserError::EmailTaken),
            Err(e) => return Err(e.into()),
        }
    };
    if user.role == Role::Member {
        member_rows(conn, &[id]).await?;
    }
    for (channel, granted) in [("email", user.email_marketing), ("sms", user.sms_marketing)] {
        if granted {
            let language = crate::i18n::LocaleExt::as_str(user.language);
            record_consent(
                conn,
                id,
                channel,
                true,
                source,
                now,
                &proof.of(language, channel),
            )
            .await?;
        }
    }
    Ok(id)
}

/// What new members `ids` have besides their accounts: a zero balance row (joined at the
/// account's time) that every later point movement updates, and their search entries.
async fn member_rows(conn: &mut SqliteConnection, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(ids).unwrap_or_default();
    sqlx::query(
        "INSERT INTO member_balances (member_id, balance, updated_at)
         SELECT id, 0, created_at FROM users WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(&list)
    .execute(&mut *conn)
    .await?;
    crate::members::search::index_new(conn, &list).await
}

/// What proves a consent event: the words shown (version, SHA-256) and where the request came
/// from. Empty for changes no person made through a form (an account closing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proof {
    /// Version of the consent texts.
    pub text_version: Option<String>,
    /// SHA-256 (hex) of the exact words shown.
    pub text_hash: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Client `User-Agent`.
    pub user_agent: Option<String>,
}

/// Records a grant or withdrawal of marketing consent on `channel` (`email`, `sms`): the proof
/// of it. The caller updates the account's current flag in the same transaction.
pub async fn record_consent(
    conn: &mut SqliteConnection,
    user_id: i64,
    channel: &str,
    granted: bool,
    source: &str,
    at: Stamp,
    proof: &Proof,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO consent_events (user_id, channel, granted, source, created_at,
             text_version, text_hash, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(user_id)
    .bind(channel)
    .bind(granted)
    .bind(source)
    .bind(at)
    .bind(&proof.text_version)
    .bind(&proof.text_hash)
    .bind(&proof.ip)
    .bind(&proof.user_agent)
    .execute(conn)
    .await?;
    Ok(())
}

/// What sign-in needs to know about an account.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginRow {
    /// Account id.
    pub id: i64,
    /// Stored hash.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Language.
    pub language: crate::i18n::Locale,
    /// Current session epoch.
    #[sqlx(rename = "session_epoch")]
    pub epoch: i64,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

const LOGIN_SELECT: &str = "SELECT id, password_hash, role, language, session_epoch,
    disabled_at IS NOT NULL AS disabled FROM users";

/// The account with this email.
pub async fn find_login_by_email(
    conn: &mut SqliteConnection,
    email: &Email,
) -> Result<Option<LoginRow>, sqlx::Error> {
    let sql = format!("{LOGIN_SELECT} WHERE email = $1");
    sqlx::query_as(&sql)
        .bind(email.as_str())
        .fetch_optional(conn)
        .await
}

/// The account with this id.
pub async fn find_login_by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<LoginRow>, sqlx::Error> {
    let sql = format!("{LOGIN_SELECT} WHERE id = $1");
    sqlx::query_as(&sql).bind(id).fetch_optional(conn).await
}

/// The account a session points at, if it is still enabled and the session's epoch is current.
pub async fn session_user(
    conn: &mut SqliteConnection,
    id: i64,
    epoch: i64,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, preferred_name, role, language FROM users
         WHERE id = $1 AND session_epoch = $2 AND disabled_at IS NULL",
    )
    .bind(id)
    .bind(epoch)
    .fetch_optional(conn)
    .await
}

/// Stores a new password hash and ends every session (bumps the epoch); returns the new epoch.
pub async fn set_password(
    conn: &mut SqliteConnection,
    id: i64,
    hash: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2
         WHERE id = $3 RETURNING session_epoch",
    )
    .bind(hash)
    .bind(Stamp::now())
    .bind(id)
    .fetch_one(conn)
    .await
}

/// Stores the account's language.
pub async fn set_language(
    conn: &mut SqliteConnection,
    id: i64,
    language: crate::i18n::Locale,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET language = $1, updated_at = $2 WHERE id = $3")
        .bind(language)
        .bind(Stamp::now())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Number of accounts (any role).
pub async fn count_users(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await
}
