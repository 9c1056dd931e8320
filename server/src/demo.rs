//! Demo data for a first look: a shop with an owner, a manager, a counter worker and members in
//! each language. Loaded only into an empty database, never over real data.

use app::{
    accounts::{
        Email, Hasher, Password, PreferredName, Role,
        db::{NewUser, count_users, insert_user},
    },
    db::Db,
    error::AppError,
};

/// One demo account.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    /// Sign-in email.
    pub email: &'static str,
    /// Preferred name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Language code.
    pub language: &'static str,
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "regulars-demo";

/// The demo accounts.
pub const DEMO_LOGINS: [DemoLogin; 8] = [
    DemoLogin {
        email: "owner@example.com",
        name: "Olivia",
        role: Role::Owner,
        language: "en",
    },
    DemoLogin {
        email: "manager@example.com",
        name: "Mateus",
        role: Role::Manager,
        language: "pt",
    },
    DemoLogin {
        email: "staff@example.com",
        name: "Sanna",
        role: Role::Staff,
        language: "sv",
    },
    DemoLogin {
        email: "anna@example.com",
        name: "Anna",
        role: Role::Member,
        language: "sv",
    },
    DemoLogin {
        email: "ola@example.com",
        name: "Ola",
        role: Role::Member,
        language: "nb",
    },
    DemoLogin {
        email: "liga@example.com",
        name: "Līga",
        role: Role::Member,
        language: "lv",
    },
    DemoLogin {
        email: "joao@example.com",
        name: "João",
        role: Role::Member,
        language: "pt",
    },
    DemoLogin {
        email: "sam@example.com",
        name: "Sam",
        role: Role::Member,
        language: "en",
    },
];

/// Why demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A demo value failed to parse or hash (a bug in this file).
    #[error("demo data is invalid: {0}")]
    Invalid(String),
}

impl From<AppError> for DemoError {
    fn from(e: AppError) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// Loads the demo shop if the database has no accounts at all. Returns whether it did.
pub async fn load_if_empty(db: &Db, hasher: &Hasher) -> Result<bool, DemoError> {
    let mut tx = db.begin_write().await?;
    if count_users(&mut tx).await? > 0 {
        return Ok(false);
    }
    let password = Password::parse(DEMO_PASSWORD).map_err(|e| DemoError::Invalid(e.to_string()))?;
    let hash = hasher.hash(&password).await?;
    for login in DEMO_LOGINS {
        let email = Email::parse(login.email).map_err(|e| DemoError::Invalid(e.to_string()))?;
        let name =
            PreferredName::parse(login.name).map_err(|e| DemoError::Invalid(e.to_string()))?;
        let member = login.role == Role::Member;
        let new = NewUser {
            email: &email,
            password_hash: &hash,
            role: login.role,
            name: &name,
            language: login.language,
            email_marketing: member,
            sms_marketing: false,
        };
        insert_user(&mut tx, &new, "demo")
            .await
            .map_err(|e| DemoError::Invalid(e.to_string()))?;
    }
    tx.commit().await?;
    Ok(true)
}
