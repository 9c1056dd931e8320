//! Contests over HTTP: made by a manager (bad input refused field by field), entered by a
//! purchase in the period or on the public page, drawn once after the last day with the
//! lowest SHA-256 scores winning, the prize paid through the ledger and the winners mailed
//! at a real SMTP server in their language; the draw re-checked, and a forged one caught; a
//! reward prize the stock cannot cover leaves nothing drawn.

use super::triggers::{Counter, counter, member};
use crate::helpers::{bought, error_json, field_error, json_of, refunded};
use app::{contests::draw::sha256, db::Stamp};
use serde_json::Value;

/// A Monday (the demo's bonus points are on Tuesdays; the test buys on Monday).
const MON: Stamp = Stamp::utc(2026, 3, 2, 10, 0, 0);

fn contest_form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("title_en", "Spring draw"),
        ("title_sv", "Vårdragning"),
        ("description_en", "Buy or enter here."),
        ("starts_on", "2026-03-02"),
        ("ends_on", "2026-03-08"),
        ("way_purchase", "on"),
        ("way_page", "on"),
        ("prize_points", "500"),
        ("winners", "2"),
    ];
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    form.retain(|(_, v)| *v != "-");
    form
}

async fn page(c: &crate::helpers::TestApp, slug: &str) -> Value {
    json_of(c, "contests/page", &[("slug", slug)]).await
}

