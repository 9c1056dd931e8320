//! The journeys that follow what the program did for a member — a next-visit discount given
//! and about to end, enough points for a reward, an answer on their feedback — over HTTP with
//! a real SMTP server on loopback and the clock moved by the test.

use super::triggers::{Counter, counter, entries, member, run, switch_on_saying};
use crate::helpers::{bought, json_of, refunded, rollup_drift};
use app::db::Stamp;

/// A Monday (no bonus points: the demo's bonus is on Tuesdays).
const MON: Stamp = Stamp::utc(2026, 3, 2, 10, 0, 0);

#[tokio::test]
async fn a_discount_is_announced_once_and_reminded_before_its_last_day_unless_used() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(MON).await;
    // 10 % off the next visit for a purchase of €20 or more, for 7 days.
    let settings = [
        ("return_percent", "10"),
        ("return_min_purchase", "20"),
        ("return_days", "7"),
        ("return_min_next", ""),
        ("referral_points", "0"),
        ("referral_min_purchase", ""),
    ];
    let res = manager.call("perks/save_settings", &settings).await;
    assert_eq!(res.status(), 200);
    let text = "{{ discount_percent }} % off until {{ discount_until }}.";
    for (trigger, wait) in [("coupon_issued", "0"), ("coupon_ending", "3")] {
        let r = switch_on_saying(&manager, trigger, wait, "1", text).await;
        assert_eq!(r["results"]["entered"], 0, "{trigger}");
    }
    let confirmed = Some("2026-01-01T00:00:00Z");
    let dee = member(&pool, "Dee", None, confirmed, true).await;
    let nix = member(&pool, "Nix", None, confirmed, false).await;
    let uma = member(&pool, "Uma", None, confirmed, true).await;
    let lo = member(&pool, "Lo", None, confirmed, true).await;
    app.config.clock.set(MON + app::db::hours(1));
    for who in [dee, nix, uma] {
        bought(&staff, who, "30", main, &[]).await;
    }
    // Below the rule's least purchase: no discount.
    bought(&staff, lo, "10", main, &[]).await;
    let uma_coupon: i64 = sqlx::query_scalar(
        "SELECT id FROM coupons WHERE member_id = $1 AND valid_until = '2026-03-09'",
    )
    .bind(uma)
    .fetch_one(&pool)
    .await
    .expect("Uma's discount, Tuesday to next Monday");
    // Given: Dee and Uma (Nix wants no offers); nothing ends within 3 days yet.
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 5, 0)).await, 2);
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 5, 0)).await, 0);
    let names = |e: Vec<(String, String)>| e.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    assert_eq!(names(entries(&pool, "coupon_issued").await), ["Dee", "Uma"]);
    let mails = smtp.wait_for(2).await;
    let dees = mails
        .iter()
        .find(|m| m.to == "dee@example.org")
        .expect("Dee's");
    assert_eq!(dees.subject, "coupon_issued for Dee");
    assert!(
        dees.text.contains("10 % off until 2026-03-09."),
        "{}",
        dees.text
    );

    // Wednesday: Uma uses hers.
    app.config.clock.set(Stamp::utc(2026, 3, 4, 10, 0, 0));
    let apply = format!("coupon:{uma_coupon}");
    let r = bought(
        &staff,
        uma,
        "40",
        main,
        &[("apply", &apply), ("full_price", "true")],
    )
    .await;
    assert_eq!(r["perks"]["coupon_percent"], 10);
    // Thursday the 5th: the last day (the 9th) is 4 days off.
    assert_eq!(run(&app, Stamp::utc(2026, 3, 5, 9, 0, 0)).await, 0);
    // Friday the 6th: 3 days off — Dee, once; not Uma, who used hers, nor Nix.
    assert_eq!(run(&app, Stamp::utc(2026, 3, 6, 9, 0, 0)).await, 1);
    assert_eq!(run(&app, Stamp::utc(2026, 3, 7, 9, 0, 0)).await, 0);
    let ending = entries(&pool, "coupon_ending").await;
    assert_eq!(names(ending.clone()), ["Dee"]);
    let dee_coupon: String =
        sqlx::query_scalar("SELECT CAST(id AS TEXT) FROM coupons WHERE member_id = $1")
            .bind(dee)
            .fetch_one(&pool)
            .await
            .expect("Dee's discount");
    assert_eq!(ending[0].1, dee_coupon, "one entry per discount");
    let mails = smtp.wait_for(3).await;
    let reminder = mails
        .iter()
        .find(|m| m.subject == "coupon_ending for Dee")
        .expect("Dee's reminder");
    assert!(reminder.text.contains("10 % off until 2026-03-09."));

    // A discount shorter than the reminder's 3 days is reminded as soon as it is given.
    let short = [("return_days", "2"), ("return_min_purchase", "5")];
    let form: Vec<_> = settings
        .iter()
        .filter(|(k, _)| !short.iter().any(|(s, _)| s == k))
        .chain(short.iter())
        .copied()
        .collect();
    assert_eq!(
        manager.call("perks/save_settings", &form).await.status(),
        200
    );
    app.config.clock.set(Stamp::utc(2026, 3, 7, 10, 0, 0));
    bought(&staff, lo, "10", main, &[]).await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 7, 10, 5, 0)).await, 2);
    assert_eq!(names(entries(&pool, "coupon_ending").await), ["Dee", "Lo"]);
    assert_eq!(
        names(entries(&pool, "coupon_issued").await),
        ["Dee", "Uma", "Lo"]
    );
    smtp.wait_for(5).await;
    assert!(rollup_drift(&pool).await.is_empty());
}

