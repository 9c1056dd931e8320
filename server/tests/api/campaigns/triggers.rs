//! The welcome, birthday and tier-reached journeys over HTTP with a real SMTP server on
//! loopback and a clock the test moves (the journey job is run at the moments the test
//! names, as the server's scheduler would); and the helpers the journey tests share.

use crate::helpers::{TestApp, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::Value;
use sqlx::SqlitePool;

pub(super) async fn journey(c: &TestApp, trigger: &str) -> Value {
    json_of(c, "journeys/get", &[("trigger", trigger)]).await
}

/// Writes an English message for journey `trigger` and switches it on with `wait` days and
/// no control group.
pub(super) async fn switch_on(c: &TestApp, trigger: &str, wait: &str, reentry: &str) -> Value {
    let body = "{{ expiring_points }} points expire on {{ expiring_on }}.";
    switch_on_saying(c, trigger, wait, reentry, body).await
}

/// [`switch_on`] with `body` as the message's text.
pub(super) async fn switch_on_saying(
    c: &TestApp,
    trigger: &str,
    wait: &str,
    reentry: &str,
    body: &str,
) -> Value {
    let campaign = journey(c, trigger).await["campaign"]["id"].to_string();
    json_of(
        c,
        "campaigns/message",
        &[
            ("id", &campaign),
            ("language", "en"),
            (
                "subject",
                &format!("{trigger} for {{{{ preferred_name }}}}"),
            ),
            ("preheader", ""),
            ("body", body),
        ],
    )
    .await;
    let form = [
        ("trigger", trigger),
        ("enabled", "on"),
        ("wait_days", wait),
        ("reentry_days", reentry),
        ("holdout_pct", "0"),
        ("window_days", "5"),
    ];
    let res = c.call("journeys/save", &form).await;
    assert_eq!(res.status(), 200, "{trigger}");
    res.json().await.expect("json")
}

/// Sets quiet hours for email from `from` to `until` (texts: none; no caps).
pub(super) async fn email_quiet_hours(manager: &TestApp, from: &str, until: &str) {
    json_of(
        manager,
        "journeys/rules/save",
        &[
            ("email_quiet_from", from),
            ("email_quiet_until", until),
            ("email_cap", ""),
            ("email_cap_days", "7"),
            ("sms_quiet_from", ""),
            ("sms_quiet_until", ""),
            ("sms_cap", ""),
            ("sms_cap_days", "7"),
        ],
    )
    .await;
}

/// Runs the journey job at `now` (the clock moved there first) as the server's scheduler
/// does; how many entered.
pub(super) async fn run(app: &TestApp, now: Stamp) -> u64 {
    app.config.clock.set(now);
    let db = server::open_database(&app.config).await.expect("db");
    let base = app.config.base_url.clone();
    let entered = db
        .write(move |tx| Box::pin(async move { app::journeys::db::run_all(tx, &base, now).await }))
        .await
        .expect("journeys run");
    db.close().await;
    entered
}

/// A member who may get offers by email (confirmed at `confirmed`, if any).
pub(super) async fn member(
    pool: &SqlitePool,
    name: &str,
    birthday: Option<&str>,
    confirmed: Option<&str>,
    consent: bool,
) -> i64 {
    let id = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, preferred_name, language, created_at,
                            updated_at, email_marketing, email_confirmed_at, birthday)
         VALUES (lower($1) || '@example.org', '!', 'member', $1, 'en', '2026-01-01T00:00:00Z',
                 '2026-01-01T00:00:00Z', $2, $3, $4)
         RETURNING id",
    )
    .bind(name)
    .bind(consent)
    .bind(confirmed)
    .bind(birthday)
    .fetch_one(pool)
    .await
    .expect("member");
    sqlx::query(
        "INSERT INTO member_balances (member_id, balance, updated_at)
         VALUES ($1, 0, '2026-01-01T00:00:00Z')",
    )
    .bind(id)
    .execute(pool)
    .await
    .expect("balance");
    id
}

/// Who entered journey `trigger`, by name, with each entry's key.
pub(super) async fn entries(pool: &SqlitePool, trigger: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT u.preferred_name, e.entry_key FROM journey_entries e
         JOIN journeys j ON j.id = e.journey_id JOIN users u ON u.id = e.user_id
         WHERE j.trigger = $1 ORDER BY e.id",
    )
    .bind(trigger)
    .fetch_all(pool)
    .await
    .expect("entries")
}

pub(super) async fn status_of(
    pool: &SqlitePool,
    name: &str,
    trigger: &str,
) -> (String, Option<String>) {
    sqlx::query_as(
        "SELECT o.status, o.last_error FROM journey_entries e
         JOIN journeys j ON j.id = e.journey_id JOIN users u ON u.id = e.user_id
         JOIN outbox o ON o.id = e.outbox_id
         WHERE j.trigger = $1 AND u.preferred_name = $2 ORDER BY e.id DESC LIMIT 1",
    )
    .bind(trigger)
    .bind(name)
    .fetch_one(pool)
    .await
    .expect("status")
}

