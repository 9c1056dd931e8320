//! Segment rules that read the ledger and balances, counted over HTTP, against the same
//! question asked of the purchase table directly: the last-purchase roll-up on the member row
//! (kept by a trigger on every purchase, including ones dated before the member's last) and
//! the balance sets must give the plain query's answer, members without a balance row included;
//! so must the member roll-up's five latest purchases for counts and spend in a window, with
//! refunds and members who bought more than five times in it; and the per-location roll-up for
//! "bought at". `rollups::check` agrees.

use crate::helpers::{TestApp, json_of, rollup_drift, spawn_with};

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
    server::seed::members(&db, 400, 36, 7)
        .await
        .expect("members");
    let pool = app.db().await;
    // Some members lose their balance row (it counts as zero points).
    sqlx::query("DELETE FROM member_balances WHERE member_id % 11 = 0 AND member_id > 20")
        .execute(&pool)
        .await
        .expect("some members have no balance row");
    // Purchases at random times over four months, in random order.
    server::seed::history(&db, 600, 4, 7)
        .await
        .expect("purchases");
    // Regulars: every seventh made-up member buys eight more times over 100 days, in an order
    // that is not their time order; and refunds, some whole, some half.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8)
         INSERT INTO purchases (member_id, amount_minor, currency, location_id, full_price,
             points, created_at)
         SELECT u.id, 700 + (u.id * i * 31) % 2000, 'EUR',
                (SELECT l.id FROM locations l
                 WHERE (SELECT count(*) FROM locations k WHERE k.id < l.id)
                     = (u.id + i) % (SELECT count(*) FROM locations)), 1, 0,
                strftime('%Y-%m-%dT%H:%M:%SZ', $1 - ((u.id * 7919 + i * 104729) % 8640000), 'unixepoch')
         FROM users u, n WHERE u.password_hash = '!' AND u.id % 7 = 0",
    )
    .bind(now.unix())
    .execute(&pool)
    .await
    .expect("regulars' purchases");
    sqlx::query(
        "UPDATE purchases SET refunded_minor = CASE WHEN id % 2 = 0 THEN amount_minor ELSE amount_minor / 2 END
         WHERE id % 5 = 0",
    )
    .execute(&pool)
    .await
    .expect("refunds");
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
    server::seed::members(&db, 30, 36, 8)
        .await
        .expect("members");
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
    let purchases_since = |n: i64| {
        format!(
            "(SELECT count(*) FROM purchases p WHERE p.member_id = u.id AND p.created_at >= $1) >= {n}"
        )
    };
    let spent_since = |minor: i64| {
        format!(
            "(SELECT coalesce(sum(p.amount_minor - p.refunded_minor), 0) FROM purchases p
              WHERE p.member_id = u.id AND p.created_at >= $1) >= {minor}"
        )
    };
    let (first, last): (i64, i64) = sqlx::query_as("SELECT min(id), max(id) FROM locations")
        .fetch_one(&pool)
        .await
        .expect("locations");
    assert!(first < last, "the demo shop has more than one location");
    let (first, last) = (first.to_string(), last.to_string());
    let bought_at =
        "EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = u.id AND p.location_id = $1)";
    let mut cases: Vec<Case> = Vec::new();
    for id in [&first, &last] {
        cases.push((vec![("location", id)], bought_at.to_owned(), id.clone()));
    }
    // At least n purchases in the window: as typed, as a number, the window as typed and in days.
    for (typed, n, window, days) in [
        ("1", 1, "30", 30),
        ("3", 3, "90", 90),
        ("5", 5, "60", 60),
        ("7", 7, "100", 100),
    ] {
        cases.push((
            vec![("purchases_min", typed), ("purchases_days", window)],
            purchases_since(n),
            since(days),
        ));
    }
    // Spent at least: as typed and in minor units.
    for (typed, minor, window, days) in [
        ("20", 2_000, "30", 30),
        ("60.50", 6_050, "100", 100),
        ("150", 15_000, "120", 120),
    ] {
        cases.push((
            vec![("spend_min", typed), ("spend_days", window)],
            spent_since(minor),
            since(days),
        ));
    }
    cases.extend([
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
    ]);
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
    // "Bought at" looks members up by id from the per-location roll-up's list rather than
    // scanning the segment index and probing the list per member (a third of the time at
    // 1 M members), the list read in member order from the roll-up's key (from the index on
    // the last purchase there it took five times as long).
    rfm_groups_count_what_the_quintiles_say(&pool, &owner).await;
    let mut conn = pool.acquire().await.expect("conn");
    let rules = [app::campaigns::rules::Rule::Location { location_id: 1 }];
    let when = app::campaigns::db::when(&mut conn, now, &rules)
        .await
        .expect("when");
    let mut q = sqlx::QueryBuilder::new("EXPLAIN QUERY PLAN SELECT count(*)");
    app::campaigns::sql::push_from(&mut q, &rules, true, &when);
    let plan: Vec<String> = q
        .build()
        .fetch_all(&mut *conn)
        .await
        .expect("plan")
        .iter()
        .map(|row| sqlx::Row::get(row, "detail"))
        .collect();
    drop(conn);
    let plan = plan.join("\n");
    assert!(
        plan.contains("SEARCH u USING INTEGER PRIMARY KEY")
            && !plan.contains("users_segment")
            && plan.contains("SEARCH ml USING PRIMARY KEY (location_id=?)"),
        "{plan}"
    );
    // The members the latest-five roll-up cannot answer alone (more than five purchases in
    // the window) are among those counted.
    let many: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM users u WHERE {}",
        purchases_since(7)
    ))
    .bind(since(100))
    .fetch_one(&pool)
    .await
    .expect("count");
    assert!(many > 5, "{many} members with 7 purchases in 100 days");
    // Every roll-up agrees with its recomputation; a changed row is found, and a rebuild puts
    // it right.
    assert_eq!(rollup_drift(&pool).await, vec![]);
    sqlx::query("UPDATE member_stats SET r3_net = r3_net + 1 WHERE member_id = (SELECT max(member_id) FROM member_stats WHERE r3_id IS NOT NULL)")
        .execute(&pool)
        .await
        .expect("drift");
    let drift_now = rollup_drift(&pool).await;
    assert_eq!(drift_now.len(), 1, "{drift_now:?}");
    assert_eq!(drift_now[0].rollup, "member_stats");
    // The command line says so and fails; `rebuild` puts it right.
    let rollups = |what: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["rollups", what])
            .env("REGULARS_DATABASE_URL", &app.config.database_url)
            .env("RUST_LOG", "error")
            .output()
            .expect("server rollups");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (ok, text) = rollups("check");
    assert!(
        !ok && text.contains(&format!("member_stats {}", drift_now[0].key)),
        "{text}"
    );
    assert!(rollups("rebuild").0);
    let (ok, text) = rollups("check");
    assert!(ok && text.contains("agree"), "{text}");
    assert_eq!(rollup_drift(&pool).await, vec![]);
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

