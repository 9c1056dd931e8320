//! Member-facing program texts in every language: the names and descriptions of offers,
//! rewards, tiers (name and benefit) and punch cards. Each item's own columns hold the shop's
//! default language (the one feedback forms fall back to); a translation per other language
//! may replace them for members who use it. Missing ones are flagged in the editor
//! (Console → Programs → Texts) and fall back to the default.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
pub mod db;
mod page;

pub use page::TextsPage;

/// What a text names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A member offer (title, description).
    Offer,
    /// A reward (name, description).
    Reward,
    /// A tier (name, benefit).
    Tier,
    /// A punch card (name).
    PunchCard,
}

impl Kind {
    /// Every kind, in the editor's order.
    pub const ALL: [Kind; 4] = [Kind::Offer, Kind::Reward, Kind::Tier, Kind::PunchCard];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::Reward => "reward",
            Kind::Tier => "tier",
            Kind::PunchCard => "punch_card",
        }
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether items of this kind have a description (punch cards have a name only).
    pub fn described(self) -> bool {
        self != Kind::PunchCard
    }
}

/// An item's text in one language.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    /// Language code.
    pub language: String,
    /// Name (an offer's title).
    pub name: String,
    /// Description (a tier's benefit); may be empty.
    pub description: String,
}

/// One item with its texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTexts {
    /// What it is.
    pub kind: Kind,
    /// Its id.
    pub id: i64,
    /// In the shop's default language (the item's own columns).
    pub name: String,
    /// In the shop's default language.
    pub description: String,
    /// Translations into other languages.
    pub translations: Vec<Translation>,
    /// Languages with no translation (members using them read the default).
    pub missing: Vec<String>,
}

/// Every member-facing item and its texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllTexts {
    /// The shop's default language.
    pub default_language: String,
    /// Offers, rewards, tiers and punch cards, in that order.
    pub items: Vec<ItemTexts>,
}

/// Longest name.
pub const MAX_NAME: usize = 120;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 1000;

/// Every item's texts (owners and managers).
#[server(prefix = "/api", endpoint = "program/texts")]
pub async fn program_texts() -> Result<AllTexts, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let mut conn = state()?.db.reader.acquire().await?;
    Ok(db::all(&mut conn).await?)
}

/// Saves one item's translations: `name_<lang>` and `description_<lang>` for each language
/// other than the default (the item's own form edits that one). Both empty: no translation
/// (the default shows). A description needs a name. Owners and managers.
#[server(prefix = "/api", endpoint = "program/texts_save")]
pub async fn save_texts(
    kind: String,
    item_id: i64,
    name_en: Option<String>,
    description_en: Option<String>,
    name_sv: Option<String>,
    description_sv: Option<String>,
    name_nb: Option<String>,
    description_nb: Option<String>,
    name_lv: Option<String>,
    description_lv: Option<String>,
    name_pt: Option<String>,
    description_pt: Option<String>,
) -> Result<ItemTexts, AppError> {
    use crate::{accounts::Role, error::Msg};
    let kind = Kind::parse(&kind).ok_or(AppError::BadRequest)?;
    let given = [
        ("en", name_en, description_en),
        ("sv", name_sv, description_sv),
        ("nb", name_nb, description_nb),
        ("lv", name_lv, description_lv),
        ("pt", name_pt, description_pt),
    ];
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for (lang, name, description) in given {
        let name = name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let description = if kind.described() {
            description
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned()
        } else {
            String::new()
        };
        let (name_field, description_field) = field_names(lang);
        if name.chars().count() > MAX_NAME {
            errors.push((name_field, Msg::TextTooLong));
        } else if name.is_empty() && !description.is_empty() {
            errors.push((name_field, Msg::TextRequired));
        }
        if description.chars().count() > MAX_DESCRIPTION {
            errors.push((description_field, Msg::TextTooLong));
        }
        texts.push((lang, (!name.is_empty()).then_some((name, description))));
    }
    if let Some(err) = AppError::from_fields(errors) {
        return Err(err);
    }
    crate::server::write_as(Role::Manager, move |tx, me, _now| {
        Box::pin(async move {
            let item = db::save(tx, kind, item_id, &texts)
                .await?
                .ok_or(AppError::NotFound)?;
            let subject = format!("{}:{item_id}", kind.as_str());
            let detail = item
                .translations
                .iter()
                .map(|t| t.language.as_str())
                .collect::<Vec<_>>()
                .join(",");
            crate::audit::db::record(tx, Some(me.id), "program.texts", &subject, &detail).await?;
            Ok(item)
        })
    })
    .await
}

/// The form field names of `lang` (`name_sv`, `description_sv`).
pub fn field_names(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "sv" => ("name_sv", "description_sv"),
        "nb" => ("name_nb", "description_nb"),
        "lv" => ("name_lv", "description_lv"),
        "pt" => ("name_pt", "description_pt"),
        _ => ("name_en", "description_en"),
    }
}
