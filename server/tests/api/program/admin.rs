//! Who may change the program (audited), and the member's paged history.

use super::*;

#[tokio::test]
async fn only_managers_change_the_program_and_every_change_is_audited() {
    let s = demo().await;
    let form = [
        ("currency", "EUR"),
        ("rate", "0.5"),
        ("rounding", "nearest"),
        ("expiry_months", "24"),
        ("qualification_months", "12"),
        ("downgrade", "one_tier"),
    ];
    assert_eq!(s.staff.call("program/settings", &form).await.status(), 403);
    assert_eq!(s.member.call("program/settings", &form).await.status(), 403);
    assert_eq!(
        s.manager.call("program/settings", &form).await.status(),
        200
    );
    let bad = [
        ("rate", "-1", "rate"),
        ("expiry_months", "500", "expiry_months"),
    ];
    for (field, value, expected) in bad {
        let mut f = form.to_vec();
        f.retain(|(k, _)| *k != field);
        f.push((field, value));
        let res = s.manager.call("program/settings", &f).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_json(res).await["Validation"]["field"], expected);
    }
    // 0.5 points per euro, rounded to nearest: 15 € earns 8 (7.5 rounds up).
    assert_eq!(s.buy("15", "half").await["purchase"]["points"], 8);
    let dup = s
        .manager
        .call(
            "program/tier",
            &[
                ("name", "Gold"),
                ("threshold", "9000"),
                ("multiplier", "2"),
                ("perks", ""),
            ],
        )
        .await;
    assert_eq!(dup.status(), 422);
    assert_eq!(error_json(dup).await["Validation"]["field"], "name");
    let loc = s
        .manager
        .call("program/location", &[("name", "Airport")])
        .await;
    assert_eq!(loc.status(), 200);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('program.settings', 'program.location')",
    )
    .fetch_one(&s.app.db().await)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn the_history_pages_through_every_movement_of_the_member_only() {
    let s = demo().await;
    for n in 0..45 {
        s.buy("1", &format!("h-{n}")).await;
    }
    let mut seen = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let cursor = before.map(|b| b.to_string()).unwrap_or_default();
        let form: Vec<(&str, &str)> = if before.is_some() {
            vec![("before", cursor.as_str())]
        } else {
            vec![]
        };
        let page: Value = s
            .member
            .call("loyalty/history", &form)
            .await
            .json()
            .await
            .expect("json");
        let rows = page["movements"].as_array().expect("rows").clone();
        assert!(rows.len() <= 20);
        seen.extend(rows.iter().map(|m| m["id"].as_i64().expect("id")));
        assert!(rows.iter().all(|m| m["location"] == "Main Street"));
        match page["older"].as_i64() {
            Some(id) => before = Some(id),
            None => break,
        }
    }
    assert_eq!(seen.len(), 45);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    let anna: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'anna@example.com'")
        .fetch_one(&s.app.db().await)
        .await
        .expect("anna");
    assert_eq!(
        s.member
            .call("loyalty/history", &[("member_id", &anna.to_string())])
            .await
            .status(),
        403
    );
    // The member's card: a QR code for members, nothing for visitors.
    let card = s
        .member
        .client
        .get(s.member.url("/me/card.svg"))
        .send()
        .await
        .expect("card");
    assert_eq!(card.status(), 200);
    assert_eq!(card.headers()["content-type"], "image/svg+xml");
    assert!(card.text().await.expect("svg").contains("<svg"));
    let visitor = s.app.other_client();
    let res = visitor
        .client
        .get(visitor.url("/me/card.svg"))
        .send()
        .await
        .expect("card");
    assert!(
        res.status().is_redirection(),
        "visitors are sent to sign in"
    );
}
