//! The offer-starting journey over HTTP with a real SMTP server on loopback and the clock
//! moved by the test: each offer is announced once, to the members it is for, naming it.

use super::{
    followed,
    triggers::{Counter, counter, entries, member, run, switch_on_saying},
};
use crate::helpers::{TestApp, bought, json_of};
use app::db::Stamp;

/// Saves an offer of 10 % off for `audience`, starting on `starts_on` (empty: at once); its id.
async fn offer(manager: &TestApp, title: &str, audience: &str, members: &str, starts: &str) -> i64 {
    let form = [
        ("title", title),
        ("description", ""),
        ("starts_on", starts),
        ("ends_on", ""),
        ("audience", audience),
        ("members", members),
        ("kind", "percent"),
        ("value", "10"),
        ("per_member_limit", ""),
        ("total_limit", ""),
    ];
    json_of(manager, "perks/save_offer", &form).await["id"]
        .as_i64()
        .expect("offer id")
}

#[tokio::test]
async fn each_offer_is_announced_once_to_the_members_it_is_for_by_name() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2026, 3, 2, 10, 0, 0)).await;
    // A day before the start; a member may enter again after a day.
    let text = "{{ offer.title }}: {{ offer.url }}";
    let r = switch_on_saying(&manager, "offer_starting", "1", "1", text).await;
    assert_eq!(r["results"]["entered"], 0);
    let confirmed = Some("2026-01-01T00:00:00Z");
    let ann = member(&pool, "Ann", None, confirmed, true).await;
    let ben = member(&pool, "Ben", None, confirmed, true).await;
    member(&pool, "Cas", None, confirmed, false).await;
    // Monday 2 March: Ann reaches Silver, Ben stays in the first tier.
    app.config.clock.set(Stamp::utc(2026, 3, 2, 10, 30, 0));
    for (who, euros) in [(ann, "600"), (ben, "10")] {
        bought(&staff, who, euros, main, &[]).await;
    }
    let silver: i64 = sqlx::query_scalar("SELECT id FROM tiers WHERE name = 'Silver'")
        .fetch_one(&pool)
        .await
        .expect("Silver");
    app.config.clock.set(Stamp::utc(2026, 3, 2, 11, 0, 0));
    let silver_week = offer(
        &manager,
        "Silver week",
        &format!("tier:{silver}"),
        "",
        "2026-03-04",
    )
    .await;
    let for_ben = offer(
        &manager,
        "For Ben",
        "picked",
        "ben@example.org",
        "2026-03-03",
    )
    .await;
    let today = offer(&manager, "Today only", "all", "", "").await;
    let ours = |e: Vec<(String, String)>| {
        e.into_iter()
            .filter(|(n, _)| ["Ann", "Ben", "Cas"].contains(&n.as_str()))
            .collect::<Vec<_>>()
    };
    // Today and tomorrow: "Today only" for everyone (Cas wants no offers) and "For Ben";
    // Ben, with two in one run, gets one message (the re-entry rule), the first offer's.
    run(&app, Stamp::utc(2026, 3, 2, 11, 5, 0)).await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 6, 0)).await, 0);
    assert_eq!(
        ours(entries(&pool, "offer_starting").await),
        [
            ("Ann".to_owned(), today.to_string()),
            ("Ben".to_owned(), for_ben.to_string())
        ]
    );
    // Everyone "Today only" is for who may get offers entered for it (the demo's members too).
    let (entered, reachable): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM journey_entries WHERE entry_key = $1),
                (SELECT count(*) FROM users WHERE role = 'member' AND email_marketing = 1
                   AND email_confirmed_at IS NOT NULL AND closed_at IS NULL) - 1",
    )
    .bind(today.to_string())
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(
        entered, reachable,
        "all but Ben, who entered for his own offer"
    );
    let mails = smtp
        .wait_for(usize::try_from(entered + 1).expect("count"))
        .await;
    let to = |who: &str| {
        mails
            .iter()
            .find(|m| m.to == who)
            .unwrap_or_else(|| panic!("{who}'s"))
            .text
            .clone()
    };
    let url = |id: i64| format!("{}/#offer-{id}", app.config.base_url.trim_end_matches('/'));
    let (ann_text, ben_text) = (to("ann@example.org"), to("ben@example.org"));
    assert!(ann_text.contains("Today only: "), "{ann_text}");
    assert_eq!(followed(&app, &ann_text).await, url(today));
    assert!(ben_text.contains("For Ben: "), "{ben_text}");
    assert_eq!(followed(&app, &ben_text).await, url(for_ben));
    assert!(!mails.iter().any(|m| m.to == "cas@example.org"));
    // Tuesday noon, a day before "Silver week": Ann, in Silver, once; not Ben.
    assert_eq!(run(&app, Stamp::utc(2026, 3, 3, 12, 0, 0)).await, 1);
    assert_eq!(run(&app, Stamp::utc(2026, 3, 4, 12, 0, 0)).await, 0);
    let got = ours(entries(&pool, "offer_starting").await);
    assert_eq!(got[2], ("Ann".to_owned(), silver_week.to_string()));
    let all = smtp.wait_for(mails.len() + 1).await;
    let week = all
        .iter()
        .find(|m| m.text.contains("Silver week"))
        .expect("Silver week's message");
    assert_eq!(week.to, "ann@example.org");
    assert_eq!(followed(&app, &week.text).await, url(silver_week));
}
