//! Managers set feedback up: forms with their texts per language, and the case rule.

use leptos::prelude::*;

use super::*;

/// Adds a form (managers and owners): which questions it asks, and its words per language
/// (`title_xx` empty: no texts in that language; the form needs at least one).
#[server(prefix = "/api", endpoint = "feedback/save_form")]
pub async fn save_form(
    name: String,
    ask_nps: Option<String>,
    ask_csat: Option<String>,
    ask_text: Option<String>,
    ask_category: Option<String>,
    location_id: Option<i64>,
    title_en: Option<String>,
    title_sv: Option<String>,
    title_nb: Option<String>,
    title_lv: Option<String>,
    title_pt: Option<String>,
    intro_en: Option<String>,
    intro_sv: Option<String>,
    intro_nb: Option<String>,
    intro_lv: Option<String>,
    intro_pt: Option<String>,
) -> Result<FormView, AppError> {
    use crate::{
        db::timestamp,
        error::Msg,
        loyalty::program_api::imp::{audited, manager_write, name as valid_name},
    };
    crate::server::respond(
        async move {
            let name = valid_name(&name)?;
            let on = |v: &Option<String>| v.as_deref().is_some_and(|v| v == "on" || v == "true");
            let asks = Asks {
                nps: on(&ask_nps),
                csat: on(&ask_csat),
                text: on(&ask_text),
                category: on(&ask_category),
                choices: 0,
            };
            if !asks.nps && !asks.csat && !asks.text {
                return Err(AppError::field("ask_nps", Msg::FeedbackEmpty));
            }
            let mut texts = Vec::new();
            for (language, title, intro) in [
                ("en", title_en, intro_en),
                ("sv", title_sv, intro_sv),
                ("nb", title_nb, intro_nb),
                ("lv", title_lv, intro_lv),
                ("pt", title_pt, intro_pt),
            ] {
                let title = title.unwrap_or_default().trim().to_owned();
                if title.is_empty() {
                    continue;
                }
                texts.push(FormTexts {
                    language: language.to_owned(),
                    title: title.chars().take(120).collect(),
                    intro: intro.unwrap_or_default().trim().chars().take(500).collect(),
                    choice_question: String::new(),
                    choice_options: Vec::new(),
                });
            }
            if texts.is_empty() {
                return Err(AppError::field("title_en", Msg::NameRequired));
            }
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            let slug = if slug.is_empty() {
                "form".to_owned()
            } else {
                slug
            };
            let (me, st, mut tx) = manager_write().await?;
            let now = st.clock.now();
            let id = crate::feedback::engine::insert_form(
                &mut tx,
                &name,
                &slug,
                asks,
                location_id,
                &texts,
                &timestamp(now),
            )
            .await?;
            let view = crate::feedback::engine::form_view(&mut tx, ("id", &id.to_string()), "en")
                .await?
                .ok_or(AppError::Internal)?;
            audited(tx, &me, "feedback.save_form", &format!("form:{id}"), view).await
        }
        .await,
    )
}

/// Sets when feedback opens a case (managers and owners): `nps_max` (−1: never), `csat_max`
/// (0: never), `case_categories` (comma-separated), `sla_hours`, `assign_to` (empty: nobody)
/// and the forms' default language.
#[server(prefix = "/api", endpoint = "feedback/save_settings")]
pub async fn save_feedback_settings(
    nps_max: String,
    csat_max: String,
    case_categories: Option<String>,
    sla_hours: String,
    assign_to: Option<i64>,
    default_language: String,
) -> Result<crate::feedback::types::FeedbackSettings, AppError> {
    use crate::feedback::types::FeedbackSettings;
    use crate::{
        db::timestamp,
        error::Msg,
        loyalty::program_api::imp::{audited, manager_write},
    };
    crate::server::respond(
        async move {
            let number = |field: &str, raw: &str, range: std::ops::RangeInclusive<i64>| {
                raw.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| AppError::field(field, Msg::ScoreInvalid))
            };
            let mut categories = Vec::new();
            for c in case_categories
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                categories.push(
                    Category::parse(c)
                        .ok_or_else(|| AppError::field("case_categories", Msg::CategoryInvalid))?,
                );
            }
            let language = crate::i18n::parse_locale(default_language.trim())
                .ok_or_else(|| AppError::field("default_language", Msg::LanguageInvalid))?;
            let settings = FeedbackSettings {
                nps_max: number("nps_max", &nps_max, -1..=10)?,
                csat_max: number("csat_max", &csat_max, 0..=5)?,
                case_categories: categories,
                sla_hours: number("sla_hours", &sla_hours, 1..=720)
                    .map_err(|_| AppError::field("sla_hours", Msg::HoursInvalid))?,
                assign_to,
                default_language: {
                    use crate::i18n::LocaleExt as _;
                    language.as_str().to_owned()
                },
            };
            let (me, st, mut tx) = manager_write().await?;
            if let Some(to) = assign_to {
                let role: Option<String> =
                    sqlx::query_scalar("SELECT role FROM users WHERE id = ?")
                        .bind(to)
                        .fetch_optional(&mut *tx)
                        .await?;
                if role.is_none_or(|r| r == "member") {
                    return Err(AppError::field("assign_to", Msg::MemberUnknown));
                }
            }
            crate::feedback::engine::save_settings(&mut tx, &settings, &timestamp(st.clock.now()))
                .await?;
            audited(
                tx,
                &me,
                "feedback.save_settings",
                "feedback_settings",
                settings,
            )
            .await
        }
        .await,
    )
}
