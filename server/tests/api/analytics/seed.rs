//! `server seed`: a made-up shop whose books add up the way the counter's do — every balance
//! is its movements' sum and its open lots' sum, nothing that expired by now is still open,
//! every purchase earned what its movement says, the roll-ups agree with the ledger — and
//! that looks like a shop: exactly the purchases asked for, busier in December than in
//! February, a few members buying most, some leaving, rewards, expiries, tiers, feedback.

use crate::helpers::{rollup_drift, spawn_app};

#[tokio::test]
async fn a_seeded_shop_keeps_its_books_and_looks_like_a_shop() {
    let app = spawn_app().await;
    let db = server::open_database(&app.config).await.expect("db");
    server::demo::load_parts_if_empty(
        &db,
        &app::accounts::Hasher::new(1),
        server::demo::Parts::FOR_SEEDING,
    )
    .await
    .expect("shop");
    assert_eq!(
        server::seed::members(&db, 400, 24, 5)
            .await
            .expect("members"),
        400
    );
    assert_eq!(server::seed::history(&db, 6_000, 24, 5).await, Ok(6_000));
    db.close().await;
    let pool = app.db().await;
    let number = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    };
    assert_eq!(
        number("SELECT count(*) FROM purchases WHERE member_id IN (SELECT id FROM users WHERE password_hash = '!')").await,
        6_000
    );
    // The books.
    assert_eq!(
        number(
            "SELECT count(*) FROM member_balances b WHERE b.member_id IN (SELECT id FROM users WHERE password_hash = '!')
               AND (b.balance IS NOT (SELECT coalesce(sum(amount), 0) FROM point_movements m WHERE m.member_id = b.member_id)
                 OR b.balance IS NOT (SELECT coalesce(sum(remaining), 0) FROM point_lots l WHERE l.member_id = b.member_id)
                 OR b.balance IS NOT coalesce((SELECT balance_after FROM point_movements m
                      WHERE m.member_id = b.member_id ORDER BY id DESC LIMIT 1), 0))"
        )
        .await,
        0,
        "every balance is its movements' and its open lots' sum"
    );
    assert_eq!(
        number(
            "SELECT count(*) FROM point_lots
             WHERE remaining > 0 AND expires_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
        )
        .await,
        0,
        "nothing that expired by now is open (the sweep has nothing to do)"
    );
    assert_eq!(
        number(
            "SELECT count(*) FROM purchases p WHERE p.points > 0 AND p.points IS NOT
               (SELECT m.amount FROM point_movements m WHERE m.purchase_id = p.id AND m.kind = 'earn')"
        )
        .await,
        0
    );
    assert_eq!(
        number(
            "SELECT count(*) FROM reward_codes c
             WHERE c.points IS NOT (SELECT -m.amount FROM point_movements m WHERE m.id = c.movement_id)
                OR (c.used_at IS NULL AND c.expires_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
        )
        .await,
        0,
        "each code took its reward's points; none is left to expire"
    );
    assert_eq!(
        number(
            "SELECT count(*) FROM member_tiers
             WHERE review_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
        )
        .await,
        0,
        "no tier review is overdue"
    );
    assert!(rollup_drift(&pool).await.is_empty(), "roll-ups agree");
    // A shop: rewards taken, points expired, tiers moved, feedback given and cases opened.
    for (what, sql, least) in [
        ("codes", "SELECT count(*) FROM reward_codes", 50),
        (
            "expiries",
            "SELECT count(*) FROM point_movements WHERE kind = 'expiry'",
            50,
        ),
        (
            "upgrades",
            "SELECT count(*) FROM tier_changes WHERE reason = 'upgrade'",
            10,
        ),
        (
            "downgrades",
            "SELECT count(*) FROM tier_changes WHERE reason = 'downgrade'",
            1,
        ),
        (
            "feedback",
            "SELECT count(*) FROM feedback WHERE purchase_id IS NOT NULL",
            60,
        ),
        (
            "cases",
            "SELECT count(*) FROM cases c JOIN feedback f ON f.id = c.feedback_id WHERE f.purchase_id IS NOT NULL",
            5,
        ),
    ] {
        let n = number(sql).await;
        assert!(n >= least, "{what}: {n} < {least}");
    }
    // December is busier than February, per day.
    let per_day = |month: &'static str| {
        let pool = pool.clone();
        async move {
            let (n, days): (i64, i64) = sqlx::query_as(
                "SELECT count(*), count(DISTINCT substr(created_at, 1, 10)) FROM purchases
                 WHERE substr(created_at, 6, 2) = $1",
            )
            .bind(month)
            .fetch_one(&pool)
            .await
            .expect("per day");
            n as f64 / days.max(1) as f64
        }
    };
    let (december, february) = (per_day("12").await, per_day("02").await);
    assert!(december > 1.5 * february, "{december} vs {february}");
    // A fifth of the buyers make at least two fifths of the purchases; some members left.
    let top: i64 = number(
        "SELECT sum(n) FROM (SELECT count(*) AS n FROM purchases GROUP BY member_id
                            ORDER BY n DESC LIMIT (SELECT count(DISTINCT member_id) / 5 FROM purchases))",
    )
    .await;
    assert!(top * 5 >= 6_000 * 2, "top fifth made {top}");
    let gone = number(
        "SELECT count(*) FROM member_stats
         WHERE last_purchase_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-180 days')",
    )
    .await;
    assert!(gone >= 40, "{gone} members left half a year ago or more");
}
