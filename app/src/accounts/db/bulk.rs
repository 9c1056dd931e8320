//! Many members at once (an import): the rows a sign-up writes — the account, its zero
//! balance, its search entry and its consent events — in a few statements per [`CHUNK`]
//! members instead of six per member. Each statement costs a round trip to the database
//! thread; SQLite's own work is the same. Row triggers (roll-ups, webhooks) still fire for
//! every account.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{NewUser, member_rows, referral_code};
use crate::db::Stamp;

/// Members per statement: 12 values each, well under SQLite's 32,766 parameters.
const CHUNK: usize = 500;

/// A member to add in bulk.
#[derive(Debug)]
pub struct NewMember<'a> {
    /// The account (role member).
    pub user: NewUser<'a>,
    /// Birthday, `YYYY-MM-DD`.
    pub birthday: Option<&'a str>,
    /// Where the consents were given.
    pub source: &'a str,
    /// When they joined: the account's time and their consents'.
    pub joined: Stamp,
}

/// Inserts `members`: for each, its id, or `None` when a uniqueness rule kept it out (its
/// email or phone in use, or a referral code clash). [`super::insert_user`] says which.
pub async fn insert_members(
    conn: &mut SqliteConnection,
    members: &[NewMember<'_>],
) -> Result<Vec<Option<i64>>, sqlx::Error> {
    let mut ids = Vec::with_capacity(members.len());
    for chunk in members.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO users (email, password_hash, role, preferred_name, language,
                                email_marketing, sms_marketing, phone, referral_code, birthday,
                                created_at, updated_at) ",
        );
        q.push_values(chunk, |mut row, m| {
            row.push_bind(m.user.email.as_str())
                .push_bind(m.user.password_hash)
                .push_bind(m.user.role)
                .push_bind(m.user.name.as_str())
                .push_bind(m.user.language)
                .push_bind(m.user.email_marketing)
                .push_bind(m.user.sms_marketing)
                .push_bind(m.user.phone)
                .push_bind(referral_code())
                .push_bind(m.birthday)
                .push_bind(m.joined)
                .push_bind(m.joined);
        });
        q.push(" ON CONFLICT DO NOTHING RETURNING id, email");
        let mut made: HashMap<String, i64> = q
            .build_query_as::<(i64, String)>()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(id, email)| (email, id))
            .collect();
        // An email twice in `members`: the first is the account, the second was kept out.
        ids.extend(chunk.iter().map(|m| made.remove(m.user.email.as_str())));
    }
    let made: Vec<i64> = ids.iter().flatten().copied().collect();
    member_rows(conn, &made).await?;
    let consents: Vec<(i64, &str, &NewMember<'_>)> = members
        .iter()
        .zip(&ids)
        .filter_map(|(m, id)| Some((*id)?).map(|id| (id, m)))
        .flat_map(|(id, m)| {
            [
                ("email", m.user.email_marketing),
                ("sms", m.user.sms_marketing),
            ]
            .into_iter()
            .filter(|(_, granted)| *granted)
            .map(move |(channel, _)| (id, channel, m))
        })
        .collect();
    for chunk in consents.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO consent_events (user_id, channel, granted, source, created_at) ",
        );
        q.push_values(chunk, |mut row, (id, channel, m)| {
            row.push_bind(*id)
                .push_bind(*channel)
                .push_bind(true)
                .push_bind(m.source)
                .push_bind(m.joined);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(ids)
}