#[tokio::test]
async fn a_contest_is_entered_drawn_once_paid_mailed_and_checkable() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(MON).await;

    // Bad input, one field at a time.
    for (extra, field, key) in [
        (
            vec![("title_en", "-"), ("title_sv", "-")],
            "title_en",
            "name_required",
        ),
        (
            vec![("ends_on", "2026-03-01")],
            "ends_on",
            "ends_before_start",
        ),
        (vec![("starts_on", "2 March")], "starts_on", "date_invalid"),
        (
            vec![("way_purchase", "-"), ("way_page", "-")],
            "way_purchase",
            "contest_ways_required",
        ),
        (
            vec![("prize_reward", "1")],
            "prize_points",
            "prize_required",
        ),
        (
            vec![("prize_points", "0")],
            "prize_points",
            "points_invalid",
        ),
        (vec![("winners", "101")], "winners", "winners_invalid"),
    ] {
        let res = manager.call("contests/save", &contest_form(&extra)).await;
        assert_eq!(res.status(), 422, "{field}");
        assert_eq!(error_json(res).await, field_error(field, key), "{extra:?}");
    }
    let res = staff.call("contests/save", &contest_form(&[])).await;
    assert_eq!(res.status(), 403, "the counter staff may not make contests");

    let id = json_of(&manager, "contests/save", &contest_form(&[])).await;
    let id = id.as_i64().expect("id");
    let before = page(&app.other_client(), "spring-draw").await;
    assert_eq!(before["contest"]["id"], id);
    assert_eq!(before["stage"], "Open");
    assert!(
        before["contest"]["drawn"].is_null(),
        "no seed before the draw"
    );
    let seed_hash = before["contest"]["seed_hash"]
        .as_str()
        .expect("hash")
        .to_owned();

    // Five buy in the period; Old bought the day before; Back's purchase is refunded in full.
    let confirmed = Some("2026-01-01T00:00:00Z");
    let old = member(&pool, "Old", None, confirmed, true).await;
    app.config.clock.set(MON - app::db::hours(24));
    bought(&staff, old, "20", main, &[]).await;
    app.config.clock.set(MON + app::db::hours(1));
    let mut buyers = Vec::new();
    for n in 1..=5 {
        let who = member(&pool, &format!("Buyer{n}"), None, confirmed, false).await;
        bought(&staff, who, "20", main, &[]).await;
        buyers.push(who);
    }
    let back = member(&pool, "Back", None, confirmed, true).await;
    let receipt = bought(&staff, back, "20", main, &[]).await;
    refunded(&staff, &receipt, "20").await;

    // Sue joins (Swedish) and enters on the page, twice; a visitor cannot.
    let sue = app.other_client();
    assert_eq!(
        sue.sign_up("sue@example.org", "a long password 1", "Sue", "sv")
            .await
            .status(),
        200
    );
    for _ in 0..2 {
        assert_eq!(
            sue.call("contests/enter", &[("slug", "spring-draw")])
                .await
                .status(),
            200
        );
    }
    assert_eq!(page(&sue, "spring-draw").await["entered"], true);
    let res = app
        .other_client()
        .call("contests/enter", &[("slug", "spring-draw")])
        .await;
    assert_eq!(res.status(), 401);

    // Not before its last day is over.
    let res = manager
        .call("contests/draw", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("contest", "contest_not_over")
    );

    app.config.clock.set(Stamp::utc(2026, 3, 9, 9, 0, 0));
    let res = sue.call("contests/enter", &[("slug", "spring-draw")]).await;
    assert_eq!(res.status(), 422, "closed after the last day");
    let entrants = json_of(&manager, "contests/draw", &[("id", &id.to_string())]).await;
    assert_eq!(entrants, 6, "five buyers and Sue");

    // The winners are the two lowest SHA-256 scores of seed ':' member number.
    let sue_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'sue@example.org'")
        .fetch_one(&pool)
        .await
        .expect("Sue");
    let after = page(&app.other_client(), "spring-draw").await;
    let drawn = &after["contest"]["drawn"];
    let seed = drawn["seed"].as_str().expect("seed");
    assert_eq!(
        sha256(seed),
        seed_hash,
        "the seed is the one fixed in advance"
    );
    let mut ids = buyers.clone();
    ids.push(sue_id);
    ids.sort_unstable();
    let number = app::loyalty::rules::member_number;
    let list: String = ids.iter().map(|i| format!("{}\n", number(*i))).collect();
    assert_eq!(drawn["entrants_hash"], sha256(&list));
    let mut scored: Vec<(String, i64)> = ids
        .iter()
        .map(|i| (sha256(&format!("{seed}:{}", number(*i))), *i))
        .collect();
    scored.sort();
    let expected: Vec<i64> = scored.iter().take(2).map(|(_, i)| *i).collect();
    let view = json_of(&manager, "contests/list", &[]).await;
    let ours = view["contests"]
        .as_array()
        .expect("contests")
        .iter()
        .find(|m| m["contest"]["id"] == id)
        .expect("the contest");
    let winners: Vec<i64> = ours["winners"]
        .as_array()
        .expect("winners")
        .iter()
        .map(|w| w["member_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(winners, expected);

    // Paid once through the ledger, mailed once each in their language.
    let paid: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT member_id, amount FROM point_movements WHERE kind = 'bonus'
           AND idempotency_key LIKE 'contest:%' ORDER BY member_id",
    )
    .fetch_all(&pool)
    .await
    .expect("movements");
    let mut want: Vec<(i64, i64)> = expected.iter().map(|w| (*w, 500)).collect();
    want.sort_unstable();
    assert_eq!(paid, want);
    // Sue's address confirmation, and one per winner.
    let mails = smtp.wait_for(3).await;
    for w in &expected {
        let (email, language): (String, String) =
            sqlx::query_as("SELECT email, language FROM users WHERE id = $1")
                .bind(w)
                .fetch_one(&pool)
                .await
                .expect("winner");
        let subject = if language == "sv" {
            "Du vann: Vårdragning"
        } else {
            "You won: Spring draw"
        };
        let mail = mails
            .iter()
            .find(|m| m.to.contains(&email) && m.subject == subject)
            .expect("a mail per winner, in their language");
        assert!(mail.list_unsubscribe.is_none(), "a service message");
    }
    // Sue sees her place on the page, or none.
    let place = expected.iter().position(|w| *w == sue_id).map(|p| p + 1);
    assert_eq!(
        page(&sue, "spring-draw").await["won"].as_u64(),
        place.map(|p| p as u64)
    );

    // Drawing again changes nothing.
    assert_eq!(
        json_of(&manager, "contests/draw", &[("id", &id.to_string())]).await,
        6
    );
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM point_movements WHERE idempotency_key LIKE 'contest:%'",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(count, 2);

    // The check re-runs the draw; a forged winner is caught.
    let check = json_of(&manager, "contests/check", &[("id", &id.to_string())]).await;
    assert_eq!(check["entrants"], 6);
    for k in ["list_matches", "scores_match", "winners_match"] {
        assert_eq!(check[k], true, "{k}");
    }
    let loser = scored[5].1;
    sqlx::query("UPDATE contest_draws SET place = CASE WHEN user_id = $1 THEN 1 ELSE NULL END WHERE contest_id = $2 AND (place = 1 OR user_id = $1)")
        .bind(loser)
        .bind(id)
        .execute(&pool)
        .await
        .expect("forge");
    let check = json_of(&manager, "contests/check", &[("id", &id.to_string())]).await;
    assert_eq!(check["winners_match"], false);
    assert_eq!(check["list_matches"], true);
    assert_eq!(smtp.mails().len(), 3, "no mail twice");
}