#[tokio::test]
async fn enough_points_for_the_cheapest_reward_is_told_once_while_the_points_are_there() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(MON).await;
    for (name, cost) in [("Free coffee", "150"), ("Cake", "300")] {
        let form = [
            ("name", name),
            ("description", ""),
            ("cost", cost),
            ("stock", ""),
            ("starts_on", ""),
            ("ends_on", ""),
            ("icon", "coffee"),
            ("valid_days", "30"),
        ];
        assert_eq!(manager.call("rewards/save", &form).await.status(), 200);
    }
    let text = "You have {{ points }} points.";
    let r = switch_on_saying(&manager, "reward_in_reach", "0", "30", text).await;
    assert_eq!(r["results"]["entered"], 0);
    let confirmed = Some("2026-01-01T00:00:00Z");
    let ria = member(&pool, "Ria", None, confirmed, true).await;
    let tom = member(&pool, "Tom", None, confirmed, true).await;
    app.config.clock.set(MON + app::db::hours(1));
    // 100 points: not yet.
    bought(&staff, ria, "100", main, &[]).await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 1, 0)).await, 0);
    // 160: enough for the coffee.
    app.config.clock.set(Stamp::utc(2026, 3, 2, 11, 1, 30));
    bought(&staff, ria, "60", main, &[]).await;
    // Tom reaches 200 but the purchase is refunded before the job looks.
    let p = bought(&staff, tom, "200", main, &[]).await;
    refunded(&staff, &p, "200").await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 2, 0)).await, 1);
    // (Sent before she earns more: the message says the balance when it is written.)
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].subject, "reward_in_reach for Ria");
    assert!(
        mails[0].text.contains("You have 160 points."),
        "{}",
        mails[0].text
    );
    // 360 passes the cake's price, but Ria already had enough for a reward: nothing new.
    app.config.clock.set(Stamp::utc(2026, 3, 2, 11, 2, 30));
    bought(&staff, ria, "200", main, &[]).await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 3, 0)).await, 0);
    let got = entries(&pool, "reward_in_reach").await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "Ria");
    let earned: i64 = sqlx::query_scalar("SELECT balance_after FROM point_movements WHERE id = $1")
        .bind(got[0].1.parse::<i64>().expect("the earning's id"))
        .fetch_one(&pool)
        .await
        .expect("the earning");
    assert_eq!(
        earned, 160,
        "the entry is the earning that reached the price"
    );
    assert_eq!(smtp.wait_for(1).await.len(), 1);
}

