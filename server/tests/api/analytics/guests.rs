//! Sales without a member: recorded and refunded at the counter (idempotent, checked like a
//! purchase), listed for the counter's location, and counted by retention at a glance as the
//! share of sales members bring, for the shop and per location.

use super::{glance::grew, locations::glance};
use crate::helpers::{demo_shop, download, error_json, field_error, json_of, rollup_drift, unique};
use app::db::Stamp;
use serde_json::Value;

const GUESTS: [&str; 3] = ["guest_sales", "guest_spend_minor", "guest_refunded_minor"];

#[tokio::test]
async fn sales_without_a_member_are_recorded_refunded_and_give_members_share_of_sales() {
    let s = demo_shop(Stamp::utc(2026, 4, 10, 12, 0, 0)).await;
    let pool = s.app.db().await;
    let (main, harbour) = (s.main_street.to_string(), s.harbour.to_string());
    let before = [
        glance(&s.manager, None).await,
        glance(&s.manager, Some(s.main_street)).await,
        glance(&s.manager, Some(s.harbour)).await,
    ];
    // A shop that has recorded none shows no share.
    assert!(before.iter().all(|g| g["records_guests"] == false));
    let csv = download(
        &s.manager,
        "/console/analytics/months.csv?from=2026-04&to=2026-04",
    )
    .await;
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.ends_with(",0,0,")),
        "{csv}"
    );

    // €40.00 at the Harbour, named; €12.50 at Main Street, the staff member's counter place.
    let key = format!("guest-sale-{}", unique());
    let harbour_sale = [
        ("amount", "40,00"),
        ("currency", "EUR"),
        ("receipt", " T-1 "),
        ("location_id", harbour.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    let first = json_of(&s.staff, "loyalty/guest_sale", &harbour_sale).await;
    assert_eq!(
        (
            &first["amount_minor"],
            &first["refunded_minor"],
            &first["receipt"],
            &first["location_id"]
        ),
        (
            &Value::from(4000),
            &Value::from(0),
            &Value::from("T-1"),
            &Value::from(s.harbour)
        )
    );
    // The same key again is the same sale; the same key for another amount is refused.
    assert_eq!(
        json_of(&s.staff, "loyalty/guest_sale", &harbour_sale).await,
        first
    );
    let mut changed = harbour_sale;
    changed[0] = ("amount", "41");
    let res = s.staff.call("loyalty/guest_sale", &changed).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await["Conflict"]["message_key"],
        "idempotency_key_reused"
    );
    let res = s
        .staff
        .call(
            "loyalty/set_counter_place",
            &[("location_id", main.as_str())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let key = format!("guest-sale-{}", unique());
    let main_sale = json_of(
        &s.staff,
        "loyalty/guest_sale",
        &[
            ("amount", "12.50"),
            ("currency", "EUR"),
            ("idempotency_key", key.as_str()),
        ],
    )
    .await;
    assert_eq!(main_sale["location_id"], s.main_street);
    assert_eq!(main_sale["receipt"], Value::Null);

    // Checked like a purchase: every mistake is its field's, and nothing is recorded.
    let long = "R".repeat(61);
    for (field, value, error) in [
        ("amount", "twelve", "amount_invalid"),
        ("amount", "0", "amount_invalid"),
        ("currency", "SEK", "currency_mismatch"),
        ("currency", "XYZ", "currency_mismatch"),
        ("receipt", long.as_str(), "receipt_too_long"),
        ("location_id", "999999", "location_required"),
    ] {
        let key = format!("guest-sale-{}", unique());
        let mut form = vec![
            ("amount", "5"),
            ("currency", "EUR"),
            ("idempotency_key", key.as_str()),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let res = s.staff.call("loyalty/guest_sale", &form).await;
        assert_eq!(res.status(), 422, "{field}={value}");
        assert_eq!(error_json(res).await, field_error(field, error), "{value}");
    }
    let key = format!("guest-sale-{}", unique());
    let sale = [
        ("amount", "5"),
        ("currency", "EUR"),
        ("idempotency_key", key.as_str()),
    ];
    assert_eq!(
        s.member.call("loyalty/guest_sale", &sale).await.status(),
        403
    );
    assert_eq!(s.app.call("loyalty/guest_sale", &sale).await.status(), 401);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM guest_sales")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 2);

    // €7.50 back of the Harbour's; all of Main Street's (no amount); then nothing is left.
    let id = first["id"].to_string();
    let key = format!("guest-sale-{}", unique());
    let refund = json_of(
        &s.staff,
        "loyalty/guest_refund",
        &[
            ("sale_id", id.as_str()),
            ("amount", "7,50"),
            ("idempotency_key", key.as_str()),
        ],
    )
    .await;
    assert_eq!(
        (&refund["amount_minor"], &refund["sale"]["refunded_minor"]),
        (&Value::from(750), &Value::from(750))
    );
    let main_id = main_sale["id"].to_string();
    for round in 0..2 {
        let key = format!("guest-sale-{}", unique());
        let all = [
            ("sale_id", main_id.as_str()),
            ("amount", ""),
            ("idempotency_key", key.as_str()),
        ];
        let res = s.staff.call("loyalty/guest_refund", &all).await;
        if round == 0 {
            assert_eq!(res.status(), 200);
            let r: Value = res.json().await.expect("json");
            assert_eq!(
                (&r["amount_minor"], &r["sale"]["refunded_minor"]),
                (&Value::from(1250), &Value::from(1250))
            );
        } else {
            assert_eq!(
                error_json(res).await,
                field_error("amount", "refund_too_large")
            );
        }
    }
    let key = format!("guest-sale-{}", unique());
    let too_much = [
        ("sale_id", id.as_str()),
        ("amount", "32.51"),
        ("idempotency_key", key.as_str()),
    ];
    assert_eq!(
        error_json(s.staff.call("loyalty/guest_refund", &too_much).await).await,
        field_error("amount", "refund_too_large")
    );
    let key = format!("guest-sale-{}", unique());
    let unknown = [("sale_id", "999999"), ("idempotency_key", key.as_str())];
    assert_eq!(
        s.staff
            .call("loyalty/guest_refund", &unknown)
            .await
            .status(),
        404
    );

    // The counter lists its own location's, newest first.
    let listed = json_of(&s.staff, "loyalty/guest_sales", &[]).await;
    assert_eq!(listed["currency"], "EUR");
    let ids: Vec<&Value> = listed["sales"]
        .as_array()
        .expect("sales")
        .iter()
        .map(|x| &x["id"])
        .collect();
    assert_eq!(ids, [&main_sale["id"]]);
    assert_eq!(
        s.member.call("loyalty/guest_sales", &[]).await.status(),
        403
    );

    // April: the shop sold €52.50 without a member, €20.00 of it refunded; each location its
    // own part. March is untouched, and every roll-up matches its recomputation.
    assert!(rollup_drift(&pool).await.is_empty());
    let after = [
        glance(&s.manager, None).await,
        glance(&s.manager, Some(s.main_street)).await,
        glance(&s.manager, Some(s.harbour)).await,
    ];
    assert!(after.iter().all(|g| g["records_guests"] == true));
    assert_eq!(
        grew(&before[0], &after[0], Some(1), &GUESTS),
        [2, 5250, 2000]
    );
    assert_eq!(
        grew(&before[1], &after[1], Some(1), &GUESTS),
        [1, 1250, 1250]
    );
    assert_eq!(
        grew(&before[2], &after[2], Some(1), &GUESTS),
        [1, 4000, 750]
    );
    assert_eq!(grew(&before[0], &after[0], Some(0), &GUESTS), [0, 0, 0]);

    // Members' share in the download: members' sales after refunds over all sales after
    // refunds, rounded half up; at Main Street everything sold without a member was refunded.
    let shop = &after[0]["months"][1];
    let net = |m: &Value, spend: &str, refunded: &str| {
        m[spend].as_i64().unwrap_or_default() - m[refunded].as_i64().unwrap_or_default()
    };
    let members = net(shop, "spend_minor", "refunded_minor");
    let others = net(shop, "guest_spend_minor", "guest_refunded_minor");
    assert_eq!(others, 3250);
    let share = (members * 200 + members + others) / (2 * (members + others));
    let csv = download(
        &s.manager,
        "/console/analytics/months.csv?from=2026-04&to=2026-04",
    )
    .await;
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.ends_with(&format!(",2,3250,{share}"))),
        "{csv}"
    );
    let at_main = download(
        &s.manager,
        &format!("/console/analytics/months.csv?from=2026-04&to=2026-04&location={main}"),
    )
    .await;
    let main_april = &after[1]["months"][1];
    let main_members = net(main_april, "spend_minor", "refunded_minor");
    let expected = if main_members > 0 {
        "100".to_owned()
    } else {
        String::new()
    };
    assert!(
        at_main
            .lines()
            .nth(1)
            .is_some_and(|l| l.ends_with(&format!(",1,0,{expected}"))),
        "{at_main}"
    );
}
