//! Keys: made by owners only, the secret shown once and stored hashed, refused once revoked,
//! held to their scopes and their requests per minute.

use super::*;

#[tokio::test]
async fn keys_are_made_by_owners_shown_once_stored_hashed_and_refused_once_revoked() {
    let shop = demo().await;
    // Managers and staff may not make keys.
    let form = [
        ("name", "Till"),
        ("members_read", "on"),
        ("location_id", ""),
        ("rate", ""),
    ];
    for who in [&shop.manager, &shop.staff] {
        let res = who.call("integrations/create_api_key", &form).await;
        assert_eq!(res.status(), 403);
    }
    let owner = shop.owner().await;
    // A key needs a name and a scope.
    let res = owner
        .call(
            "integrations/create_api_key",
            &[("name", "Till"), ("location_id", ""), ("rate", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let mut till = shop.key(&["members_read"], None, "").await;
    assert!(till.secret.starts_with("rgl_") && till.secret.len() == 68);
    // Only the hash is stored: no column of the row holds the secret.
    let db = shop.app.db().await;
    let (hash, prefix): (String, String) =
        sqlx::query_as("SELECT secret_hash, prefix FROM api_keys WHERE id = $1")
            .bind(till.id)
            .fetch_one(&db)
            .await
            .expect("key row");
    assert_eq!(hash, app::integrations::db::hash(&till.secret));
    assert!(till.secret.starts_with(&prefix) && prefix.len() < 16);
    let list: Value = owner
        .call("integrations/api_keys", &[])
        .await
        .json()
        .await
        .expect("list");
    assert!(!list.to_string().contains(&till.secret));
    assert_eq!(list["keys"][0]["last_used_at"], Value::Null);

    // Used: 200, and the list shows when.
    let res = till.get(&format!("/members?card={}", shop.card())).await;
    assert_eq!(res.status(), 200);
    let found: Value = res.json().await.expect("json");
    assert_eq!(found["members"][0]["id"], shop.member_id);
    assert_eq!(found["members"][0]["name"], "Nora");
    let list: Value = owner
        .call("integrations/api_keys", &[])
        .await
        .json()
        .await
        .expect("list");
    assert!(list["keys"][0]["last_used_at"].is_string());

    // No key, a wrong key, a key in a cookie instead of the header: 401.
    let url = format!("{}/members?card={}", till.base, shop.card());
    let res = reqwest::get(&url).await.expect("get");
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_eq!(problem(res).await, (401, "unauthorized".into()));
    let secret = std::mem::replace(&mut till.secret, format!("rgl_{}", "0".repeat(64)));
    assert_eq!(problem(till.get("/members?card=1").await).await.0, 401);
    till.secret = secret;
    // Revoked: refused from the next request on; staff may not revoke.
    let id = till.id.to_string();
    let res = shop
        .manager
        .call("integrations/revoke_api_key", &[("id", &id)])
        .await;
    assert_eq!(res.status(), 403);
    let res = owner
        .call("integrations/revoke_api_key", &[("id", &id)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        problem(till.get(&format!("/members?card={}", shop.card())).await)
            .await
            .0,
        401
    );
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject = $1 ORDER BY id")
            .bind(format!("api_key:{id}"))
            .fetch_all(&db)
            .await
            .expect("audit");
    assert_eq!(actions, ["api_key.create", "api_key.revoke"]);
}

#[tokio::test]
async fn a_key_does_only_what_its_scopes_allow_and_only_as_often_as_its_rate() {
    let shop = demo().await;
    let reader = shop.key(&["members_read"], None, "3").await;
    let card = shop.card();
    // Out of scope: 403, and nothing recorded.
    let res = reader.buy(&card, 1000, "R-1").await;
    assert_eq!(problem(res).await, (403, "forbidden".into()));
    let res = reader
        .post(
            "/codes/use",
            &json!({ "code": "ABCDEFGHJK", "location_id": shop.main_street }),
        )
        .await;
    assert_eq!(problem(res).await.0, 403);
    // Three requests a minute (refused ones count too): the third is answered, the fourth is
    // 429 with Retry-After.
    let res = reader.get(&format!("/members/{card}")).await;
    assert_eq!(res.status(), 200);
    let res = reader.get(&format!("/members/{card}")).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=20).contains(&wait), "retry after {wait}");
    assert_eq!(problem(res).await, (429, "rate_limited".into()));
    // Another key has its own budget.
    let other = shop.key(&["members_read"], None, "").await;
    assert_eq!(other.get(&format!("/members/{card}")).await.status(), 200);
    let purchases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM purchases")
        .fetch_one(&shop.app.db().await)
        .await
        .expect("count");
    assert_eq!(purchases, 0);
}
