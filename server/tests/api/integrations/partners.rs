//! Partner retailers over HTTP: an owner adds a partner and makes its key; the partner's till
//! lets members earn points and pay with them at the partner's rates, once per receipt; the
//! points land in the shop's ledger with the partner as their source; the month's settlement
//! (page and CSV) says what each side owes; members see the partners; ending a partnership
//! revokes its key. Shop keys and partner keys cannot do each other's work.

use super::*;
use crate::helpers::{download, error_json, field_error, json_of};

impl Shop {
    /// Adds a partner as the owner: its id.
    async fn partner(&self, name: &str, points: &str, value: &str, redeem: bool) -> i64 {
        let owner = self.owner().await;
        let mut form = vec![
            ("name", name),
            ("points_per_unit", points),
            ("value_of_100", value),
        ];
        if redeem {
            form.push(("redeem", "on"));
        }
        json_of(&owner, "partners/create", &form)
            .await
            .as_i64()
            .expect("partner id")
    }

    /// The key of partner `id`, as its till uses it.
    async fn partner_till(&self, id: i64) -> Till {
        let owner = self.owner().await;
        let v = json_of(&owner, "partners/create_key", &[("id", &id.to_string())]).await;
        Till {
            base: self.app.url("/api/v1"),
            client: reqwest::Client::new(),
            id: v["id"].as_i64().expect("id"),
            secret: v["secret"].as_str().expect("secret").to_owned(),
        }
    }
}

impl Till {
    async fn earn(&self, card: &str, cents: i64, receipt: &str) -> Response {
        let body = json!({
            "card_number": card, "amount_minor": cents, "currency": "EUR", "receipt": receipt,
        });
        self.post("/partner/earn", &body).await
    }

    /// The member's points as the partner reads them.
    async fn standing(&self, card: &str) -> Value {
        let res = self.get(&format!("/partner/members/{card}")).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("json")
    }

    async fn pay(&self, card: &str, points: i64, receipt: &str) -> Response {
        let body = json!({ "card_number": card, "points": points, "receipt": receipt });
        self.post("/partner/redeem", &body).await
    }
}

#[tokio::test]
async fn members_earn_and_pay_at_a_partner_once_per_receipt_and_the_month_settles() {
    let shop = demo().await;
    let owner = shop.owner().await;
    let cafe = shop.partner("Café Nord", "2", "1.50", true).await;
    let till = shop.partner_till(cafe).await;
    let card = shop.card();

    let v = till.standing(&card).await;
    assert_eq!(
        v,
        json!({"card_number": card, "balance": 0, "balance_value_minor": 0, "currency": "EUR"})
    );
    // €19.99 at 2 points per euro: 39 points (rounded down), worth €0.59 at €1.50 per 100.
    let res = till.earn(&card, 1999, "P-1").await;
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.expect("json");
    assert_eq!(
        (&first["points"], &first["value_minor"], &first["balance"]),
        (&json!(39), &json!(59), &json!(39))
    );
    // A retry answers the first result; the same receipt for another sale is 409.
    let again: Value = till
        .earn(&card, 1999, "P-1")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again, first);
    let res = till.earn(&card, 500, "P-1").await;
    assert_eq!(problem(res).await, (409, "idempotency_key_reused".into()));
    // Paying with 30 points: worth €0.45 there.
    let res = till.pay(&card, 30, "P-2").await;
    assert_eq!(res.status(), 201);
    let paid: Value = res.json().await.expect("json");
    assert_eq!(
        (&paid["points"], &paid["value_minor"], &paid["balance"]),
        (&json!(-30), &json!(45), &json!(9))
    );
    // More than the balance: refused, nothing moves.
    let res = till.pay(&card, 10, "P-3").await;
    assert_eq!(problem(res).await, (422, "insufficient_points".into()));
    let v = till.standing(&card).await;
    assert_eq!(
        (&v["balance"], &v["balance_value_minor"]),
        (&json!(9), &json!(14))
    );

    // In the shop's ledger, with the partner as source and its key as actor.
    let db = shop.app.db().await;
    let rows: Vec<(String, i64, String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT kind, amount, actor_kind, actor_id, partner_id FROM point_movements
         WHERE member_id = $1 ORDER BY id",
    )
    .bind(shop.member_id)
    .fetch_all(&db)
    .await
    .expect("movements");
    assert_eq!(
        rows,
        [
            ("earn".into(), 39, "api_key".into(), Some(till.id), cafe),
            ("redeem".into(), -30, "api_key".into(), Some(till.id), cafe)
        ]
    );
    // The member's history names the partner as the place.
    let history = json_of(&shop.member, "loyalty/history", &[]).await;
    assert!(history.to_string().contains("Café Nord"), "{history}");

    // A month later, another earning: January's settlement is unchanged.
    shop.app.config.clock.set(Stamp::utc(2027, 2, 3, 12, 0, 0));
    assert_eq!(till.earn(&card, 1000, "P-4").await.status(), 201);
    let jan = json_of(&owner, "partners/settlement", &[("month", "2027-01")]).await;
    assert_eq!(
        jan["lines"],
        json!([{"partner": "Café Nord", "points_earned": 39, "owed_by_partner": 59,
                "points_redeemed": 30, "owed_to_partner": 45}])
    );
    let feb = json_of(&owner, "partners/settlement", &[("month", "")]).await;
    assert_eq!(feb["month"], "2027-02");
    assert_eq!(feb["lines"][0]["points_earned"], 20);
    let csv = download(
        &owner,
        "/console/integrations/partners/settlement.csv?month=2027-01",
    )
    .await;
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "month,partner,currency,points_earned,owed_by_partner_minor,points_redeemed,owed_to_partner_minor,net_owed_by_partner_minor",
            "2027-01,Café Nord,EUR,39,59,30,45,14"
        ]
    );
    let res = owner
        .call("partners/settlement", &[("month", "2027-13")])
        .await;
    assert_eq!(error_json(res).await, field_error("month", "month_invalid"));
    for who in [&shop.manager, &shop.member] {
        let res = who
            .client
            .get(
                shop.app
                    .url("/console/integrations/partners/settlement.csv"),
            )
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status(), 403);
    }

    // Members see the partner and its rates.
    let seen = json_of(&shop.member, "partners/for_members", &[]).await;
    assert_eq!(seen["partners"][0]["name"], "Café Nord");
    assert_eq!(
        seen["partners"][0]["rates"],
        json!({"points_per_unit": 2, "value_of_100": 150, "redeem": true})
    );
    // Ending the partnership revokes its key and takes it off the portal; the settlement stays.
    json_of(&owner, "partners/end", &[("id", &cafe.to_string())]).await;
    assert_eq!(problem(till.earn(&card, 1000, "P-5").await).await.0, 401);
    let seen = json_of(&shop.member, "partners/for_members", &[]).await;
    assert_eq!(seen["partners"], json!([]));
    let feb = json_of(&owner, "partners/settlement", &[("month", "2027-02")]).await;
    assert_eq!(feb["lines"][0]["partner"], "Café Nord");
}

