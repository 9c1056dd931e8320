//! Customer profiles for staff: the member list (search, tag filter, pages) and one member's
//! profile with their points, purchases, codes, feedback, consents, tags and staff notes.
//! Members never see these (403), not even their own: their data is on their own pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::MemberCard;
use crate::{
    error::AppError,
    feedback::api::MyFeedback,
    i18n::Locale,
    loyalty::{
        rules::Currency,
        types::{PointsSummary, Purchase},
    },
    rewards::types::RewardCode,
};

/// A page of the member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    /// Members on this page, newest first.
    pub members: Vec<MemberCard>,
    /// Another page follows (ask with `before` = the last id here).
    pub more: bool,
    /// Tags in use, with how many members carry each.
    pub tags: Vec<(String, i64)>,
}

/// A member's own columns.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileHead {
    /// Member id.
    pub id: i64,
    /// Preferred name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone (E.164), if given.
    pub phone: Option<String>,
    /// Language.
    pub language: Locale,
    /// Birthday (`YYYY-MM-DD`), if given.
    pub birthday: Option<String>,
    /// Their time zone (an IANA name), if they set one (else the shop's is theirs).
    pub time_zone: Option<String>,
    /// Their postal address (lines joined by `\n`), if they want letters.
    pub postal_address: Option<String>,
    /// When they joined (UTC).
    pub joined: String,
    /// Agrees to marketing email now.
    pub email_marketing: bool,
    /// Agrees to marketing SMS now.
    pub sms_marketing: bool,
}

/// One grant or withdrawal of marketing consent: the proof of it.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// `email` or `sms`.
    pub channel: String,
    /// Given (true) or withdrawn.
    pub granted: bool,
    /// Where: `sign_up`, `counter`, `demo`, …
    pub source: String,
    /// When (UTC).
    pub at: String,
}

/// A staff note.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Id.
    pub id: i64,
    /// Who wrote it.
    pub author: Option<String>,
    /// What.
    pub body: String,
    /// When (UTC).
    pub at: String,
}

/// Everything staff see about one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetail {
    /// Contact, language, birthday, consents now.
    pub head: ProfileHead,
    /// The number on their card.
    pub member_number: String,
    /// Balance, tier, points expiring.
    pub summary: PointsSummary,
    /// Latest purchases, newest first.
    pub purchases: Vec<Purchase>,
    /// Their reward codes, newest first.
    pub codes: Vec<RewardCode>,
    /// Their feedback and the cases it opened.
    pub feedback: Vec<MyFeedback>,
    /// Consent history, newest first.
    pub consents: Vec<Consent>,
    /// Tags, by name.
    pub tags: Vec<String>,
    /// Staff notes, newest first.
    pub notes: Vec<Note>,
    /// The shop's currency.
    pub currency: Currency,
}

/// Longest tag.
pub const MAX_TAG: usize = 40;
/// Longest note.
pub const MAX_NOTE: usize = crate::feedback::types::MAX_BODY;

/// A tag as stored: trimmed, lower case, spaces collapsed; 1–40 characters, no control
/// characters.
pub fn clean_tag(raw: &str) -> Option<String> {
    let tag = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let n = tag.chars().count();
    ((1..=MAX_TAG).contains(&n) && !tag.chars().any(char::is_control)).then_some(tag)
}

/// Members, newest first, a page at a time (staff): `query` finds by email, member number or
/// phone exactly, else by any part of a name or an email; `tag` keeps only members with it;
/// `before` continues after the last member of the previous page.
#[server(prefix = "/api", endpoint = "members/list")]
pub async fn list_members(
    query: Option<String>,
    tag: Option<String>,
    before: Option<i64>,
) -> Result<MemberList, AppError> {
    use crate::{
        accounts::Role,
        members::{profile_db, search},
        server::*,
    };
    require(Role::Staff)?;
    let tag = tag.as_deref().and_then(clean_tag);
    let search = search::Search::new(&query.unwrap_or_default(), tag);
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let tags = profile_db::all_tags(&mut conn).await?;
    if search.tag.is_none() && before.is_none() && !search.text.is_empty() {
        let exact = super::api::imp::exact(&mut conn, &search.text).await?;
        if !exact.is_empty() {
            return Ok(MemberList {
                members: exact,
                more: false,
                tags,
            });
        }
    }
    let (members, more) = search::page(&mut conn, &search, before).await?;
    Ok(MemberList {
        members,
        more,
        tags,
    })
}

