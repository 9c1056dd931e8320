//! The owner's two-factor server functions: the shop-wide rule for owners and managers, and
//! removing another staff account's second factor after a lost phone.

use leptos::prelude::*;

use crate::error::AppError;

/// Whether the shop requires owners and managers to sign in with a second factor (owners).
#[server(prefix = "/api", endpoint = "staff/two_factor_required")]
pub async fn two_factor_required() -> Result<bool, AppError> {
    use super::api::imp::*;
    require(Role::Owner)?;
    let st = state()?;
    Ok(db::required(&mut *st.db.reader.acquire().await?).await?)
}

/// Sets the shop's rule (owners). Turning it on needs the owner's own second factor first,
/// and ends the sessions of owners and managers without one: they set it up at their next
/// sign-in.
#[server(prefix = "/api", endpoint = "staff/set_two_factor_required")]
pub async fn set_two_factor_required(required: bool) -> Result<(), AppError> {
    use super::api::imp::*;
    write_as(Role::Owner, move |tx, me, _| {
        Box::pin(async move {
            if required && !db::state(tx, me.id).await?.enabled {
                return Err(AppError::field("required", Msg::TwoFactorEnableFirst));
            }
            let ended = db::set_required(tx, required).await?;
            let detail = format!("required={required} sessions_ended={ended}");
            audit::db::record(tx, Some(me.id), "setting.two_factor", "security", &detail).await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}

/// Removes another staff account's second factor (a lost phone) and ends its sessions
/// (owners). If the shop requires one, they set up a new one at their next sign-in.
#[server(prefix = "/api", endpoint = "staff/reset_two_factor")]
pub async fn reset_two_factor(user_id: i64) -> Result<(), AppError> {
    use super::api::imp::*;
    write_as(Role::Owner, move |tx, me, _| {
        Box::pin(async move {
            if me.id == user_id {
                return Err(AppError::Forbidden);
            }
            let staff = find_login_by_id(tx, user_id).await?;
            if !staff.is_some_and(|s| s.role.is_staff()) || !db::remove(tx, user_id).await? {
                return Err(AppError::NotFound);
            }
            db::end_sessions(tx, user_id).await?;
            let subject = format!("user:{user_id}");
            audit::db::record(tx, Some(me.id), "staff.two_factor_reset", &subject, "").await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}
