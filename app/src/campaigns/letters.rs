//! Printed letters for a campaign, for the members it cannot reach otherwise: members of its
//! segment who gave a postal address (which is agreeing to letters) and can be reached
//! neither by email nor by text message for offers. Each letter is the campaign's message in
//! the member's language (or the shop's), written for them, with their name and address
//! where a window envelope shows it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Most letters one print holds (the rest are counted, not printed).
pub const MAX_LETTERS: i64 = 500;

/// One printed letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// Its language.
    pub language: String,
    /// The member's name.
    pub name: String,
    /// Their address, line by line.
    pub address: Vec<String>,
    /// The message's subject, as the letter's heading.
    pub subject: String,
    /// Its text, paragraph by paragraph (lines within one joined by `\n`).
    pub paragraphs: Vec<String>,
}

/// A campaign's letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letters {
    /// The campaign's name.
    pub campaign: String,
    /// Its segment's name.
    pub segment: String,
    /// The shop's name …
    pub shop: String,
    /// … and logo.
    pub logo: Option<String>,
    /// Today on the shop's calendar (`YYYY-MM-DD`).
    pub today: String,
    /// Where members change their address (or remove it, to stop letters).
    pub my_data_url: String,
    /// How many members should get one.
    pub total: i64,
    /// The letters (the first [`MAX_LETTERS`] by member).
    pub letters: Vec<Letter>,
}

/// The letters of campaign `id` (managers). A journey's campaign or a test variant has
/// none; a campaign without a segment, or whose messages are not ready, is refused as its
/// send would be.
#[server(prefix = "/api", endpoint = "campaigns/letters")]
pub async fn campaign_letters(id: i64) -> Result<Letters, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Manager)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    db::letters(&mut conn, id, &st.base_url, st.clock.now()).await
}

#[cfg(feature = "ssr")]
mod db {
    use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

    use super::{Letter, Letters, MAX_LETTERS};
    use crate::{
        campaigns::{Channel, sql, template},
        db::{Stamp, local_day},
        error::{AppError, Msg},
        outbox::context::{Member, Shared},
    };

    /// Pushes the members who get a letter: ` FROM … WHERE …`.
    fn push_from<'q>(
        q: &mut QueryBuilder<'q, Sqlite>,
        segment: &'q crate::campaigns::Segment,
        when: &sql::When,
    ) {
        sql::push_from(q, &segment.rules, segment.match_all, when);
        q.push(" AND u.postal_address IS NOT NULL AND NOT (")
            .push(sql::reachable(Channel::Email))
            .push(") AND NOT (")
            .push(sql::reachable(Channel::Sms))
            .push(")");
    }

    pub async fn letters(
        conn: &mut SqliteConnection,
        id: i64,
        base_url: &str,
        now: Stamp,
    ) -> Result<Letters, AppError> {
        let (campaign, segment_id, channel): (String, Option<i64>, String) =
            sqlx::query_as("SELECT name, segment_id, channel FROM campaigns WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(AppError::NotFound)?;
        crate::campaigns::sending::not_a_journeys(&mut *conn, id).await?;
        let segment = match segment_id {
            Some(s) => crate::campaigns::db::segment(&mut *conn, s).await?,
            None => None,
        }
        .ok_or_else(|| AppError::field("segment_id", Msg::SegmentRequired))?;
        let channel = Channel::parse(&channel).unwrap_or(Channel::Email);
        crate::campaigns::sending::messages_ready(&mut *conn, id, channel).await?;
        let when = crate::campaigns::db::when(&mut *conn, now, &segment.rules).await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT count(*)");
        push_from(&mut q, &segment, &when);
        let total: i64 = q.build_query_scalar().fetch_one(&mut *conn).await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT u.id, u.language, u.postal_address");
        push_from(&mut q, &segment, &when);
        q.push(" ORDER BY u.id LIMIT ").push_bind(MAX_LETTERS);
        let rows: Vec<(i64, String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        let shared = Shared::load(&mut *conn, id, base_url).await?;
        // Each member is read under their place in the list, as a negative number: no message
        // has it (a message's id would bring that message's journey offer along).
        let to: Vec<_> = (1_i64..)
            .zip(&rows)
            .map(|(i, (user, _, _))| (-i, id, *user, "", ""))
            .collect();
        let members: std::collections::HashMap<i64, Member> =
            Member::load_many(&mut *conn, &to, now)
                .await?
                .into_iter()
                .map(|m| (-m.row_id(), m))
                .collect();
        let my_data_url = format!("{base_url}/me/data");
        let mut letters = Vec::with_capacity(rows.len());
        for (place, (_, language, address)) in (1_i64..).zip(&rows) {
            // An account gone since the list was read gets no letter.
            let Some(member) = members.get(&place) else {
                continue;
            };
            let message = shared.message(language).ok_or(AppError::Conflict {
                message_key: Msg::MessageMissing,
            })?;
            let mut vars = shared.vars(member, base_url, "");
            vars.preferences_url.clone_from(&my_data_url);
            let render = |text: &str| {
                template::render(text, &vars).map_err(|_| AppError::Conflict {
                    message_key: Msg::CampaignProblems,
                })
            };
            letters.push(Letter {
                language: message.language.clone(),
                name: member.name().to_owned(),
                address: address.lines().map(str::to_owned).collect(),
                subject: render(&message.subject)?,
                paragraphs: template::paragraphs(&render(&message.body)?),
            });
        }
        let tz = crate::campaigns::db::shop_tz(&mut *conn).await?;
        Ok(Letters {
            campaign,
            segment: segment.name,
            shop: shared.brand.shown_name().to_owned(),
            logo: shared.brand.logo_url(),
            today: local_day(&tz, now).0.to_string(),
            my_data_url,
            total,
            letters,
        })
    }
}
