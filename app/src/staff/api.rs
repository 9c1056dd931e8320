//! Staff management server functions. Owners only: creating or disabling an account is how
//! the shop controls who can see member data.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{accounts::Role, error::AppError};

/// A staff account as the console lists it.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// Account id.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Preferred name.
    #[cfg_attr(feature = "ssr", sqlx(rename = "preferred_name"))]
    pub name: String,
    /// Role.
    pub role: Role,
    /// When the account was created (UTC).
    pub created_at: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Signs in with a second factor.
    pub two_factor: bool,
}

#[cfg(feature = "ssr")]
use crate::{
    accounts::{
        Email, IntoFieldError, Password, PreferredName,
        db::{NewUser, insert_user},
    },
    audit,
    error::Msg,
    i18n::parse_locale,
    server::{require, state, write_as},
};

/// Every staff account.
#[server(prefix = "/api", endpoint = "staff/list")]
pub async fn list_staff() -> Result<Vec<StaffMember>, AppError> {
    require(Role::Owner)?;
    let st = state()?;
    Ok(super::db::list(&mut *st.db.reader.acquire().await?).await?)
}

/// Creates a staff account with a starting password the owner hands over.
#[server(prefix = "/api", endpoint = "staff/create")]
pub async fn create_staff(
    email: String,
    preferred_name: String,
    role: String,
    password: String,
    language: String,
) -> Result<i64, AppError> {
    // Refused before the (costly) password hash.
    require(Role::Owner)?;
    let st = state()?;
    let email = Email::parse(&email).map_err(|e| e.into_field_error("email"))?;
    let name =
        PreferredName::parse(&preferred_name).map_err(|e| e.into_field_error("preferred_name"))?;
    let role = Role::parse(&role)
        .filter(|r| r.is_staff())
        .ok_or_else(|| AppError::field("role", Msg::RoleInvalid))?;
    let password = Password::parse(&password).map_err(|e| e.into_field_error("password"))?;
    let locale =
        parse_locale(&language).ok_or_else(|| AppError::field("language", Msg::LanguageInvalid))?;
    let hash = st.hasher.hash(&password).await?;
    let now = st.clock.now();
    write_as(Role::Owner, move |tx, me, _| {
        Box::pin(async move {
            let new = NewUser::new(&email, &hash, role, &name, locale);
            let id = insert_user(tx, &new, "staff_create", &Default::default(), now).await?;
            let detail = format!("role={}", role.as_str());
            audit::db::record(
                tx,
                Some(me.id),
                "staff.create",
                &format!("user:{id}"),
                &detail,
            )
            .await?;
            Ok(id)
        })
    })
    .await
}

/// Disables (ends every session at once) or re-enables a staff account. An owner cannot
/// disable themselves, so a shop never locks out its last owner by accident.
#[server(prefix = "/api", endpoint = "staff/set_disabled")]
pub async fn set_staff_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    write_as(Role::Owner, move |tx, me, _| {
        Box::pin(async move {
            if me.id == user_id && disabled {
                return Err(AppError::field("user_id", Msg::CannotDisableSelf));
            }
            if !super::db::set_disabled(tx, user_id, disabled).await? {
                return Err(AppError::NotFound);
            }
            let action = if disabled {
                "staff.disable"
            } else {
                "staff.enable"
            };
            let subject = format!("user:{user_id}");
            audit::db::record(tx, Some(me.id), action, &subject, "").await?;
            Ok(())
        })
    })
    .await
}