pub(super) async fn wait_status(pool: &SqlitePool, name: &str, trigger: &str, want: &str) {
    for _ in 0..400 {
        if status_of(pool, name, trigger).await.0 == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "{name}'s {trigger} message is {:?}, not {want}",
        status_of(pool, name, trigger).await
    );
}

/// A shop at `at` on UTC with the manager and staff signed in and the Main Street counter's
/// id, for the journeys whose members buy.
pub(super) struct Counter {
    pub(super) smtp: super::smtp::Smtp,
    pub(super) app: TestApp,
    pub(super) pool: SqlitePool,
    pub(super) manager: TestApp,
    pub(super) staff: TestApp,
    pub(super) main: i64,
}

pub(super) async fn counter(at: Stamp) -> Counter {
    let (smtp, app) = super::journey_shop().await;
    app.config.clock.set(at);
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    crate::helpers::set_program_zone(&manager, "UTC").await;
    let main = sqlx::query_scalar("SELECT id FROM locations WHERE name = 'Main Street'")
        .fetch_one(&pool)
        .await
        .expect("location");
    Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    }
}

#[tokio::test]
async fn welcome_and_birthday_fire_once_per_occasion_on_the_members_calendar() {
    let (smtp, app) = super::journey_shop().await;
    app.config.clock.set(Stamp::utc(2026, 6, 1, 12, 0, 0));
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    // The shop is in Riga (UTC+3 in summer).
    crate::helpers::set_program_zone(&manager, "Europe/Riga").await;

    // Welcome: Old confirmed before it was switched on and gets nothing; New confirms after,
    // Nox never confirms, Nil confirms but wants no offers.
    member(&pool, "Old", None, Some("2026-05-30T12:00:00Z"), true).await;
    let r = switch_on(&manager, "welcome", "0", "").await;
    assert_eq!(r["results"]["entered"], 0);
    let new = member(&pool, "New", None, Some("2026-06-01T12:30:00Z"), true).await;
    member(&pool, "Nox", None, None, true).await;
    member(&pool, "Nil", None, Some("2026-06-01T12:30:00Z"), false).await;
    assert_eq!(run(&app, Stamp::utc(2026, 6, 1, 13, 0, 0)).await, 1);
    assert_eq!(run(&app, Stamp::utc(2026, 6, 1, 13, 0, 0)).await, 0);
    assert_eq!(
        entries(&pool, "welcome").await,
        [("New".to_owned(), "2026-06-01T12:30:00Z".to_owned())]
    );
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].subject, "welcome for New");
    // Confirming a new address later does not welcome them twice (once ever).
    sqlx::query("UPDATE users SET email_confirmed_at = '2026-06-02T08:00:00Z' WHERE id = $1")
        .bind(new)
        .execute(&pool)
        .await
        .expect("confirm again");
    assert_eq!(run(&app, Stamp::utc(2026, 6, 2, 9, 0, 0)).await, 0);
    // Switched off (the shop's own members confirmed on the real date, months ahead of
    // this test's clock: they would be welcomed when it gets there).
    let form = [
        ("trigger", "welcome"),
        ("wait_days", "0"),
        ("reentry_days", ""),
        ("holdout_pct", "0"),
        ("window_days", "5"),
    ];
    assert_eq!(manager.call("journeys/save", &form).await.status(), 200);

    // Birthday, on the day by the shop's calendar: Bea on 15 June, Bo on 16 June, Leap on
    // 29 February (the 28th in other years); Bix was born on the 15th too but wants no offers.
    member(
        &pool,
        "Bea",
        Some("1990-06-15"),
        Some("2026-01-01T00:00:00Z"),
        true,
    )
    .await;
    member(
        &pool,
        "Bo",
        Some("1985-06-16"),
        Some("2026-01-01T00:00:00Z"),
        true,
    )
    .await;
    member(
        &pool,
        "Leap",
        Some("2000-02-29"),
        Some("2026-01-01T00:00:00Z"),
        true,
    )
    .await;
    member(
        &pool,
        "Bix",
        Some("1990-06-15"),
        Some("2026-01-01T00:00:00Z"),
        false,
    )
    .await;
    // Kim lives in Auckland (UTC+12) and Ned in New York (UTC-4), both born on 15 June;
    // Rix set Riga, the shop's own zone, and was born on the 16th.
    for (name, zone, born) in [
        ("Kim", "Pacific/Auckland", "1991-06-15"),
        ("Ned", "America/New_York", "1992-06-15"),
        ("Rix", "Europe/Riga", "1993-06-16"),
    ] {
        let id = member(&pool, name, Some(born), Some("2026-01-01T00:00:00Z"), true).await;
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(zone)
            .bind(id)
            .execute(&pool)
            .await
            .expect("time zone");
    }
    app.config.clock.set(Stamp::utc(2026, 6, 14, 20, 0, 0));
    // 23:00 on the 14th in Riga: nobody on the shop's calendar, but it is 08:00 on the
    // 15th in Auckland: Kim.
    let r = switch_on(&manager, "birthday", "0", "300").await;
    assert_eq!(r["results"]["entered"], 1);
    // 00:30 on the 15th in Riga (21:30 UTC on the 14th): Bea; 17:30 on the 14th in New York.
    assert_eq!(run(&app, Stamp::utc(2026, 6, 14, 21, 30, 0)).await, 1);
    // 05:00 on the 15th in New York: Ned.
    assert_eq!(run(&app, Stamp::utc(2026, 6, 15, 9, 0, 0)).await, 1);
    assert_eq!(run(&app, Stamp::utc(2026, 6, 15, 10, 0, 0)).await, 0);
    // The server was off on the 16th: the run on the 17th catches up with Bo and Rix.
    assert_eq!(run(&app, Stamp::utc(2026, 6, 17, 9, 0, 0)).await, 2);
    // 2027 is not a leap year: Leap's birthday is on 28 February.
    assert_eq!(run(&app, Stamp::utc(2027, 2, 27, 9, 0, 0)).await, 0);
    assert_eq!(run(&app, Stamp::utc(2027, 2, 28, 9, 0, 0)).await, 1);
    // A year on, the three born on 15 June again (more than 300 days after their last entry).
    assert_eq!(run(&app, Stamp::utc(2027, 6, 15, 9, 0, 0)).await, 3);
    let got = entries(&pool, "birthday").await;
    let want = [
        ("Kim", "2026-06-15"),
        ("Bea", "2026-06-15"),
        ("Ned", "2026-06-15"),
        ("Bo", "2026-06-16"),
        ("Rix", "2026-06-16"),
        ("Leap", "2027-02-28"),
        ("Bea", "2027-06-15"),
        ("Kim", "2027-06-15"),
        ("Ned", "2027-06-15"),
    ];
    assert_eq!(
        got,
        want.map(|(n, k)| (n.to_owned(), k.to_owned())),
        "{got:?}"
    );
    smtp.wait_for(10).await;
    // Bad waits are the wait field's error, with the trigger's own range.
    let form = [
        ("trigger", "birthday"),
        ("wait_days", "31"),
        ("reentry_days", ""),
        ("holdout_pct", "0"),
        ("window_days", "5"),
    ];
    let res = manager.call("journeys/save", &form).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("wait_days", "wait_invalid")
    );
    assert!(rollup_drift(&pool).await.is_empty());
}