/// One member's profile (staff). 404 when `member_id` is not a member.
#[server(prefix = "/api", endpoint = "members/profile")]
pub async fn member_profile(member_id: i64) -> Result<MemberDetail, AppError> {
    use crate::{accounts::Role, members::profile_db as db, server::*};
    require(Role::Staff)?;
    let st = state()?;
    let now = st.clock.now();
    let mut conn = st.db.reader.acquire().await?;
    let head = db::head(&mut conn, member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = crate::loyalty::engine::standing(&mut conn, member_id, now).await?;
    let purchases = crate::loyalty::db::program::member_purchases(&mut conn, member_id, 20).await?;
    let codes = crate::rewards::db::codes_of(&mut conn, member_id, now).await?;
    let feedback = crate::feedback::engine::mine(&mut conn, member_id, now).await?;
    let currency = crate::loyalty::db::program::settings(&mut conn)
        .await?
        .currency;
    Ok(MemberDetail {
        member_number: crate::loyalty::rules::member_number(member_id),
        summary,
        purchases,
        codes,
        feedback,
        consents: db::consents(&mut conn, member_id).await?,
        tags: db::tags(&mut conn, member_id).await?,
        notes: db::notes(&mut conn, member_id).await?,
        currency,
        head,
    })
}

/// Puts a tag on a member, or takes it off with `remove` (staff). Returns the member's tags.
#[server(prefix = "/api", endpoint = "members/tag")]
pub async fn tag_member(
    member_id: i64,
    tag: String,
    remove: Option<String>,
) -> Result<Vec<String>, AppError> {
    use crate::{accounts::Role, audit, error::Msg, members::profile_db as db, server::*};
    let tag = clean_tag(&tag).ok_or_else(|| AppError::field("tag", Msg::TagInvalid))?;
    let remove = remove.is_some_and(|r| r == "true" || r == "on");
    write_as(Role::Staff, move |tx, me, now| {
        Box::pin(async move {
            if db::head(tx, member_id).await?.is_none() {
                return Err(AppError::NotFound);
            }
            let changed = if remove {
                db::remove_tag(tx, member_id, &tag).await?
            } else {
                db::add_tag(tx, member_id, &tag, me.id, now).await?
            };
            if changed {
                let action = if remove { "member.untag" } else { "member.tag" };
                let subject = format!("user:{member_id}");
                audit::db::record(tx, Some(me.id), action, &subject, &tag).await?;
            }
            Ok(db::tags(tx, member_id).await?)
        })
    })
    .await
}

/// Records a member's postal address for letters, or removes it when `postal_address` is
/// empty (staff: a member who asks for letters, or to stop them, at the counter).
#[server(prefix = "/api", endpoint = "members/address")]
pub async fn set_member_address(member_id: i64, postal_address: String) -> Result<(), AppError> {
    use crate::{accounts::Role, audit, members::profile_db as db, server::*};
    let address =
        super::address::parse(&postal_address).map_err(|e| AppError::field("postal_address", e))?;
    write_as(Role::Staff, move |tx, me, now| {
        Box::pin(async move {
            if db::head(tx, member_id).await?.is_none() {
                return Err(AppError::NotFound);
            }
            sqlx::query("UPDATE users SET postal_address = $2, updated_at = $3 WHERE id = $1")
                .bind(member_id)
                .bind(address.as_deref())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let what = if address.is_some() { "set" } else { "removed" };
            let subject = format!("user:{member_id}");
            audit::db::record(tx, Some(me.id), "member.address", &subject, what).await?;
            Ok(())
        })
    })
    .await
}

/// Adds a staff note to a member (staff). Returns the member's notes.
#[server(prefix = "/api", endpoint = "members/note")]
pub async fn note_member(member_id: i64, body: String) -> Result<Vec<Note>, AppError> {
    use crate::{accounts::Role, audit, error::Msg, members::profile_db as db, server::*};
    let body = body.trim().to_owned();
    if body.is_empty() {
        return Err(AppError::field("body", Msg::TextRequired));
    }
    if body.chars().count() > MAX_NOTE {
        return Err(AppError::field("body", Msg::TextTooLong));
    }
    write_as(Role::Staff, move |tx, me, now| {
        Box::pin(async move {
            if db::head(tx, member_id).await?.is_none() {
                return Err(AppError::NotFound);
            }
            let id = db::add_note(tx, member_id, me.id, &body, now).await?;
            let subject = format!("user:{member_id}");
            audit::db::record(
                tx,
                Some(me.id),
                "member.note",
                &subject,
                &format!("note:{id}"),
            )
            .await?;
            Ok(db::notes(tx, member_id).await?)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_lower_case_and_bounded() {
        assert_eq!(clean_tag("  VIP  Guest "), Some("vip guest".into()));
        assert_eq!(clean_tag("Ünïcode"), Some("ünïcode".into()));
        assert_eq!(clean_tag("   "), None);
        assert_eq!(clean_tag(&"x".repeat(41)), None);
        assert_eq!(clean_tag(&"x".repeat(40)).map(|t| t.len()), Some(40));
        assert_eq!(clean_tag("a\u{7}b"), None);
    }
}