#[tokio::test]
async fn partner_keys_and_shop_keys_cannot_do_each_other_s_work_and_rates_are_checked() {
    let shop = demo().await;
    let owner = shop.owner().await;
    let bakery = shop.partner("Bakery", "1", "1", false).await;
    let partner = shop.partner_till(bakery).await;
    let till = shop
        .key(
            &["members_read", "purchases_write", "codes_redeem"],
            None,
            "",
        )
        .await;
    let card = shop.card();
    // A partner where members cannot pay with points refuses a payment.
    assert_eq!(
        problem(partner.pay(&card, 1, "B-1").await).await,
        (403, "forbidden".into())
    );
    // A partner's key cannot record the shop's purchases or read members; a shop key cannot
    // act as a partner.
    assert_eq!(problem(partner.buy(&card, 1000, "B-2").await).await.0, 403);
    assert_eq!(
        problem(partner.get(&format!("/members/{card}")).await)
            .await
            .0,
        403
    );
    assert_eq!(problem(till.earn(&card, 1000, "T-1").await).await.0, 403);
    assert_eq!(
        problem(till.get(&format!("/partner/members/{card}")).await)
            .await
            .0,
        403
    );
    // Bad input.
    assert_eq!(
        problem(partner.earn(&card, 1000, "").await).await,
        (422, "receipt_invalid".into())
    );
    let res = partner
        .post(
            "/partner/earn",
            &json!({"card_number": card, "amount_minor": 100, "currency": "SEK", "receipt": "B-3"}),
        )
        .await;
    assert_eq!(problem(res).await, (422, "currency_mismatch".into()));
    assert_eq!(
        problem(partner.earn("12345678", 1000, "B-4").await).await.0,
        422
    );
    assert_eq!(
        problem(partner.get("/partner/members/00000000").await)
            .await
            .0,
        404
    );
    // A purchase too small for a point records nothing and says so.
    let small: Value = partner
        .earn(&card, 99, "B-5")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (&small["points"], &small["value_minor"]),
        (&json!(0), &json!(0))
    );

    // The console's rules: a name, known rates, something to do, one live partner per name,
    // owners only.
    let cases: [(&[(&str, &str)], serde_json::Value); 5] = [
        (
            &[
                ("name", " "),
                ("points_per_unit", "1"),
                ("value_of_100", "1"),
            ],
            field_error("name", "partner_name"),
        ),
        (
            &[
                ("name", "Bakery"),
                ("points_per_unit", "1"),
                ("value_of_100", "1"),
            ],
            field_error("name", "partner_taken"),
        ),
        (
            &[
                ("name", "X"),
                ("points_per_unit", "0"),
                ("value_of_100", "1"),
            ],
            field_error("points_per_unit", "partner_nothing"),
        ),
        (
            &[
                ("name", "X"),
                ("points_per_unit", "1.5"),
                ("value_of_100", "1"),
            ],
            field_error("points_per_unit", "partner_points"),
        ),
        (
            &[
                ("name", "X"),
                ("points_per_unit", "1"),
                ("value_of_100", "0"),
            ],
            field_error("value_of_100", "partner_value"),
        ),
    ];
    for (form, expected) in cases {
        let res = owner.call("partners/create", form).await;
        assert_eq!(error_json(res).await, expected, "{form:?}");
    }
    let form = [
        ("name", "X"),
        ("points_per_unit", "1"),
        ("value_of_100", "1"),
    ];
    assert_eq!(
        shop.manager.call("partners/create", &form).await.status(),
        403
    );
    assert_eq!(shop.manager.call("partners/list", &[]).await.status(), 403);
    assert_eq!(
        shop.manager
            .call("partners/create_key", &[("id", &bakery.to_string())])
            .await
            .status(),
        403
    );
    // The key list names the partner a key belongs to; making it is in the audit log.
    let keys = json_of(&owner, "integrations/api_keys", &[]).await;
    assert!(
        keys["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .any(|k| k["partner"] == "Bakery" && k["scopes"] == json!(["Partner"])),
        "{keys}"
    );
    let db = shop.app.db().await;
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action IN ('partner.create', 'api_key.create')",
    )
    .fetch_one(&db)
    .await
    .expect("audit");
    assert_eq!(logged, 3);
}