#[tokio::test]
async fn a_reward_prize_the_stock_cannot_cover_leaves_nothing_drawn() {
    let Counter {
        app, pool, manager, ..
    } = counter(MON).await;
    let reward = crate::helpers::saved_reward(&manager, "Picnic basket", "900", "1").await;
    let reward_s = reward.to_string();
    let form = contest_form(&[
        ("prize_points", "-"),
        ("prize_reward", &reward_s),
        ("way_purchase", "-"),
        ("way_page", "-"),
        ("way_referral", "on"),
    ]);
    let id = json_of(&manager, "contests/save", &form).await.to_string();
    // Ref referred Ann in the period and Cy before it, Ida referred Bo in it: two entrants,
    // two winners, and one code left in stock.
    let confirmed = Some("2026-01-01T00:00:00Z");
    let (referrer, ida) = (
        member(&pool, "Ref", None, confirmed, true).await,
        member(&pool, "Ida", None, confirmed, true).await,
    );
    for (name, by, at) in [
        ("Ann", referrer, "2026-03-03T10:00:00Z"),
        ("Bo", ida, "2026-03-04T10:00:00Z"),
        ("Cy", referrer, "2026-03-01T10:00:00Z"),
    ] {
        let who = member(&pool, name, None, confirmed, true).await;
        sqlx::query("UPDATE users SET referred_by = $1, created_at = $2 WHERE id = $3")
            .bind(by)
            .bind(at)
            .bind(who)
            .execute(&pool)
            .await
            .expect("referred");
    }
    app.config.clock.set(Stamp::utc(2026, 3, 9, 9, 0, 0));
    let res = manager.call("contests/draw", &[("id", &id)]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("contest", "reward_out_of_stock")
    );
    let drawn: (Option<String>, i64, i64) = sqlx::query_as(
        "SELECT c.drawn_at, (SELECT count(*) FROM contest_draws WHERE contest_id = c.id),
                (SELECT count(*) FROM reward_codes WHERE reward_id = $2)
         FROM contests c WHERE c.id = $1",
    )
    .bind(&id)
    .bind(reward)
    .fetch_one(&pool)
    .await
    .expect("contest");
    assert_eq!(drawn, (None, 0, 0), "nothing drawn, no code given");

    // More stock (as the catalog's form would set it).
    sqlx::query("UPDATE rewards SET stock = 5 WHERE id = $1")
        .bind(reward)
        .execute(&pool)
        .await
        .expect("stock");
    assert_eq!(json_of(&manager, "contests/draw", &[("id", &id)]).await, 2);
    let codes: Vec<i64> = sqlx::query_scalar(
        "SELECT member_id FROM reward_codes WHERE reward_id = $1 ORDER BY member_id",
    )
    .bind(reward)
    .fetch_all(&pool)
    .await
    .expect("codes");
    assert_eq!(codes, [referrer, ida]);
}
