//! The points-expiring journey with the sending rules: quiet hours hold its messages, a
//! member who buys meanwhile leaves the journey, and the frequency cap stops a message over
//! it; over HTTP with a real SMTP server on loopback and a clock the test moves.

use super::triggers::{
    Counter, counter, email_quiet_hours, entries, journey, member, run, status_of, switch_on,
    switch_on_saying, wait_status,
};
use crate::helpers::{error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;

#[tokio::test]
async fn points_expiring_quiet_hours_the_goal_and_the_frequency_cap() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2025, 6, 1, 12, 0, 0)).await;
    let confirmed = Some("2025-01-01T00:00:00Z");
    let (ann, ivo, cap) = (
        member(&pool, "Ann", None, confirmed, true).await,
        member(&pool, "Ivo", None, confirmed, true).await,
        member(&pool, "Cap", None, confirmed, true).await,
    );
    // Points earned on 1 June 2025 expire on 1 June 2026; Ivo's on 20 June 2026.
    for who in [ann, cap] {
        let res = crate::helpers::purchase(&staff, who, "30", main, &[]).await;
        assert_eq!(res.status(), 200);
    }
    app.config.clock.set(Stamp::utc(2025, 6, 20, 12, 0, 0));
    let res = crate::helpers::purchase(&staff, ivo, "40", main, &[]).await;
    assert_eq!(res.status(), 200);

    // Rules: staff may not; a quiet hour needs both ends.
    let rules = |from: &'static str, until: &'static str, cap: &'static str| {
        [
            ("email_quiet_from", from),
            ("email_quiet_until", until),
            ("email_cap", cap),
            ("email_cap_days", "7"),
            ("sms_quiet_from", ""),
            ("sms_quiet_until", ""),
            ("sms_cap", ""),
            ("sms_cap_days", "7"),
        ]
    };
    assert_eq!(
        staff
            .call("journeys/rules/save", &rules("21", "9", "1"))
            .await
            .status(),
        403
    );
    let res = manager
        .call("journeys/rules/save", &rules("21", "", "1"))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("email_quiet_until", "hour_invalid")
    );
    let saved = json_of(&manager, "journeys/rules/save", &rules("21", "9", "1")).await;
    assert_eq!(
        (
            saved["email"]["quiet_from"].as_i64(),
            saved["email"]["cap"].as_i64()
        ),
        (Some(21), Some(1))
    );
    assert_eq!(json_of(&manager, "journeys/rules", &[]).await, saved);

    // Cap had a campaign message yesterday: one per 7 days is all she gets.
    sqlx::query(
        "INSERT INTO outbox (kind, user_id, channel, address, language, dedupe_key, token, status,
                             next_attempt_at, created_at, sent_at)
         VALUES ('campaign', $1, 'email', 'cap@example.org', 'en', 'earlier', 'earlier', 'sent',
                 '2026-05-17T12:00:00Z', '2026-05-17T12:00:00Z', '2026-05-17T12:00:00Z')",
    )
    .bind(cap)
    .execute(&pool)
    .await
    .expect("an earlier message");

    // Switched on at 22:00 on 18 May with 14 days: Ann's and Cap's points expire within
    // them; Ivo's do not yet. Quiet hours: the messages wait.
    app.config.clock.set(Stamp::utc(2026, 5, 18, 22, 0, 0));
    let r = switch_on(&manager, "points_expiring", "14", "30").await;
    assert_eq!(r["results"]["entered"], 2);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(status_of(&pool, "Ann", "points_expiring").await.0, "queued");
    assert_eq!(status_of(&pool, "Cap", "points_expiring").await.0, "queued");
    assert!(smtp.mails().is_empty());
    // Ann buys at 08:00, before her message went: she leaves the journey, it is dropped.
    app.config.clock.set(Stamp::utc(2026, 5, 19, 8, 0, 0));
    let res = crate::helpers::purchase(&staff, ann, "5", main, &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(run(&app, Stamp::utc(2026, 5, 19, 8, 30, 0)).await, 0);
    assert_eq!(
        status_of(&pool, "Ann", "points_expiring").await.0,
        "cancelled"
    );
    // 09:00: quiet hours end; Cap is over the cap.
    app.config.clock.set(Stamp::utc(2026, 5, 19, 9, 0, 0));
    wait_status(&pool, "Cap", "points_expiring", "suppressed").await;
    assert_eq!(
        status_of(&pool, "Cap", "points_expiring")
            .await
            .1
            .as_deref(),
        Some("frequency cap")
    );
    // Ivo's points enter the 14 days on 6 June; the message says how many and when.
    assert_eq!(run(&app, Stamp::utc(2026, 6, 5, 12, 0, 0)).await, 0);
    assert_eq!(run(&app, Stamp::utc(2026, 6, 6, 12, 30, 0)).await, 1);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, "ivo@example.org");
    assert!(
        mails[0].text.contains("40 points expire on 2026-06-20"),
        "{}",
        mails[0].text
    );
    let r = journey(&manager, "points_expiring").await["results"].clone();
    let got: Vec<i64> = ["entered", "sent", "left", "not_sent", "queued"]
        .iter()
        .map(|f| r[f].as_i64().expect(f))
        .collect();
    assert_eq!(got, [3, 1, 1, 1, 0], "{r}");
    assert_eq!(
        entries(&pool, "points_expiring").await,
        [
            ("Ann".to_owned(), "2026-06-01".to_owned()),
            ("Cap".to_owned(), "2026-06-01".to_owned()),
            ("Ivo".to_owned(), "2026-06-20".to_owned())
        ]
    );
    assert!(rollup_drift(&pool).await.is_empty());
}