/// The RFM groups, worked out here from every member's roll-up row (the values at ranks
/// ⌈k·n/5⌉, a score per member, the groups' table written out again), are what a segment of
/// each group counts and what the RFM page shows.
async fn rfm_groups_count_what_the_quintiles_say(pool: &sqlx::SqlitePool, owner: &TestApp) {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT substr(s.last_purchase_at, 1, 10), s.purchases, u.closed_at IS NULL AND u.disabled_at IS NULL
         FROM member_stats s JOIN users u ON u.id = s.member_id",
    )
    .fetch_all(pool)
    .await
    .expect("stats");
    let n = rows.len();
    assert!(n > 100, "{n} buyers");
    let edges = |mut v: Vec<String>| -> Vec<String> {
        v.sort();
        (1..=4)
            .map(|k| v[(k * n).div_ceil(5) - 1].clone())
            .collect()
    };
    let days = edges(rows.iter().map(|r| r.0.clone()).collect());
    let mut counts: Vec<i64> = rows.iter().map(|r| r.1).collect();
    counts.sort_unstable();
    let freq: Vec<i64> = (1..=4).map(|k| counts[(k * n).div_ceil(5) - 1]).collect();
    let mut expected = std::collections::BTreeMap::<&str, (i64, i64)>::new();
    for (day, purchases, active) in &rows {
        let r = 1 + days.iter().filter(|e| *e < day).count();
        let f = 1 + freq.iter().filter(|e| *e < purchases).count();
        let group = match (r, f) {
            (4 | 5, 4 | 5) => "champions",
            (1 | 2, 5) => "cant_lose",
            (1 | 2, 3 | 4) => "at_risk",
            (1 | 2, 1 | 2) => "hibernating",
            (3, 3..=5) | (4 | 5, 3) => "loyal",
            (4 | 5, 1) => "new",
            _ => "others",
        };
        let e = expected.entry(group).or_default();
        e.0 += 1;
        e.1 += *active;
    }
    let page = json_of(owner, "analytics/rfm", &[]).await;
    assert_eq!(page["buyers"].as_u64(), Some(n as u64));
    for g in app::analytics::rfm::Group::ALL {
        let (all, active) = expected.get(g.as_str()).copied().unwrap_or_default();
        let shown = page["groups"]
            .as_array()
            .and_then(|gs| gs.iter().find(|x| x["group"] == g.as_str()))
            .and_then(|x| x["members"].as_i64());
        assert_eq!(shown, Some(all), "{g:?} on the page");
        let counted = json_of(
            owner,
            "campaigns/segment_save",
            &[
                ("intent", "count"),
                ("match_all", "all"),
                ("rfm", g.as_str()),
            ],
        )
        .await;
        assert_eq!(
            counted["preview"]["count"].as_i64(),
            Some(active),
            "{g:?}: {counted}"
        );
    }
    assert!(
        expected.len() >= 6,
        "the made-up history fills most groups: {expected:?}"
    );
}
