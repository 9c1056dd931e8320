//! The owner's data downloads: members (with consents and their source), purchases, the
//! ledger, feedback and cases as CSV, streamed in chunks (no length known up front), with a
//! header even when empty, formulas defused, every download in the audit log, and nobody but
//! the owner let in.

use super::*;
use crate::helpers::download;

/// The download at `path` as the owner: its headers checked, its lines.
async fn csv_lines(shop: &Shop, path: &str) -> Vec<String> {
    let owner = shop.owner().await;
    let res = owner
        .client
        .get(shop.app.url(path))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    // Streamed: sent in chunks, its length unknown when it starts.
    assert!(res.headers().get("content-length").is_none(), "{path}");
    let body = res.text().await.expect("body");
    assert!(body.ends_with("\r\n"), "{path}");
    body.lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn the_owner_downloads_each_kind_of_data_as_streamed_csv() {
    let shop = demo().await;
    // A member who agreed to email at sign-up, with a name a spreadsheet would run.
    let joiner = shop.app.other_client();
    let res = joiner
        .sign_up_with(&[
            ("email", "formula@example.com"),
            ("password", "a long password"),
            ("preferred_name", "=HYPERLINK(1)"),
            ("language", "sv"),
            ("email_marketing", "on"),
        ])
        .await;
    assert_eq!(res.status(), 200);
    earn_at_counter(&shop, "12.50").await;
    let db = shop.app.db().await;
    let (source, at): (String, String) = sqlx::query_as(
        "SELECT c.source, c.created_at FROM consent_events c JOIN users u ON u.id = c.user_id
         WHERE u.email = 'formula@example.com' AND c.channel = 'email'",
    )
    .fetch_one(&db)
    .await
    .expect("consent");

    let members = csv_lines(&shop, "/console/export/members.csv").await;
    let head: Vec<&str> = members[0].split(',').collect();
    assert_eq!(head[..3], ["card_number", "email", "preferred_name"]);
    let col = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'member'")
        .fetch_one(&db)
        .await
        .expect("members");
    assert_eq!(members.len() as i64, 1 + count);
    let row: Vec<&str> = members
        .iter()
        .find(|l| l.contains("formula@example.com"))
        .expect("the new member")
        .split(',')
        .collect();
    assert_eq!(row[col("preferred_name")], "'=HYPERLINK(1)");
    assert_eq!(row[col("email_marketing")], "1");
    assert_eq!(row[col("email_consent_source")], source);
    assert_eq!(row[col("email_consent_at")], at);
    assert_eq!(row[col("language")], "sv");
    let nora: Vec<&str> = members
        .iter()
        .find(|l| l.contains("new@example.com"))
        .expect("the demo member")
        .split(',')
        .collect();
    assert_eq!(nora[0], shop.card());
    let balance: i64 =
        sqlx::query_scalar("SELECT balance FROM member_balances WHERE member_id = $1")
            .bind(shop.member_id)
            .fetch_one(&db)
            .await
            .expect("balance");
    assert!(balance > 0);
    assert_eq!(nora[col("balance")], balance.to_string());

    let purchases = csv_lines(&shop, "/console/export/purchases.csv").await;
    assert!(purchases[0].starts_with("purchase_id,created_at,card_number,location,"));
    let last = purchases.last().expect("a purchase");
    assert!(
        last.contains(&format!(",{},Main Street,", shop.card())),
        "{last}"
    );
    assert!(last.contains(",1250,0,EUR,"), "{last}");
    assert!(last.contains(",staff@example.com,"), "{last}");

    let ledger = csv_lines(&shop, "/console/export/ledger.csv").await;
    assert!(ledger[0].starts_with("movement_id,created_at,card_number,kind,amount,balance_after,"));
    let movements: i64 = sqlx::query_scalar("SELECT count(*) FROM point_movements")
        .fetch_one(&db)
        .await
        .expect("movements");
    assert_eq!(ledger.len() as i64, 1 + movements);
    assert!(
        ledger
            .iter()
            .any(|l| l.contains(&format!(",{},earn,{balance},{balance},", shop.card())))
    );

    for (what, first) in [("feedback", "feedback_id,"), ("cases", "case_id,")] {
        let lines = csv_lines(&shop, &format!("/console/export/{what}.csv")).await;
        assert!(lines[0].starts_with(first), "{what}: {lines:?}");
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {what}"))
            .fetch_one(&db)
            .await
            .expect("rows");
        assert_eq!(lines.len() as i64, 1 + rows, "{what}");
    }

    // Each download is in the audit log, by the owner.
    let logged: Vec<String> = sqlx::query_scalar(
        "SELECT a.subject FROM audit_log a JOIN users u ON u.id = a.actor_user_id
         WHERE a.action = 'data.export' AND u.email = 'owner@example.com' ORDER BY a.id",
    )
    .fetch_all(&db)
    .await
    .expect("audit");
    assert_eq!(
        logged,
        [
            "export:members",
            "export:purchases",
            "export:ledger",
            "export:feedback",
            "export:cases"
        ]
    );
}

#[tokio::test]
async fn a_large_export_arrives_whole_and_only_the_owner_may_download() {
    let shop = demo().await;
    // 30,000 more members: many chunks.
    let db = shop.app.db().await;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
         INSERT INTO users (email, password_hash, role, preferred_name, language, created_at, updated_at)
         SELECT 'bulk' || i || '@example.com', '-', 'member', 'Bulk, \"' || i || '\"', 'en',
                '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z' FROM n",
    )
    .execute(&db)
    .await
    .expect("members");
    let owner = shop.owner().await;
    let body = download(&owner, "/console/export/members.csv").await;
    // As a browser asks, compressed: the compression layer streams it too, to the end.
    let res = owner
        .client
        .get(shop.app.url("/console/export/members.csv"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let gzipped = res.bytes().await.expect("the whole compressed body");
    assert!(gzipped.len() > 10_000 && gzipped.len() < body.len());
    let lines: Vec<&str> = body.lines().collect();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'member'")
        .fetch_one(&db)
        .await
        .expect("members");
    assert!(count > 30_000);
    assert_eq!(lines.len() as i64, 1 + count);
    assert!(body.len() > 1_000_000, "{} bytes", body.len());
    // Quoted as RFC 4180 asks.
    assert!(
        lines
            .last()
            .expect("last")
            .contains(",bulk30000@example.com,\"Bulk, \"\"30000\"\"\",")
    );

    for (who, status) in [
        (&shop.manager, 403),
        (&shop.staff, 403),
        (&shop.member, 403),
    ] {
        let res = who
            .client
            .get(shop.app.url("/console/export/members.csv"))
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status(), status);
    }
    let res = shop
        .app
        .other_client()
        .client
        .get(shop.app.url("/console/export/ledger.csv"))
        .send()
        .await
        .expect("csv");
    // A visitor is sent to sign in first.
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().expect("location");
    assert!(to.starts_with("/sign-in"), "{to}");
    let res = owner
        .client
        .get(shop.app.url("/console/export/passwords.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status(), 404);
}
