//! Feedback in the database: forms and their texts, submissions (opening a case in the same
//! transaction when the rule says so), the case inbox and each case's timeline, resolution
//! with goodwill points through the ledger (once), and the quality numbers.
#![expect(
    clippy::type_complexity,
    reason = "report rows are read as plain tuples"
)]

use sqlx::SqliteConnection;

use super::types::{Answers, Asks, CaseStatus, Category, FeedbackSettings, is_urgent, opens_case};
use crate::{
    db::Stamp,
    error::{AppError, Msg},
    loyalty::{
        db::{self as ldb, Actor, NewMovement},
        types::MovementKind,
    },
};

use super::api::{
    CaseDetail, CaseEvent, CaseRow, FormEdit, FormTexts, FormView, MyFeedback, Quality, WeekRow,
};

/// The case rule and the default language.
pub async fn settings(conn: &mut SqliteConnection) -> Result<FeedbackSettings, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        settings: FeedbackSettings,
        case_categories: String,
    }
    let Row {
        mut settings,
        case_categories,
    } = sqlx::query_as(
        "SELECT nps_max, csat_max, case_categories, sla_hours, assign_to, default_language,
                goodwill_cap
         FROM feedback_settings WHERE id = 1",
    )
    .fetch_one(conn)
    .await?;
    settings.case_categories = case_categories
        .split(',')
        .filter_map(|c| Category::parse(c.trim()))
        .collect();
    Ok(settings)
}

/// Replaces the rule.
pub async fn save_settings(
    conn: &mut SqliteConnection,
    s: &FeedbackSettings,
    at: Stamp,
) -> Result<(), sqlx::Error> {
    let categories: Vec<&str> = s.case_categories.iter().map(|c| c.as_str()).collect();
    sqlx::query(
        "UPDATE feedback_settings SET nps_max = $1, csat_max = $2, case_categories = $3,
           sla_hours = $4, assign_to = $5, default_language = $6, goodwill_cap = $7, updated_at = $8
         WHERE id = 1",
    )
    .bind(s.nps_max)
    .bind(s.csat_max)
    .bind(categories.join(","))
    .bind(s.sla_hours)
    .bind(s.assign_to)
    .bind(&s.default_language)
    .bind(s.goodwill_cap)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

mod acts;
mod cases;
mod forms;
mod quality;
mod submit;

pub use acts::*;
pub use cases::*;
pub use forms::*;
pub use quality::*;
pub use submit::*;
