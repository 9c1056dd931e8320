//! The commands that make accounts and keys: `server create-owner` and
//! `server create-api-key`.

use app::{
    accounts::{
        Email, Hasher, Password, PreferredName, Role,
        db::{NewUser, insert_user},
    },
    audit,
    i18n::parse_locale,
};
use std::io::BufRead;

use crate::{Config, open_database};

/// Creates an API key (from the command line, so no owner is named) and returns its id and
/// secret.
pub async fn create_api_key(
    config: &Config,
    name: &str,
    scopes: &[String],
    location: Option<i64>,
    rate: i64,
) -> Result<(i64, String), String> {
    use app::integrations::{db as keys, types};
    let name = types::key_name(name).map_err(|_| "name: 1 to 80 characters".to_owned())?;
    let scopes = types::Scope::parse_list(&scopes.join(" "))
        .map_err(|_| "scopes: members:read, purchases:write or codes:redeem".to_owned())?;
    let db = open_database(config).await.map_err(|e| e.to_string())?;
    let now = config.clock.now();
    let made = db
        .write(move |tx| {
            Box::pin(async move {
                if let Some(id) = location
                    && app::loyalty::db::program::location_name(tx, id)
                        .await?
                        .is_none()
                {
                    return Err(app::error::AppError::NotFound);
                }
                let secret = keys::new_secret();
                let key = keys::NewKey {
                    name: &name,
                    scopes: &scopes,
                    location_id: location,
                    rate_per_minute: rate,
                    created_by: None,
                    partner_id: None,
                };
                let id = keys::insert(tx, &key, &secret, now).await?;
                let detail = format!("{name}: {} (via command line)", types::Scope::join(&scopes));
                audit::db::record(
                    tx,
                    None,
                    "api_key.create",
                    &format!("api_key:{id}"),
                    &detail,
                )
                .await?;
                Ok((id, secret))
            })
        })
        .await
        .map_err(|e| match e {
            app::error::AppError::NotFound => {
                format!("no location has id {}", location.unwrap_or(0))
            }
            other => other.to_string(),
        });
    db.close().await;
    made
}

/// Creates an owner account, reading the password's first line from `input`.
pub async fn create_owner(
    config: &Config,
    email: &str,
    name: &str,
    language: &str,
    input: impl BufRead,
) -> Result<i64, String> {
    let email = Email::parse(email).map_err(|e| format!("email: {e}"))?;
    let name = PreferredName::parse(name).map_err(|e| format!("name: {e}"))?;
    let locale = parse_locale(language).ok_or("language: expected en, sv, nb, lv or pt")?;
    let line = input
        .lines()
        .next()
        .transpose()
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let password = Password::parse(line.trim_end_matches(['\r', '\n']))
        .map_err(|e| format!("password: {e}"))?;
    let db = open_database(config).await.map_err(|e| e.to_string())?;
    let hash = Hasher::new(1)
        .hash(&password)
        .await
        .map_err(|e| e.to_string())?;
    let shown = email.to_string();
    let id = db
        .write(move |tx| {
            Box::pin(async move {
                let new = NewUser::new(&email, &hash, Role::Owner, &name, locale);
                let id = insert_user(tx, &new, "cli", &Default::default(), app::db::Stamp::now())
                    .await?;
                audit::db::record(
                    tx,
                    None,
                    "owner.create",
                    &format!("user:{id}"),
                    "via command line",
                )
                .await?;
                Ok(id)
            })
        })
        .await
        .map_err(|e| {
            if e.field_message("email").is_some() {
                format!("an account with {shown} exists already")
            } else {
                e.to_string()
            }
        })?;
    db.close().await;
    Ok(id)
}
