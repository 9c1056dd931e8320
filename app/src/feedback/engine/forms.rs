//! Forms with their texts per language, and the case timeline's events.

use super::*;

/// A form's own columns (its texts are read apart).
#[derive(sqlx::FromRow)]
struct FormRow {
    id: i64,
    name: String,
    slug: String,
    #[sqlx(flatten)]
    asks: Asks,
    location_id: Option<i64>,
    active: bool,
}

const FORM_COLUMNS: &str =
    "SELECT id, name, slug, ask_nps, ask_csat, ask_text, ask_category, location_id, active
     FROM feedback_forms";

/// Every language's texts of a form.
pub(super) async fn texts(
    conn: &mut SqliteConnection,
    form_id: i64,
) -> Result<Vec<FormTexts>, sqlx::Error> {
    sqlx::query_as::<_, (String, String, String, String, String)>(
        "SELECT language, title, intro, choice_question, choice_options
         FROM feedback_form_texts WHERE form_id = $1 ORDER BY language",
    )
    .bind(form_id)
    .fetch_all(conn)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(
                |(language, title, intro, choice_question, options)| FormTexts {
                    language,
                    title,
                    intro,
                    choice_question,
                    choice_options: options
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                },
            )
            .collect()
    })
}

/// A form as shown in `language` (its own texts, else the default language's, flagged).
/// `by` is `id` or `slug`.
pub async fn form_view(
    conn: &mut SqliteConnection,
    by: (&str, &str),
    language: &str,
) -> Result<Option<FormView>, AppError> {
    let column = if by.0 == "slug" { "slug" } else { "id" };
    let Some(r) = sqlx::query_as::<_, FormRow>(&format!("{FORM_COLUMNS} WHERE {column} = $1"))
        .bind(by.1)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let id = r.id;
    let default = settings(conn).await?.default_language;
    let all = texts(conn, id).await?;
    let chosen = all
        .iter()
        .find(|t| t.language == language)
        .or_else(|| all.iter().find(|t| t.language == default))
        .or_else(|| all.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let fallback = chosen.language != language;
    Ok(Some(FormView {
        id,
        name: r.name,
        slug: r.slug,
        asks: Asks {
            choices: chosen.choice_options.len(),
            ..r.asks
        },
        location_id: r.location_id,
        active: r.active,
        texts: chosen,
        fallback,
        missing: LANGUAGES
            .into_iter()
            .filter(|l| !all.iter().any(|t| t.language == *l))
            .map(str::to_owned)
            .collect(),
    }))
}

/// Every form, in `language` (staff).
pub async fn forms(conn: &mut SqliteConnection, language: &str) -> Result<Vec<FormView>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM feedback_forms ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(f) = form_view(conn, ("id", &id.to_string()), language).await? {
            out.push(f);
        }
    }
    Ok(out)
}

/// Every form with all its texts (the editor), missing languages listed.
pub async fn form_edits(conn: &mut SqliteConnection) -> Result<Vec<FormEdit>, sqlx::Error> {
    let rows: Vec<FormRow> = sqlx::query_as(&format!("{FORM_COLUMNS} ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id = r.id;
        let all = texts(conn, id).await?;
        let choices = all
            .iter()
            .map(|t| t.choice_options.len())
            .max()
            .unwrap_or(0);
        out.push(FormEdit {
            id,
            name: r.name,
            slug: r.slug,
            asks: Asks { choices, ..r.asks },
            location_id: r.location_id,
            active: r.active,
            missing: LANGUAGES
                .into_iter()
                .filter(|l| !all.iter().any(|t| t.language == *l))
                .map(str::to_owned)
                .collect(),
            texts: all,
        });
    }
    Ok(out)
}

/// The languages a form can have texts in, in editor order.
pub const LANGUAGES: [&str; 5] = ["en", "sv", "nb", "lv", "pt"];

/// What a form is, apart from its texts.
#[derive(Debug, Clone)]
pub struct FormHead<'a> {
    /// Internal name (unique).
    pub name: &'a str,
    /// Public link part; kept when a form is changed, so printed links keep working.
    pub slug: &'a str,
    /// Questions asked.
    pub asks: Asks,
    /// Its location, if any.
    pub location_id: Option<i64>,
    /// Open for answers.
    pub active: bool,
}

/// Adds a form (`id` `None`) or replaces an existing one's questions and texts; returns its id.
pub async fn save_form(
    conn: &mut SqliteConnection,
    id: Option<i64>,
    head: &FormHead<'_>,
    texts: &[FormTexts],
    at: Stamp,
) -> Result<i64, AppError> {
    let named = |e: sqlx::Error| {
        if crate::db::is_unique_violation(&e) {
            AppError::field("name", Msg::NameTaken)
        } else {
            e.into()
        }
    };
    let id: i64 = match id {
        None => sqlx::query_scalar(
            "INSERT INTO feedback_forms (name, slug, ask_nps, ask_csat, ask_text, ask_category,
               location_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(head.name)
        .bind(head.slug)
        .bind(head.asks.nps)
        .bind(head.asks.csat)
        .bind(head.asks.text)
        .bind(head.asks.category)
        .bind(head.location_id)
        .bind(head.active)
        .bind(at)
        .fetch_one(&mut *conn)
        .await
        .map_err(named)?,
        Some(id) => sqlx::query_scalar(
            "UPDATE feedback_forms SET name = $1, ask_nps = $2, ask_csat = $3, ask_text = $4,
               ask_category = $5, location_id = $6, active = $7 WHERE id = $8 RETURNING id",
        )
        .bind(head.name)
        .bind(head.asks.nps)
        .bind(head.asks.csat)
        .bind(head.asks.text)
        .bind(head.asks.category)
        .bind(head.location_id)
        .bind(head.active)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(named)?
        .ok_or(AppError::NotFound)?,
    };
    sqlx::query("DELETE FROM feedback_form_texts WHERE form_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for t in texts {
        sqlx::query(
            "INSERT INTO feedback_form_texts (form_id, language, title, intro, choice_question,
               choice_options) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&t.language)
        .bind(&t.title)
        .bind(&t.intro)
        .bind(&t.choice_question)
        .bind(t.choice_options.join("\n"))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Who submits and about what.
#[derive(Debug, Clone, Default)]
pub struct Submitter {
    /// The member, if signed in.
    pub member_id: Option<i64>,
    /// The purchase being rated, if any (must be the member's).
    pub purchase_id: Option<i64>,
    /// Contact details a visitor left.
    pub contact_name: Option<String>,
    /// Contact email a visitor left.
    pub contact_email: Option<String>,
    /// The language they used.
    pub language: String,
}

pub(super) async fn event(
    conn: &mut SqliteConnection,
    case_id: i64,
    actor: Option<i64>,
    kind: &str,
    body: &str,
    at: Stamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, actor_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(actor)
    .bind(kind)
    .bind(body)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}
