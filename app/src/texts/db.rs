//! Program text queries, and the member's language applied to what their pages read.

use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::{AllTexts, ItemTexts, Kind, Translation};
use crate::i18n::LANGUAGES;

/// The shop's default language (feedback forms and program texts fall back to it).
pub async fn default_language(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT default_language FROM feedback_settings WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map(|l| l.unwrap_or_else(|| "en".to_owned()))
}

/// Every item's own texts: `(kind, id, name, description)`.
const ITEMS: &str = "SELECT 'offer' AS kind, id, title AS name, description FROM offers
    UNION ALL SELECT 'reward', id, name, description FROM rewards
    UNION ALL SELECT 'tier', id, name, perks FROM tiers
    UNION ALL SELECT 'punch_card', id, name, '' FROM punch_cards";

/// Every item with its translations and missing languages.
pub async fn all(conn: &mut SqliteConnection) -> Result<AllTexts, sqlx::Error> {
    let default = default_language(conn).await?;
    let rows: Vec<(String, i64, String, String)> =
        sqlx::query_as(ITEMS).fetch_all(&mut *conn).await?;
    let mut by_item = translations(conn, None).await?;
    let mut items: Vec<ItemTexts> = rows
        .into_iter()
        .filter_map(|(kind, id, name, description)| {
            let kind = Kind::parse(&kind)?;
            let translations = by_item.remove(&(kind, id)).unwrap_or_default();
            Some(item(kind, id, name, description, translations, &default))
        })
        .collect();
    items.sort_by_key(|i| (Kind::ALL.iter().position(|k| *k == i.kind), i.id));
    Ok(AllTexts {
        default_language: default,
        items,
    })
}

fn item(
    kind: Kind,
    id: i64,
    name: String,
    description: String,
    translations: Vec<Translation>,
    default: &str,
) -> ItemTexts {
    let missing = LANGUAGES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| *code != default && !translations.iter().any(|t| t.language == *code))
        .map(str::to_owned)
        .collect();
    ItemTexts {
        kind,
        id,
        name,
        description,
        translations,
        missing,
    }
}

/// Translations by item, of every language or of `language` only.
async fn translations(
    conn: &mut SqliteConnection,
    language: Option<&str>,
) -> Result<HashMap<(Kind, i64), Vec<Translation>>, sqlx::Error> {
    let rows: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT kind, item_id, language, name, description FROM program_texts
         WHERE $1 IS NULL OR language = $1 ORDER BY kind, item_id, language",
    )
    .bind(language)
    .fetch_all(conn)
    .await?;
    let mut out: HashMap<(Kind, i64), Vec<Translation>> = HashMap::new();
    for (kind, id, language, name, description) in rows {
        if let Some(kind) = Kind::parse(&kind) {
            out.entry((kind, id)).or_default().push(Translation {
                language,
                name,
                description,
            });
        }
    }
    Ok(out)
}

/// Replaces item `id`'s translations with `texts` (`None`: none for that language; the
/// default language is skipped, its text is the item's own). `None` when there is no such
/// item.
pub async fn save(
    conn: &mut SqliteConnection,
    kind: Kind,
    id: i64,
    texts: &[(&str, Option<(String, String)>)],
) -> Result<Option<ItemTexts>, sqlx::Error> {
    let own: Option<(String, String)> = sqlx::query_as(&format!(
        "SELECT name, description FROM ({ITEMS}) WHERE kind = $1 AND id = $2"
    ))
    .bind(kind.as_str())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((name, description)) = own else {
        return Ok(None);
    };
    let default = default_language(conn).await?;
    for (lang, text) in texts.iter().filter(|(l, _)| *l != default) {
        match text {
            Some((name, description)) => {
                sqlx::query(
                    "INSERT INTO program_texts (kind, item_id, language, name, description)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (kind, item_id, language)
                     DO UPDATE SET name = excluded.name, description = excluded.description",
                )
                .bind(kind.as_str())
                .bind(id)
                .bind(lang)
                .bind(name)
                .bind(description)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM program_texts WHERE kind = $1 AND item_id = $2 AND language = $3",
                )
                .bind(kind.as_str())
                .bind(id)
                .bind(lang)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    let mut by_item = translations(conn, None).await?;
    let translations = by_item.remove(&(kind, id)).unwrap_or_default();
    Ok(Some(item(
        kind,
        id,
        name,
        description,
        translations,
        &default,
    )))
}

/// One language's texts, to put in place of the default ones in what a member reads.
#[derive(Debug, Default)]
pub struct Localised(HashMap<(Kind, i64), (String, String)>);

impl Localised {
    /// The texts in `language` (none when it is the shop's default).
    pub async fn load(conn: &mut SqliteConnection, language: &str) -> Result<Self, sqlx::Error> {
        if default_language(conn).await? == language {
            return Ok(Self::default());
        }
        let map = translations(conn, Some(language))
            .await?
            .into_iter()
            .filter_map(|(key, mut t)| t.pop().map(|t| (key, (t.name, t.description))))
            .collect();
        Ok(Self(map))
    }

    /// A tier's name and benefit.
    pub fn tier(&self, t: &mut crate::loyalty::rules::Tier) {
        self.both(Kind::Tier, t.id, &mut t.name, &mut t.perks);
    }

    /// A reward's name and description.
    pub fn reward(&self, r: &mut crate::rewards::types::Reward) {
        self.both(Kind::Reward, r.id, &mut r.name, &mut r.description);
    }

    /// The signed-in caller's language's texts (the default's for visitors).
    pub async fn for_caller(conn: &mut SqliteConnection) -> Result<Self, sqlx::Error> {
        match crate::server::caller() {
            Some(me) => Self::load(conn, crate::i18n::LocaleExt::as_str(me.language)).await,
            None => Ok(Self::default()),
        }
    }

    /// Puts item `id`'s translated name in `name`, if there is one.
    pub fn name(&self, kind: Kind, id: i64, name: &mut String) {
        if let Some((n, _)) = self.0.get(&(kind, id)) {
            n.clone_into(name);
        }
    }

    /// Puts item `id`'s translated name and description in place, if there are some (an empty
    /// translated description replaces the default too: the translation is the whole text).
    pub fn both(&self, kind: Kind, id: i64, name: &mut String, description: &mut String) {
        if let Some((n, d)) = self.0.get(&(kind, id)) {
            n.clone_into(name);
            d.clone_into(description);
        }
    }
}