#[tokio::test]
async fn an_answer_on_a_members_case_brings_one_message_a_day_and_notes_none() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        ..
    } = counter(MON).await;
    let form = json_of(
        &manager,
        "feedback/save_form",
        &[
            ("name", "After a visit"),
            ("ask_nps", "on"),
            ("ask_text", "on"),
            ("title_en", "How was your visit?"),
        ],
    )
    .await["id"]
        .to_string();
    let text = "Read our answer: {{ portal_url }}me/feedback";
    let r = switch_on_saying(&manager, "case_answered", "0", "1", text).await;
    assert_eq!(r["results"]["entered"], 0);
    // Fay joins asking for offers by email (the confirmation is the first mail) and confirms.
    let fay = app.other_client();
    let res = fay
        .sign_up_with(&[
            ("email", "fay@example.org"),
            ("password", "a long password"),
            ("preferred_name", "Fay"),
            ("language", "en"),
            ("email_marketing", "on"),
        ])
        .await;
    assert_eq!(res.status(), 200);
    smtp.wait_for(1).await;
    sqlx::query("UPDATE users SET email_confirmed_at = created_at WHERE email = 'fay@example.org'")
        .execute(&pool)
        .await
        .expect("confirmed");
    let answers = [
        ("form_id", form.as_str()),
        ("nps", "2"),
        ("text", "Cold coffee"),
    ];
    let sent = json_of(&fay, "feedback/submit", &answers).await;
    let case = sent["case_id"].to_string();
    assert_ne!(case, "null", "a low score opens a case");
    let act = |action: &'static str, body: &'static str| {
        let (staff, case) = (&staff, case.clone());
        async move {
            let form = [
                ("case_id", case.as_str()),
                ("action", action),
                ("body", body),
            ];
            assert_eq!(
                staff.call("feedback/act", &form).await.status(),
                200,
                "{action}"
            );
        }
    };
    // An internal note is not an answer.
    app.config.clock.set(MON + app::db::hours(1));
    act("note", "Check the machine").await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 1, 0)).await, 0);
    app.config.clock.set(Stamp::utc(2026, 3, 2, 11, 1, 30));
    act("reply", "Sorry! We fixed the machine.").await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 2, 0)).await, 1);
    // Resolved the same day: one message a day is enough.
    app.config.clock.set(Stamp::utc(2026, 3, 2, 11, 2, 30));
    act("resolve", "Fixed").await;
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 11, 3, 0)).await, 0);
    let got = entries(&pool, "case_answered").await;
    assert_eq!(got.len(), 1);
    let kind: String = sqlx::query_scalar("SELECT kind FROM case_events WHERE id = $1")
        .bind(got[0].1.parse::<i64>().expect("the event's id"))
        .fetch_one(&pool)
        .await
        .expect("event");
    assert_eq!(kind, "reply");
    let mails = smtp.wait_for(2).await;
    let answer = mails
        .iter()
        .find(|m| m.subject == "case_answered for Fay")
        .expect("the answer's message");
    assert_eq!(answer.to, "fay@example.org");
    assert!(answer.text.contains("/me/feedback"), "{}", answer.text);
}

#[tokio::test]
async fn a_tier_at_risk_is_told_before_each_review_it_would_not_survive() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(MON).await;
    let r = switch_on_saying(&manager, "tier_at_risk", "30", "30", "Keep {{ tier }}.").await;
    assert_eq!(r["results"]["entered"], 0);
    let confirmed = Some("2026-01-01T00:00:00Z");
    let gia = member(&pool, "Gia", None, confirmed, true).await;
    let hal = member(&pool, "Hal", None, confirmed, true).await;
    let bru = member(&pool, "Bru", None, confirmed, true).await;
    // Monday 2 March 2026, 13:00: Gia and Hal reach Silver (500), reviewed a year on; Bru
    // stays in the first tier, which no review takes away.
    app.config.clock.set(Stamp::utc(2026, 3, 2, 13, 0, 0));
    for (who, euros) in [(gia, "600"), (hal, "600"), (bru, "10")] {
        bought(&staff, who, euros, main, &[]).await;
    }
    let review: String =
        sqlx::query_scalar("SELECT review_at FROM member_tiers WHERE member_id = $1")
            .bind(hal)
            .fetch_one(&pool)
            .await
            .expect("Hal's review");
    assert_eq!(review, "2027-03-02T13:00:00Z");
    // Wednesday 2 December: in the new period Gia earns enough to keep Silver, Hal does not.
    app.config.clock.set(Stamp::utc(2026, 12, 2, 12, 0, 0));
    bought(&staff, gia, "500", main, &[]).await;
    bought(&staff, hal, "100", main, &[]).await;
    // 31 days before the review: nobody; 30 days: Hal, once.
    assert_eq!(run(&app, Stamp::utc(2027, 1, 30, 12, 0, 0)).await, 0);
    assert_eq!(run(&app, Stamp::utc(2027, 1, 31, 14, 0, 0)).await, 1);
    assert_eq!(run(&app, Stamp::utc(2027, 2, 10, 9, 0, 0)).await, 0);
    assert_eq!(
        entries(&pool, "tier_at_risk").await,
        [("Hal".to_owned(), review.clone())]
    );
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].subject, "tier_at_risk for Hal");
    assert!(mails[0].text.contains("Keep Silver."), "{}", mails[0].text);
    // The review comes: Hal goes down a tier; Gia keeps Silver until the next review, for
    // which she has earned nothing yet — so she is told before that one.
    let db = server::open_database(&app.config).await.expect("db");
    let swept = app::jobs::sweep(&db, Stamp::utc(2027, 3, 2, 14, 0, 0))
        .await
        .expect("sweep");
    db.close().await;
    assert_eq!(swept.downgrades, 1);
    assert_eq!(run(&app, Stamp::utc(2028, 2, 1, 14, 0, 0)).await, 1);
    let got = entries(&pool, "tier_at_risk").await;
    assert_eq!(
        got[1],
        ("Gia".to_owned(), "2028-03-02T13:00:00Z".to_owned())
    );
    smtp.wait_for(2).await;
    assert!(rollup_drift(&pool).await.is_empty());
}
