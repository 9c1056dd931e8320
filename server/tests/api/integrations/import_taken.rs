//! An import's writes against the database directly: rows the database refuses after the
//! check, and what the others get.

use super::*;
use crate::helpers::json_of;

/// Rows the database refuses after the check (an email or a phone taken meanwhile) are kept
/// out of the bulk insert and each goes through the one-member insert, which says why; the
/// others get all a sign-up writes: balance row, search entry, consents with their source.
#[tokio::test]
async fn rows_taken_after_the_check_are_named_and_the_rest_are_whole_members() {
    use app::{
        accounts::types::{Email, PreferredName},
        integrations::import::{
            db::Planned,
            rows::MemberRow,
            types::{Field, RowError},
            write::write,
        },
    };
    let shop = demo().await;
    let db = shop.app.db().await;
    sqlx::query("UPDATE users SET phone = '+46700000001' WHERE id = $1")
        .bind(shop.member_id)
        .execute(&db)
        .await
        .expect("phone");
    let row = |line: usize, email: &str, name: &str, phone: Option<&str>| {
        let m = MemberRow {
            email: Email::parse(email).expect("email"),
            name: PreferredName::parse(name).expect("name"),
            phone: phone.map(Into::into),
            language: app::i18n::Locale::sv,
            birthday: Some("1980-02-29".into()),
            joined: WED,
            email_consent: true,
            sms_consent: phone.is_some(),
            source: "Paper".into(),
        };
        (line, Planned::Member(Box::new(m)))
    };
    let rows = [
        row(2, "eve@example.com", "Evelina", Some("+46700000002")),
        row(3, "new@example.com", "Nora again", None),
        row(4, "fay@example.com", "Fay", Some("+46700000001")),
        row(5, "gus@example.com", "Gustavo", None),
        row(6, "gus@example.com", "Gustavo twice", None),
    ];
    let mut tx = db.begin().await.expect("tx");
    let currency = app::loyalty::db::program::settings(&mut tx)
        .await
        .expect("settings")
        .currency;
    let written = write(&mut tx, &rows, currency).await.expect("write");
    tx.commit().await.expect("commit");
    let refused = RowError {
        line: 4,
        field: Field::Phone,
        msg: app::error::Msg::ImportPhoneTaken,
    };
    assert_eq!(written, (2, 2, vec![refused]));
    let eve: (Option<String>, i64, i64, String) = sqlx::query_as(
        "SELECT u.birthday, b.balance,
                (SELECT count(*) FROM consent_events c WHERE c.user_id = u.id AND c.source = 'Paper'),
                u.created_at
         FROM users u JOIN member_balances b ON b.member_id = u.id
         WHERE u.email = 'eve@example.com'",
    )
    .fetch_one(&db)
    .await
    .expect("eve");
    assert_eq!(eve, (Some("1980-02-29".into()), 0, 2, WED.to_string()));
    for (query, name) in [("evelina", "Evelina"), ("gus@exa", "Gustavo")] {
        let found = json_of(&shop.staff, "members/find", &[("query", query)]).await;
        assert!(found.to_string().contains(name), "{query}: {found}");
    }
    let fay: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'fay@example.com'")
        .fetch_one(&db)
        .await
        .expect("fay");
    assert_eq!(fay, 0);
    assert!(crate::helpers::rollup_drift(&db).await.is_empty());
}
