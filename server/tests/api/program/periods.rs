//! Refunds after spending, expiry through the sweeper, tiers up and down at period ends.

use super::*;

/// The member's tier changes, oldest first: `(reason, from, to)` by tier name.
async fn tier_changes(s: &Shop) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT c.reason, COALESCE(f.name, ''), COALESCE(t.name, '') FROM tier_changes c
         LEFT JOIN tiers f ON f.id = c.from_tier_id LEFT JOIN tiers t ON t.id = c.to_tier_id
         WHERE c.member_id = $1 ORDER BY c.id",
    )
    .bind(s.member_id)
    .fetch_all(&s.app.db().await)
    .await
    .expect("changes")
}

#[tokio::test]
async fn a_refund_after_spending_reverses_what_it_can_and_records_the_rest() {
    let s = demo().await;
    let p = s.buy("100", "buy-1").await;
    let purchase = p["purchase"]["id"].as_i64().expect("id");
    assert_eq!(s.redeem("80", "spend-1").await["balance_after"], 20);
    let res = s.refund(purchase, "100", "refund-1").await;
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.expect("json");
    assert_eq!(
        (
            &first["points_due"],
            &first["points_reversed"],
            &first["shortfall"],
            &first["balance"]
        ),
        (&json!(100), &json!(20), &json!(80), &json!(0)),
        "no negative balance, no free points: the shortfall is recorded"
    );
    // A replay answers the same; the same key for another amount is a conflict.
    let again: Value = s
        .refund(purchase, "100", "refund-1")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, first);
    assert_eq!(s.refund(purchase, "50", "refund-1").await.status(), 409);
    // Nothing is left of it to refund.
    let res = s.refund(purchase, "1", "refund-2").await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_json(res).await["Validation"]["field"], "amount");
    // Staff see the shortfall on the purchase.
    let list: Value = s
        .staff
        .call(
            "loyalty/purchases",
            &[("member_id", &s.member_id.to_string())],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list[0]["shortfall"], 80);
    assert_eq!(list[0]["refunded_minor"], 10_000);
    // A partial refund takes back its share, in parts that add up exactly.
    let p = s.buy("30", "buy-2").await;
    let purchase = p["purchase"]["id"].as_i64().expect("id");
    let mut back = 0;
    for (n, amount) in ["10", "10", "10"].iter().enumerate() {
        let r: Value = s
            .refund(purchase, amount, &format!("part-{n}"))
            .await
            .json()
            .await
            .expect("json");
        back += r["points_reversed"].as_i64().expect("n");
    }
    assert_eq!(back, 30);
    assert_eq!(s.invariants().await, 0);
    // The refunded purchases no longer count towards tiers.
    assert_eq!(s.standing().await["earned"], 0);
}

#[tokio::test]
async fn points_expire_oldest_first_through_an_idempotent_sweeper() {
    let s = demo().await;
    s.settings("12", "one_tier").await;
    s.buy("100", "lot-a").await; // expires 2028-01-06
    s.app.config.clock.set(Stamp::utc(2027, 3, 3, 12, 0, 0));
    s.buy("50", "lot-b").await; // expires 2028-03-03
    let standing = s.standing().await;
    assert_eq!(standing["next_expiry"][0], 100);
    assert!(
        standing["next_expiry"][1]
            .as_str()
            .is_some_and(|d| d.starts_with("2028-01-06"))
    );
    // Spending takes the oldest points first: all of lot A, 20 of lot B.
    s.redeem("120", "spend").await;
    let standing = s.standing().await;
    assert_eq!(standing["next_expiry"][0], 30);
    assert!(
        standing["next_expiry"][1]
            .as_str()
            .is_some_and(|d| d.starts_with("2028-03-03"))
    );
    // Lot A's date passes: nothing of it is left to expire.
    assert_eq!(s.sweep(Stamp::utc(2028, 1, 7, 0, 0, 0)).await.points, 0);
    // Long after lot B's date (the server was down): it catches up, once.
    let late = Stamp::utc(2028, 6, 1, 0, 0, 0);
    s.app.config.clock.set(late);
    assert_eq!(s.sweep(late).await.points, 30);
    assert_eq!(s.sweep(late).await.points, 0, "safe to run twice");
    let standing = s.standing().await;
    assert_eq!(standing["balance"], 0);
    assert_eq!(standing["next_expiry"], Value::Null);
    assert_eq!(standing["recent"][0]["kind"], "expiry");
    assert_eq!(standing["recent"][0]["amount"], -30);
    assert_eq!(s.invariants().await, 0);
}