#[tokio::test]
async fn quiet_hours_keep_to_each_members_own_clock() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2026, 3, 1, 12, 0, 0)).await;
    let confirmed = Some("2026-01-01T00:00:00Z");
    // Ann keeps the shop's clock (UTC); Kim lives in Tokyo, Lou in New York.
    for (name, zone) in [
        ("Ann", None),
        ("Kim", Some("Asia/Tokyo")),
        ("Lou", Some("America/New_York")),
    ] {
        let id = member(&pool, name, None, confirmed, true).await;
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(zone)
            .bind(id)
            .execute(&pool)
            .await
            .expect("zone");
        crate::helpers::bought(&staff, id, "10", main, &[]).await;
    }
    email_quiet_hours(&manager, "21", "9").await;
    // 22:00 UTC on 18 May: 07:00 in Tokyo (quiet), 18:00 in New York. Only Lou's goes.
    app.config.clock.set(Stamp::utc(2026, 5, 18, 22, 0, 0));
    let j = switch_on_saying(&manager, "win_back", "30", "", "Come back soon.").await;
    assert_eq!(j["results"]["entered"], 3);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, "lou@example.org");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(status_of(&pool, "Ann", "win_back").await.0, "queued");
    assert_eq!(status_of(&pool, "Kim", "win_back").await.0, "queued");
    // 01:00 UTC: 10:00 in Tokyo; still night on the shop's clock.
    app.config.clock.set(Stamp::utc(2026, 5, 19, 1, 0, 0));
    wait_status(&pool, "Kim", "win_back", "sent").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(status_of(&pool, "Ann", "win_back").await.0, "queued");
    // 09:00 UTC: Ann's morning.
    app.config.clock.set(Stamp::utc(2026, 5, 19, 9, 0, 0));
    wait_status(&pool, "Ann", "win_back", "sent").await;
    let mut to: Vec<String> = smtp.wait_for(3).await.into_iter().map(|m| m.to).collect();
    to.sort_unstable();
    assert_eq!(
        to,
        ["ann@example.org", "kim@example.org", "lou@example.org"]
    );
}
