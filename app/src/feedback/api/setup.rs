//! Managers set feedback up: forms with their texts per language, and the case rule.

use leptos::prelude::*;

use super::*;

/// The case rule and every form with all its texts (managers and owners).
#[server(prefix = "/api", endpoint = "feedback/setup")]
pub async fn load_feedback_setup() -> Result<FeedbackSetup, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    Ok(FeedbackSetup {
        settings: crate::feedback::engine::settings(&mut conn).await?,
        forms: crate::feedback::engine::form_edits(&mut conn).await?,
        base_url: st.base_url.to_string(),
    })
}

/// One language's words of a form as posted: title (empty: none in this language), intro,
/// choice question and its options, one per line.
#[cfg(feature = "ssr")]
type PostedTexts = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Checks one language's posted words; `None` when the language has no title.
#[cfg(feature = "ssr")]
fn posted_texts(
    language: &str,
    (title, intro, question, options): PostedTexts,
) -> Result<Option<FormTexts>, AppError> {
    use crate::error::Msg;
    let clean = |v: Option<String>, max: usize| -> String {
        v.unwrap_or_default().trim().chars().take(max).collect()
    };
    let title = clean(title, 120);
    let question = clean(question, 200);
    let options: Vec<String> = options
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().chars().take(80).collect::<String>())
        .filter(|l| !l.is_empty())
        .collect();
    if title.is_empty() {
        return Ok(None);
    }
    if !question.is_empty() && !(2..=10).contains(&options.len())
        || question.is_empty() && !options.is_empty()
    {
        return Err(AppError::field(
            &format!("choice_options_{language}"),
            Msg::ChoicesInvalid,
        ));
    }
    Ok(Some(FormTexts {
        language: language.to_owned(),
        title,
        intro: clean(intro, 500),
        choice_question: question,
        choice_options: options,
    }))
}

/// Adds a form, or changes form `form_id` (managers and owners): which questions it asks, and
/// its words per language (`title_xx` empty: no texts in that language, which then shows the
/// default language's; a form needs at least one). A choice question has 2–10 options, one per
/// line, and the same number in every language that has texts. A changed form keeps its link.
#[server(prefix = "/api", endpoint = "feedback/save_form")]
pub async fn save_form(
    form_id: Option<i64>,
    name: String,
    ask_nps: Option<String>,
    ask_csat: Option<String>,
    ask_text: Option<String>,
    ask_category: Option<String>,
    active: Option<String>,
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
    choice_question_en: Option<String>,
    choice_question_sv: Option<String>,
    choice_question_nb: Option<String>,
    choice_question_lv: Option<String>,
    choice_question_pt: Option<String>,
    choice_options_en: Option<String>,
    choice_options_sv: Option<String>,
    choice_options_nb: Option<String>,
    choice_options_lv: Option<String>,
    choice_options_pt: Option<String>,
) -> Result<FormEdit, AppError> {
    use crate::{
        error::Msg,
        feedback::engine::{FormHead, LANGUAGES},
        loyalty::program_api::imp::{audited, name as valid_name},
    };
    let name = valid_name("name", &name, Msg::FormNameRequired)?;
    let on = |v: &Option<String>| v.as_deref().is_some_and(|v| v == "on" || v == "true");
    let mut texts = Vec::new();
    let posted = [
        (title_en, intro_en, choice_question_en, choice_options_en),
        (title_sv, intro_sv, choice_question_sv, choice_options_sv),
        (title_nb, intro_nb, choice_question_nb, choice_options_nb),
        (title_lv, intro_lv, choice_question_lv, choice_options_lv),
        (title_pt, intro_pt, choice_question_pt, choice_options_pt),
    ];
    for (language, p) in LANGUAGES.into_iter().zip(posted) {
        texts.extend(posted_texts(language, p)?);
    }
    // Answers store the option's number: every language must offer as many.
    let choices = texts.first().map_or(0, |t| t.choice_options.len());
    if let Some(odd) = texts.iter().find(|t| t.choice_options.len() != choices) {
        return Err(AppError::field(
            &format!("choice_options_{}", odd.language),
            Msg::ChoicesInvalid,
        ));
    }
    let asks = Asks {
        nps: on(&ask_nps),
        csat: on(&ask_csat),
        text: on(&ask_text),
        category: on(&ask_category),
        choices,
    };
    if !asks.nps && !asks.csat && !asks.text {
        return Err(AppError::field("ask_nps", Msg::FormAsksNothing));
    }
    let slug = crate::social::slug_of(&name, "form");
    // A new form is open for answers unless unticked; a changed one says so itself.
    let active = form_id.is_none() && active.is_none() || on(&active);
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let head = FormHead {
                name: &name,
                slug: &slug,
                asks,
                location_id,
                active,
            };
            let at = now;
            // Missing languages fall back to the shop's default one, so that one must be there.
            let default = crate::feedback::engine::settings(&mut *tx)
                .await?
                .default_language;
            if !texts.iter().any(|t| t.language == default) {
                return Err(AppError::field(
                    &format!("title_{default}"),
                    Msg::FormTitleRequired,
                ));
            }
            if let Some(l) = location_id
                && !crate::loyalty::db::program::location_exists(&mut *tx, l).await?
            {
                return Err(AppError::field("location_id", Msg::LocationRequired));
            }
            let id =
                crate::feedback::engine::save_form(&mut *tx, form_id, &head, &texts, at).await?;
            let edit = crate::feedback::engine::form_edits(&mut *tx)
                .await?
                .into_iter()
                .find(|f| f.id == id)
                .ok_or(AppError::Internal)?;
            audited(
                &mut *tx,
                &me,
                "feedback.save_form",
                &format!("form:{id}"),
                edit,
            )
            .await
        })
    })
    .await
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
    goodwill_cap: Option<String>,
) -> Result<crate::feedback::types::FeedbackSettings, AppError> {
    use crate::feedback::types::FeedbackSettings;
    use crate::{error::Msg, loyalty::program_api::imp::audited};
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
    // Left out: unchanged.
    let cap = match goodwill_cap.as_deref().map(str::trim) {
        None => None,
        Some(raw) => Some(
            number("goodwill_cap", raw, 0..=100_000)
                .map_err(|_| AppError::field("goodwill_cap", Msg::PointsInvalid))?,
        ),
    };
    let mut settings = FeedbackSettings {
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
        goodwill_cap: cap.unwrap_or_default(),
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            if cap.is_none() {
                settings.goodwill_cap = crate::feedback::engine::settings(&mut *tx)
                    .await?
                    .goodwill_cap;
            }
            if let Some(to) = assign_to {
                let role: Option<String> =
                    sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
                        .bind(to)
                        .fetch_optional(&mut *tx)
                        .await?;
                if role.is_none_or(|r| r == "member") {
                    return Err(AppError::field("assign_to", Msg::MemberUnknown));
                }
            }
            crate::feedback::engine::save_settings(&mut *tx, &settings, now).await?;
            audited(
                tx,
                &me,
                "feedback.save_settings",
                "feedback_settings",
                settings,
            )
            .await
        })
    })
    .await
}
