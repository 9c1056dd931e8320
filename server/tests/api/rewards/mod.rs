//! Rewards over HTTP: taking a reward for points gives a single-use code; the code is used
//! once however many tills try at the same moment; stock holds under concurrent takers; the
//! catalog's rules (tier, dates, points) are enforced; unused codes expire through the sweeper
//! and give their points back once where the reward says so.

use crate::helpers::{TestApp, error_json};
use app::db::Stamp;
use serde_json::{Value, json};

/// A Wednesday (no demo bonus).
const WED: Stamp = Stamp::utc(2027, 1, 6, 12, 0, 0);

crate::helpers::local_demo_shop!(WED);

impl Shop {
    /// Adds a reward; `extra` overrides the defaults (cost 150, no stock limit, 30 days).
    async fn reward(&self, name: &str, extra: &[(&str, &str)]) -> i64 {
        let mut form: Vec<(&str, &str)> = vec![
            ("name", name),
            ("description", ""),
            ("cost", "150"),
            ("stock", ""),
            ("starts_on", ""),
            ("ends_on", ""),
            ("min_tier_id", ""),
            ("icon", "coffee"),
            ("valid_days", "30"),
        ];
        for (k, v) in extra {
            form.retain(|(f, _)| f != k);
            form.push((k, v));
        }
        let res = self.manager.call("rewards/save", &form).await;
        assert_eq!(res.status(), 200, "save reward {name}");
        res.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id")
    }

    /// Gives the member `euros` points through a purchase.
    async fn earn(&self, euros: &str) {
        let res =
            crate::helpers::purchase(&self.staff, self.member_id, euros, self.main_street, &[])
                .await;
        assert_eq!(res.status(), 200);
    }

    async fn redeem(&self, reward: i64, key: &str) -> reqwest::Response {
        self.member
            .call(
                "rewards/redeem",
                &[
                    ("reward_id", &reward.to_string()),
                    ("idempotency_key", &format!("redeem-{key}")),
                ],
            )
            .await
    }

    async fn balance(&self) -> i64 {
        let v: Value = self
            .member
            .call("loyalty/points", &[])
            .await
            .json()
            .await
            .expect("json");
        v["balance"].as_i64().expect("balance")
    }

    async fn use_code(&self, staff: &TestApp, code: &str, key: &str) -> reqwest::Response {
        staff
            .call(
                "rewards/use",
                &[
                    ("code", code),
                    ("location_id", &self.main_street.to_string()),
                    ("idempotency_key", &format!("use-{key}")),
                ],
            )
            .await
    }

    async fn my_codes(&self) -> Vec<Value> {
        let v: Value = self
            .member
            .call("rewards/mine", &[])
            .await
            .json()
            .await
            .expect("json");
        v.as_array().expect("codes").clone()
    }

    async fn sweep(&self, at: Stamp) -> app::jobs::Sweep {
        let db = server::open_database(&self.app.config).await.expect("db");
        let done = app::jobs::sweep(&db, at).await.expect("sweep");
        db.close().await;
        done
    }
}

#[tokio::test]
async fn a_code_is_used_once_even_when_a_hundred_tills_try_at_once() {
    let s = demo().await;
    let coffee = s.reward("Free coffee", &[]).await;
    s.earn("200").await;
    let res = s.redeem(coffee, "one").await;
    assert_eq!(res.status(), 200);
    let code: Value = res.json().await.expect("json");
    assert_eq!(s.balance().await, 50, "150 of 200 points left the balance");
    let text = code["code"].as_str().expect("code").to_owned();
    assert_eq!(text.len(), 10);
    assert_eq!(code["status"], "active");
    // The same request again (a double tap) is the same code, not a second one.
    let again: Value = s.redeem(coffee, "one").await.json().await.expect("json");
    assert_eq!(again["code"], text.as_str());
    assert_eq!(s.balance().await, 50);

    // As typed from a phone screen: grouped, lower case.
    let typed = format!("{}-{}-{}", &text[..4], &text[4..7], &text[7..]).to_lowercase();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let staff = s.staff.other_client_sharing_session();
            let (typed, location) = (typed.clone(), s.main_street.to_string());
            tokio::spawn(async move {
                let res = staff
                    .call(
                        "rewards/use",
                        &[
                            ("code", typed.as_str()),
                            ("location_id", location.as_str()),
                            ("idempotency_key", &format!("till-key-{i}")),
                        ],
                    )
                    .await;
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.expect("json"))
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let (status, body) = t.await.expect("task");
        match status {
            200 => ok += 1,
            409 => {
                assert_eq!(body["CodeUsed"]["location"], "Main Street");
                assert_eq!(body["CodeUsed"]["used_at"], "2027-01-06T12:00:00Z");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ok, 1, "exactly one till used the code");
    let codes = s.my_codes().await;
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0]["status"], "used");
    assert_eq!(codes[0]["used_location"], "Main Street");
    assert_eq!(s.balance().await, 50, "using a code moves no points");
}

#[tokio::test]
async fn stock_holds_under_twenty_concurrent_takers_and_refused_ones_keep_their_points() {
    let s = demo().await;
    let voucher = s
        .reward("10 € voucher", &[("cost", "10"), ("stock", "5")])
        .await;
    s.earn("200").await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let member = s.member.other_client_sharing_session();
            tokio::spawn(async move {
                member
                    .call(
                        "rewards/redeem",
                        &[
                            ("reward_id", &voucher.to_string()),
                            ("idempotency_key", &format!("take-key-{i}")),
                        ],
                    )
                    .await
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        let res = t.await.expect("task");
        match res.status().as_u16() {
            200 => ok += 1,
            422 => {
                assert_eq!(
                    error_json(res).await,
                    json!({"Validation": {"field": "reward_id", "message_key": "reward_out_of_stock"}})
                );
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, refused), (5, 15));
    assert_eq!(
        s.balance().await,
        200 - 5 * 10,
        "only the five taken cost points"
    );
    assert_eq!(s.my_codes().await.len(), 5);
    let stock: Option<i64> = sqlx::query_scalar("SELECT stock FROM rewards WHERE id = $1")
        .bind(voucher)
        .fetch_one(&s.app.db().await)
        .await
        .expect("stock");
    assert_eq!(stock, Some(0));
    let catalog: Value = s
        .member
        .call("rewards/catalog", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(catalog[0]["blocked"], "reward_out_of_stock");
}

mod catalog;