#[tokio::test]
async fn tier_reached_greets_a_move_up_once_and_not_the_first_tier() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2026, 3, 2, 10, 0, 0)).await;
    let confirmed = Some("2026-01-01T00:00:00Z");
    // Early moved up to Silver before the journey was switched on.
    let early = member(&pool, "Early", None, confirmed, true).await;
    let res = crate::helpers::purchase(&staff, early, "600", main, &[]).await;
    assert_eq!(res.status(), 200);
    app.config.clock.set(Stamp::utc(2026, 3, 2, 12, 0, 0));
    let r = switch_on(&manager, "tier_reached", "0", "1").await;
    assert_eq!(r["results"]["entered"], 0);
    // Tia reaches Silver (500 points); Bru buys a little and is in Bronze, the first tier.
    let tia = member(&pool, "Tia", None, confirmed, true).await;
    let bru = member(&pool, "Bru", None, confirmed, true).await;
    app.config.clock.set(Stamp::utc(2026, 3, 2, 13, 0, 0));
    for (who, euros) in [(tia, "600"), (bru, "10")] {
        let res = crate::helpers::purchase(&staff, who, euros, main, &[]).await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 13, 5, 0)).await, 1);
    assert_eq!(run(&app, Stamp::utc(2026, 3, 2, 13, 5, 0)).await, 0);
    let got = entries(&pool, "tier_reached").await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "Tia");
    let mails = smtp.wait_for(1).await;
    assert_eq!(
        (mails[0].to.as_str(), mails[0].subject.as_str()),
        ("tia@example.org", "tier_reached for Tia")
    );
    // Gold (1,500) two days later is a second move: a second greeting (re-entry after a day).
    app.config.clock.set(Stamp::utc(2026, 3, 4, 13, 0, 0));
    let res = crate::helpers::purchase(&staff, tia, "1000", main, &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(run(&app, Stamp::utc(2026, 3, 4, 13, 5, 0)).await, 1);
    let tiers: Vec<String> = sqlx::query_scalar(
        "SELECT t.name FROM journey_entries e JOIN tier_changes c ON c.id = e.entry_key
         JOIN tiers t ON t.id = c.to_tier_id ORDER BY e.id",
    )
    .fetch_all(&pool)
    .await
    .expect("tiers");
    assert_eq!(tiers, ["Silver", "Gold"]);
    assert!(rollup_drift(&pool).await.is_empty());
}
