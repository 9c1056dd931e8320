//! Segment rules that read the ledger and balances, counted over HTTP, against the same
//! question asked of the purchase table directly: the last-purchase roll-up on the member row
//! (kept by a trigger on every purchase, including ones dated before the member's last) and
//! the balance sets must give the plain query's answer, members without a balance row included.

use crate::helpers::{json_of, spawn_with};

/// The editor's fields, the same condition in SQL over `u`, and its one bound value.
type Case<'a> = (Vec<(&'a str, &'a str)>, String, String);

#[tokio::test]
async fn ledger_rules_count_what_the_purchase_table_says() {
    let now = app::db::Stamp::now();
    let app = spawn_with(move |c| c.clock.set(now))
        .await
        .with_demo()
        .await;
    let db = server::open_database(&app.config).await.expect("db");
    server::seed::members(&db, 400, 7).await.expect("members");
    let pool = app.db().await;
    // Some members lose their balance row (it counts as zero points).
    sqlx::query("DELETE FROM member_balances WHERE member_id % 11 = 0 AND member_id > 20")
        .execute(&pool)
        .await
        .expect("some members have no balance row");
    // Purchases at random times over four months, in random order.
    server::seed::purchases(&db, 600, 4, 7)
        .await
        .expect("purchases");
    sqlx::query(
        "UPDATE member_balances SET balance = (member_id * 37) % 120 WHERE member_id % 3 = 0",
    )
    .execute(&pool)
    .await
    .expect("balances");
    // Members who joined since, some of them without a balance row and none with purchases.
    let before: i64 = sqlx::query_scalar("SELECT max(id) FROM users")
        .fetch_one(&pool)
        .await
        .expect("max id");
    server::seed::members(&db, 30, 8).await.expect("members");
    sqlx::query("DELETE FROM member_balances WHERE member_id > $1 AND member_id % 2 = 0")
        .bind(before)
        .execute(&pool)
        .await
        .expect("no balance row");
    let without: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM users u WHERE u.role = 'member'
         AND NOT EXISTS (SELECT 1 FROM member_balances b WHERE b.member_id = u.id)",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert!(without > 0, "some members keep no balance row");
    let owner = app.signed_in_as("owner@example.com").await;
    let members = "u.role = 'member' AND u.closed_at IS NULL AND u.disabled_at IS NULL";
    let since = |days: i64| now.plus_days(-days).to_string();
    let balance = "coalesce((SELECT b.balance FROM member_balances b WHERE b.member_id = u.id), 0)";
    let bought =
        "EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = u.id AND p.created_at >= $1)";
    let cases: Vec<Case> = vec![
        (
            vec![("inactive_days", "30")],
            format!("NOT {bought}"),
            since(30),
        ),
        (vec![("active_days", "30")], bought.to_owned(), since(30)),
        (vec![("active_days", "100")], bought.to_owned(), since(100)),
        (
            vec![("balance_min", "0")],
            format!("{balance} >= 0 AND $1 = $1"),
            String::new(),
        ),
        (
            vec![("balance_min", "1")],
            format!("{balance} >= 1 AND $1 = $1"),
            String::new(),
        ),
        (
            vec![("balance_min", "50")],
            format!("{balance} >= 50 AND $1 = $1"),
            String::new(),
        ),
        (
            vec![("balance_below", "1")],
            format!("{balance} < 1 AND $1 = $1"),
            String::new(),
        ),
        (
            vec![("balance_below", "50")],
            format!("{balance} < 50 AND $1 = $1"),
            String::new(),
        ),
    ];
    for (rules, condition, bound) in cases {
        let expected: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM users u WHERE {members} AND {condition}"
        ))
        .bind(&bound)
        .fetch_one(&pool)
        .await
        .expect("direct count");
        let mut form = vec![("intent", "count"), ("match_all", "all")];
        form.extend(rules.iter().copied());
        let counted = json_of(&owner, "campaigns/segment_save", &form).await;
        assert_eq!(
            counted["preview"]["count"].as_i64(),
            Some(expected),
            "{rules:?}: {counted}"
        );
        assert!(expected > 0, "{rules:?} matched no one");
    }
    // The roll-up equals the ledger's own maximum for every member.
    let wrong: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM users u
         WHERE u.last_purchase_at IS NOT (SELECT max(p.created_at) FROM purchases p WHERE p.member_id = u.id)",
    )
    .fetch_one(&pool)
    .await
    .expect("roll-up check");
    assert_eq!(wrong, 0);
}