#[tokio::test]
async fn tiers_go_up_when_earned_and_down_at_the_end_of_a_period() {
    let s = demo().await;
    s.settings("", "one_tier").await;
    let r = s.buy("1600", "big").await;
    assert_eq!(r["new_tier"], "Gold");
    // Halfway through the period they earn enough to keep Gold.
    s.app.config.clock.set(Stamp::utc(2027, 6, 2, 12, 0, 0));
    s.buy("1500", "keep").await;
    // The review is due at 2028-01-06 12:00: one second before, nothing happens.
    let done = s.sweep(Stamp::utc(2028, 1, 6, 11, 59, 59)).await;
    assert_eq!(done.reviews, 0);
    let done = s.sweep(Stamp::utc(2028, 1, 6, 12, 0, 0)).await;
    assert_eq!(
        (done.reviews, done.downgrades),
        (1, 0),
        "1,500 in the period keeps Gold"
    );
    // No purchases in the next period: down one tier at its end, and one more a year later
    // (caught up in one sweep after a long downtime), then Bronze stays.
    let later = Stamp::utc(2031, 2, 1, 0, 0, 0);
    s.app.config.clock.set(later);
    let done = s.sweep(later).await;
    assert_eq!(done.downgrades, 2);
    assert_eq!(s.standing().await["tier"]["name"], "Bronze");
    let changes = tier_changes(&s).await;
    let changes: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|(r, f, t)| (r.as_str(), f.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("upgrade", "Bronze", "Gold"),
            ("downgrade", "Gold", "Silver"),
            ("downgrade", "Silver", "Bronze"),
        ]
    );
}

#[tokio::test]
async fn the_downgrade_policy_can_drop_straight_to_what_was_earned() {
    let s = demo().await;
    s.settings("", "to_earned").await;
    s.buy("1600", "big").await;
    s.app.config.clock.set(Stamp::utc(2027, 6, 2, 12, 0, 0));
    s.buy("600", "some").await; // 900 points at Gold: Silver-worth
    let at = Stamp::utc(2028, 1, 6, 12, 0, 0);
    s.app.config.clock.set(at);
    let done = s.sweep(at).await;
    assert_eq!(done.downgrades, 1);
    assert_eq!(s.standing().await["tier"]["name"], "Silver");
}

#[tokio::test]
async fn a_refunded_purchase_takes_back_the_tier_it_bought_and_only_that() {
    let s = demo().await;
    assert_eq!(s.standing().await["tier"]["name"], "Bronze");
    let big = s.buy("1600", "big").await;
    assert_eq!(big["new_tier"], "Gold");
    let big = big["purchase"]["id"].as_i64().expect("id");
    // Refunded in part: what is left earns Silver; in full: back to Bronze.
    assert_eq!(s.refund(big, "1000", "part").await.status(), 200);
    assert_eq!(s.standing().await["tier"]["name"], "Silver");
    assert_eq!(s.refund(big, "600", "rest").await.status(), 200);
    assert_eq!(s.standing().await["tier"]["name"], "Bronze");
    let changes = tier_changes(&s).await;
    let changes: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|(r, f, t)| (r.as_str(), f.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("upgrade", "Bronze", "Gold"),
            ("downgrade", "Gold", "Silver"),
            ("downgrade", "Silver", "Bronze")
        ]
    );
    // A tier earned before a purchase is not touched by refunding that purchase.
    assert_eq!(s.buy("1600", "again").await["new_tier"], "Gold");
    let small = s.buy("100", "small").await["purchase"]["id"]
        .as_i64()
        .expect("id");
    assert_eq!(s.refund(small, "100", "small").await.status(), 200);
    assert_eq!(s.standing().await["tier"]["name"], "Gold");
}

#[tokio::test]
async fn a_refund_after_the_purchases_points_expired_takes_no_other_points() {
    let s = demo().await;
    s.settings("12", "one_tier").await;
    let old = s.buy("100", "old").await["purchase"]["id"]
        .as_i64()
        .expect("id");
    s.app.config.clock.set(Stamp::utc(2027, 12, 1, 12, 0, 0));
    s.buy("50", "newer").await;
    let late = Stamp::utc(2028, 2, 1, 12, 0, 0);
    s.app.config.clock.set(late);
    assert_eq!(
        s.sweep(late).await.points,
        100,
        "the old purchase's points expired"
    );
    let res = s.refund(old, "100", "old").await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.expect("json");
    assert_eq!(
        (
            &r["points_due"],
            &r["points_reversed"],
            &r["shortfall"],
            &r["balance"]
        ),
        (&json!(100), &json!(0), &json!(100), &json!(50)),
        "the newer purchase's 50 points stay"
    );
    assert_eq!(s.invariants().await, 50);
}
