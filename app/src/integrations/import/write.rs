//! Writing planned rows: members through the bulk sign-up insert (a row it keeps out goes
//! through the one-member insert, which says why), past purchases as history rows, a few
//! statements per hundreds of rows. Run inside a write transaction.

use sqlx::SqliteConnection;

use super::{
    db::Planned,
    rows::{MemberRow, PurchaseRow},
    types::{Field, RowError},
};
use crate::error::Msg;

/// Writes `rows` (from [`super::db::plan`], all of one kind) a few statements per hundreds of rows;
/// returns how many were new, how many were there already, and the rows the database refused
/// (a phone taken meanwhile) as problems. Run inside a write transaction.
pub async fn write(
    conn: &mut SqliteConnection,
    rows: &[(usize, Planned)],
    currency: crate::loyalty::rules::Currency,
) -> Result<(usize, usize, Vec<RowError>), sqlx::Error> {
    let members: Vec<(usize, &MemberRow)> = rows
        .iter()
        .filter_map(|(line, row)| match row {
            Planned::Member(m) => Some((*line, &**m)),
            Planned::Purchase(_) => None,
        })
        .collect();
    let purchases: Vec<&PurchaseRow> = rows
        .iter()
        .filter_map(|(_, row)| match row {
            Planned::Purchase(p) => Some(p),
            Planned::Member(_) => None,
        })
        .collect();
    let (new, already, refused) = write_members(conn, &members).await?;
    let added = write_purchases(conn, &purchases, currency).await?;
    Ok((new + added, already + purchases.len() - added, refused))
}

/// The account a member row makes.
fn new_user(m: &MemberRow) -> crate::accounts::db::NewUser<'_> {
    crate::accounts::db::NewUser {
        email_marketing: m.email_consent,
        sms_marketing: m.sms_consent,
        phone: m.phone.as_deref(),
        ..crate::accounts::db::NewUser::new(
            &m.email,
            "!import",
            crate::accounts::Role::Member,
            &m.name,
            m.language,
        )
    }
}

/// Members through the bulk sign-up insert; a row it kept out goes through the one-member
/// insert, which says why (email taken: already here; phone taken: a problem).
async fn write_members(
    conn: &mut SqliteConnection,
    rows: &[(usize, &MemberRow)],
) -> Result<(usize, usize, Vec<RowError>), sqlx::Error> {
    use crate::accounts::db::{InsertUserError, NewMember, insert_members, insert_user};
    let bulk: Vec<NewMember<'_>> = rows
        .iter()
        .map(|(_, m)| NewMember {
            user: new_user(m),
            birthday: m.birthday.as_deref(),
            source: &m.source,
            joined: m.joined,
        })
        .collect();
    let ids = insert_members(conn, &bulk).await?;
    let (mut new, mut already, mut refused) = (0, 0, Vec::new());
    for ((line, m), id) in rows.iter().zip(ids) {
        if id.is_some() {
            new += 1;
            continue;
        }
        match insert_user(conn, &new_user(m), &m.source, &Default::default(), m.joined).await {
            Ok(id) => {
                sqlx::query("UPDATE users SET birthday = $1 WHERE id = $2")
                    .bind(&m.birthday)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                new += 1;
            }
            Err(InsertUserError::EmailTaken) => already += 1,
            Err(InsertUserError::PhoneTaken) => refused.push(RowError {
                line: *line,
                field: Field::Phone,
                msg: Msg::ImportPhoneTaken,
            }),
            Err(InsertUserError::Db(e)) => return Err(e),
        }
    }
    Ok((new, already, refused))
}

/// Past purchases as history rows (no points), 500 a statement; how many were new (the
/// others were imported before).
async fn write_purchases(
    conn: &mut SqliteConnection,
    rows: &[&PurchaseRow],
    currency: crate::loyalty::rules::Currency,
) -> Result<usize, sqlx::Error> {
    let mut added = 0;
    for chunk in rows.chunks(500) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO purchases (member_id, amount_minor, currency, receipt, location_id,
                                    full_price, points, created_at, import_key) ",
        );
        q.push_values(chunk, |mut row, p| {
            row.push_bind(p.member_id)
                .push_bind(p.amount_minor)
                .push_bind(currency)
                .push_bind(p.receipt.as_deref())
                .push_bind(p.location_id)
                .push_bind(true)
                .push_bind(0_i64)
                .push_bind(p.at)
                .push_bind(format!("import:{}", p.key()));
        });
        q.push(" ON CONFLICT (import_key) WHERE import_key IS NOT NULL DO NOTHING RETURNING id");
        added += q.build().fetch_all(&mut *conn).await?.len();
    }
    Ok(added)
}
