//! The points economy page on hand-computed points: a member buys for €100 (100 points),
//! takes a 40-point reward, staff redeem 10 points at the counter, €50 is refunded (50 points
//! back), and a year later the rest expires. Every figure moves by exactly that, whatever the
//! shop had before; the roll-ups agree with the ledger throughout. At a location: Main Street
//! issued the purchase's points and took back the refund's; the Harbour, where the reward's
//! code was used, redeemed its points.

use super::Shop;
use crate::helpers::{download, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::Value;

async fn economy(s: &Shop, from: &str, to: &str, value: &str) -> Value {
    economy_at(s, from, to, value, "").await
}

async fn economy_at(s: &Shop, from: &str, to: &str, value: &str, location: &str) -> Value {
    json_of(
        &s.manager,
        "analytics/points",
        &[
            ("from", from),
            ("to", to),
            ("value_of_100", value),
            ("location", location),
        ],
    )
    .await
}

/// `after - before` of `key` at the top level, or of month `i`.
fn grew(before: &Value, after: &Value, i: Option<usize>, key: &str) -> i64 {
    let pick = |v: &Value| i.map_or_else(|| v[key].clone(), |i| v["months"][i][key].clone());
    pick(after).as_i64().expect(key) - pick(before).as_i64().expect(key)
}

#[tokio::test]
async fn points_issued_redeemed_taken_back_and_expired_are_counted_once_each() {
    let s = super::demo().await;
    s.settings("12", "one_tier").await;
    let before = economy(&s, "2026-12", "2027-01", "0,50").await;
    assert_eq!(before["months"][1]["month"], "2027-01");
    assert_eq!(before["value_of_100"], 50);
    let (main, harbour) = (s.main_street.to_string(), s.harbour.to_string());
    let at = |place: &'static str| {
        let place = if place == "main" { &main } else { &harbour };
        economy_at(&s, "2026-12", "2027-01", "0,50", place)
    };
    let before_at = [at("main").await, at("harbour").await];
    assert_eq!(before_at[1]["location"], s.harbour);

    let bought = s.buy("100", "econ-1").await;
    assert_eq!(bought["purchase"]["points"], 100);
    let res = s
        .manager
        .call(
            "rewards/save",
            &[
                ("name", "Cinnamon bun"),
                ("description", ""),
                ("cost", "40"),
                ("stock", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("icon", "gift"),
                ("valid_days", "30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let reward = res.json::<Value>().await.expect("json")["id"].to_string();
    let res = s
        .member
        .call(
            "rewards/redeem",
            &[("reward_id", &reward), ("idempotency_key", "econ-bun")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let code = res.json::<Value>().await.expect("json")["code"]
        .as_str()
        .expect("code")
        .to_owned();
    s.redeem("10", "econ-counter").await;
    let purchase = bought["purchase"]["id"].as_i64().expect("id");
    assert_eq!(s.refund(purchase, "50", "econ-half").await.status(), 200);
    assert_eq!(s.invariants().await, 0, "100 − 40 − 10 − 50");

    let after = economy(&s, "2026-12", "2027-01", "0,50").await;
    let jan = Some(1);
    assert_eq!(grew(&before, &after, jan, "issued"), 100);
    assert_eq!(
        grew(&before, &after, jan, "redeemed"),
        50,
        "the reward and the counter"
    );
    assert_eq!(
        grew(&before, &after, jan, "other"),
        50,
        "the refund's points"
    );
    assert_eq!(grew(&before, &after, jan, "expired"), 0);
    assert_eq!(grew(&before, &after, None, "outstanding"), 0);
    let bun = after["rewards"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "Cinnamon bun"))
        .expect("the reward is listed");
    assert_eq!(
        (
            bun["codes"].as_i64(),
            bun["points"].as_i64(),
            bun["used"].as_i64()
        ),
        (Some(1), Some(40), Some(0))
    );
    assert!(rollup_drift(&s.app.db().await).await.is_empty());

    // The code is used at the Harbour: the reward's 40 points are the Harbour's redemptions.
    let res = s
        .staff
        .call(
            "rewards/use",
            &[
                ("code", code.as_str()),
                ("location_id", harbour.as_str()),
                ("idempotency_key", "econ-use-bun"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let after_at = [at("main").await, at("harbour").await];
    let moved = |i: usize, key: &str| grew(&before_at[i], &after_at[i], jan, key);
    assert_eq!(
        ["issued", "redeemed", "other", "expired"].map(|k| moved(0, k)),
        [100, 0, 50, 0],
        "Main Street: the purchase's points and the refund's"
    );
    assert_eq!(
        ["issued", "redeemed", "other", "expired"].map(|k| moved(1, k)),
        [0, 40, 0, 0],
        "the Harbour: the code used there (the counter's 10 points have no location)"
    );
    // What members hold is the whole shop's wherever the page stands.
    let shop_now = economy(&s, "2026-12", "2027-01", "0,50").await;
    assert_eq!(after_at[1]["outstanding"], shop_now["outstanding"]);
    let bun_at = after_at[1]["rewards"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "Cinnamon bun"))
        .expect("the reward is listed at the Harbour");
    assert_eq!(
        (
            bun_at["codes"].clone(),
            bun_at["points"].as_i64(),
            bun_at["used"].as_i64()
        ),
        (Value::Null, Some(40), Some(1))
    );
    assert!(
        !after_at[0]["rewards"]
            .as_array()
            .expect("rewards")
            .iter()
            .any(|r| r["name"] == "Cinnamon bun"),
        "not used at Main Street"
    );
    assert!(rollup_drift(&s.app.db().await).await.is_empty());
    let csv = download(
        &s.manager,
        &format!("/console/analytics/points.csv?from=2027-01&to=2027-01&location={harbour}"),
    )
    .await;
    let jan_at = &after_at[1]["months"][1];
    let figure = |k: &str| jan_at[k].as_i64().expect(k);
    let line: Vec<String> = csv
        .lines()
        .nth(1)
        .expect("January")
        .split(',')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        line[..6],
        [
            "2027-01".to_owned(),
            figure("issued").to_string(),
            figure("redeemed").to_string(),
            String::new(),
            figure("other").to_string(),
            (figure("issued") - figure("redeemed") - figure("other")).to_string(),
        ],
        "expired is empty at a location: {csv}"
    );
    let res = s
        .manager
        .call("analytics/points", &[("location", "999999")])
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("location", "location_required")
    );

    // Another 80 points: they are held, worth €0.40 at €0.50 per 100, and expire on 6 January
    // 2028 — within 30 days on 20 December 2027.
    s.buy("80", "econ-2").await;
    let held = economy(&s, "2026-12", "2027-01", "0,50").await;
    assert_eq!(grew(&after, &held, None, "outstanding"), 80);
    let outstanding = held["outstanding"].as_i64().expect("outstanding");
    s.app.config.clock.set(Stamp::utc(2027, 12, 20, 12, 0, 0));
    let soon = economy(&s, "2027-11", "2027-12", "0,50").await;
    assert_eq!(soon["outstanding"].as_i64(), Some(outstanding));
    assert!(soon["expiring_30"].as_i64() >= Some(80), "{soon}");
    let ahead = soon["expiring"].as_array().expect("expiring");
    assert_eq!(ahead[0]["month"], "2028-01");

    // The sweep after the year: expired in January 2028, no longer held.
    let at = Stamp::utc(2028, 1, 10, 12, 0, 0);
    s.app.config.clock.set(at);
    let before_sweep = economy(&s, "2027-12", "2028-01", "1").await;
    s.sweep(at).await;
    let swept = economy(&s, "2027-12", "2028-01", "1").await;
    assert_eq!(grew(&before_sweep, &swept, Some(1), "expired"), 80);
    assert_eq!(grew(&before_sweep, &swept, None, "outstanding"), -80);
    assert_eq!(swept["expiring_30"], 0);
    assert!(rollup_drift(&s.app.db().await).await.is_empty());

    // The download has a line a month; a value that is not an amount is the field's error.
    let csv = download(
        &s.manager,
        "/console/analytics/points.csv?from=2027-12&to=2028-01",
    )
    .await;
    assert!(
        csv.starts_with(
            "month,issued,redeemed,expired,other_taken,net,redemption_rate_percent\n2027-12,"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3);
    let res = s
        .manager
        .call("analytics/points", &[("value_of_100", "a lot")])
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_console_home_counts_today_and_this_week_from_monday() {
    let s = super::demo().await;
    let home_at = |location: String| {
        let s = &s;
        async move { json_of(&s.manager, "console/today", &[("location", &location)]).await }
    };
    let home = || home_at(String::new());
    let before = home().await;
    let (main, harbour) = (s.main_street.to_string(), s.harbour.to_string());
    let (main_before, harbour_before) =
        (home_at(main.clone()).await, home_at(harbour.clone()).await);
    assert_eq!(
        (before["today"].as_str(), before["monday"].as_str()),
        (Some("2027-01-06"), Some("2027-01-04"))
    );
    // Monday: €10. Today (Wednesday): €20, 5 points redeemed, someone joins.
    s.app.config.clock.set(Stamp::utc(2027, 1, 4, 10, 0, 0));
    s.buy("10", "home-monday").await;
    s.app.config.clock.set(super::WED);
    s.buy("20", "home-today").await;
    s.redeem("5", "home-redeem").await;
    let joiner = s.app.other_client();
    assert_eq!(
        joiner
            .sign_up("joiner@example.com", "a long password", "Jo", "sv")
            .await
            .status(),
        200
    );
    // A detractor's answer on the Harbour's own form opens a case there.
    let form = crate::helpers::harbour_form(&s.manager, s.harbour)
        .await
        .to_string();
    let res = s
        .member
        .call(
            "feedback/submit",
            &[("form_id", form.as_str()), ("nps", "2"), ("csat", "1")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.expect("json");
    assert!(answer["case_id"].as_i64().is_some(), "{answer}");
    let after = home().await;
    let grew_at = |after: &Value, before: &Value, span: &str, key: &str| {
        after[span][key].as_i64().expect(key) - before[span][key].as_i64().expect(key)
    };
    let grew = |span: &str, key: &str| grew_at(&after, &before, span, key);
    let keys = ["purchases", "net_minor", "joined", "issued", "redeemed"];
    assert_eq!(keys.map(|k| grew("day", k)), [1, 2_000, 1, 20, 5], "today");
    assert_eq!(
        keys.map(|k| grew("week", k)),
        [2, 3_000, 1, 30, 5],
        "this week"
    );
    // Both purchases were at Main Street; joining and points belong to no location.
    let (at_main, at_harbour) = (home_at(main).await, home_at(harbour).await);
    assert_eq!(at_main["location"], s.main_street);
    assert_eq!(
        keys.map(|k| grew_at(&at_main, &main_before, "week", k)),
        [2, 3_000, 1, 30, 5]
    );
    assert_eq!(
        keys.map(|k| grew_at(&at_harbour, &harbour_before, "week", k)),
        [0, 0, 1, 30, 5]
    );
    // The case is open at the Harbour and in the shop, not at Main Street.
    let cases = |now: &Value, then: &Value| {
        ["open_cases", "new_cases"].map(|k| now[k].as_i64().expect(k) - then[k].as_i64().expect(k))
    };
    assert_eq!(cases(&after, &before), [1, 1]);
    assert_eq!(cases(&at_harbour, &harbour_before), [1, 1]);
    assert_eq!(cases(&at_main, &main_before), [0, 0]);
    let res = s
        .manager
        .call("console/today", &[("location", "999999")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(rollup_drift(&s.app.db().await).await.is_empty());
    // Counter staff have the tiles, not the figures.
    assert_eq!(s.staff.call("console/today", &[]).await.status(), 403);
}
