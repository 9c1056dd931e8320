//! The analytics' two shop settings (owners and managers, on the settings page): the churn
//! window — a member with no purchase for this many days counts as lost — and what 100 points
//! are worth, for the points liability. The glance and points pages (and their CSVs) use them
//! unless the view names others.

use serde::{Deserialize, Serialize};

use crate::{error::AppError, loyalty::rules::Currency};
use leptos::prelude::*;

/// The churn window when the shop has set none: no purchase for this many days.
pub const CHURN_DAYS: i64 = 90;
/// What 100 points are worth when the shop has set nothing, in minor units (1.00).
pub const VALUE_OF_100: i64 = 100;

/// The saved settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub churn_days: i64,
    /// Minor units of the shop's currency.
    pub value_of_100: i64,
    pub currency: Currency,
}

/// The saved settings (managers and owners).
#[server(prefix = "/api", endpoint = "analytics/settings")]
pub async fn analytics_settings() -> Result<Settings, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    let (churn_days, value_of_100) = db::saved(&mut conn).await?;
    let currency = crate::loyalty::db::program::settings(&mut conn)
        .await?
        .currency;
    Ok(Settings {
        churn_days,
        value_of_100,
        currency,
    })
}

/// Saves the churn window (whole days, 1–3,650) and the value of 100 points (an amount, 0.01 to
/// 10,000.00); a blank field saves the product's default. Owners and managers; audited.
#[server(prefix = "/api", endpoint = "analytics/settings_save")]
pub async fn save_analytics_settings(
    churn_days: String,
    value_of_100: String,
) -> Result<(), AppError> {
    use crate::accounts::Role;
    let churn_days = db::churn_field(Some(&churn_days), CHURN_DAYS)?;
    let value_of_100 = db::value_field(Some(&value_of_100), VALUE_OF_100)?;
    crate::server::write_as(Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            sqlx::query(
                "UPDATE analytics_settings SET churn_days = $1, value_of_100 = $2, updated_at = $3
                 WHERE id = 1",
            )
            .bind(churn_days)
            .bind(value_of_100)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let detail = format!("churn_days={churn_days} value_of_100={value_of_100}");
            crate::audit::db::record(tx, Some(me.id), "analytics.settings", "shop", &detail)
                .await?;
            Ok(())
        })
    })
    .await
}

/// Console → Settings: the churn window and the value of 100 points.
#[component]
pub fn AnalyticsSettingsCard() -> impl IntoView {
    use crate::{
        i18n::{LocaleExt as _, format, t, use_i18n},
        ui::{Field, FormError, Loading, SavedNotice, last_error},
    };
    use leptos::form::ActionForm;
    let i18n = use_i18n();
    let action = ServerAction::<SaveAnalyticsSettings>::new();
    let error = last_error(action);
    let saved = Resource::new(move || action.version().get(), |_| analytics_settings());
    view! {
        <section class="card">
            <h2>{t!(i18n, settings.analytics_title)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    saved.await.map(|s| {
                        let l = i18n.get_locale_untracked().as_str();
                        view! {
                            <ActionForm action=action attr:novalidate=true>
                                <FormError error=error />
                                <Field name="churn_days" kind="number" error=error value=s.churn_days.to_string()
                                    hint=ViewFn::from(move || t!(i18n, settings.churn_days_hint))>
                                    {t!(i18n, settings.churn_days)}
                                </Field>
                                <Field name="value_of_100" error=error value=format::amount_input(l, s.value_of_100)
                                    hint=ViewFn::from(move || t!(i18n, settings.value_of_100_hint))>
                                    {t!(i18n, settings.value_of_100)}" ("{s.currency.code()}")"
                                </Field>
                                <button type="submit" class="button primary">{t!(i18n, settings.save)}</button>
                                <SavedNotice action=action>{move || t!(i18n, settings.saved)}</SavedNotice>
                            </ActionForm>
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod db {
    use sqlx::SqliteConnection;

    use crate::error::{AppError, Msg};

    /// The saved churn window and value of 100 points.
    pub async fn saved(conn: &mut SqliteConnection) -> Result<(i64, i64), sqlx::Error> {
        sqlx::query_as("SELECT churn_days, value_of_100 FROM analytics_settings WHERE id = 1")
            .fetch_one(conn)
            .await
    }

    /// The churn window field: blank is `default`; otherwise whole days, 1 to 3,650.
    pub fn churn_field(value: Option<&str>, default: i64) -> Result<i64, AppError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .ok()
                .filter(|d| (1..=3_650).contains(d))
                .ok_or_else(|| AppError::field("churn_days", Msg::DaysInvalid)),
        }
    }

    /// The value field: blank is `default`; otherwise an amount from 0.01 to 10,000.00.
    pub fn value_field(value: Option<&str>, default: i64) -> Result<i64, AppError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => crate::loyalty::rules::parse_amount(v)
                .ok()
                .filter(|m| (1..=1_000_000).contains(m))
                .ok_or_else(|| AppError::field("value_of_100", Msg::AmountInvalid)),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_blank_field_is_the_default_and_others_are_checked() {
            assert_eq!(churn_field(None, 60), Ok(60));
            assert_eq!(churn_field(Some(" "), 60), Ok(60));
            assert_eq!(churn_field(Some("45"), 60), Ok(45));
            assert_eq!(churn_field(Some("3650"), 60), Ok(3_650));
            for bad in ["0", "-3", "3651", "1.5", "ninety"] {
                assert!(churn_field(Some(bad), 60).is_err(), "{bad}");
            }
            assert_eq!(value_field(None, 35), Ok(35));
            assert_eq!(value_field(Some(""), 35), Ok(35));
            assert_eq!(value_field(Some("0.50"), 35), Ok(50));
            assert_eq!(value_field(Some("0,35"), 100), Ok(35));
            assert_eq!(value_field(Some(" 2 "), 100), Ok(200));
            assert_eq!(value_field(Some("10000"), 35), Ok(1_000_000));
            for bad in ["0", "10000.01", "-1", "1.234", "abc"] {
                assert!(value_field(Some(bad), 35).is_err(), "{bad}");
            }
        }
    }
}
