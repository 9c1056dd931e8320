//! A shop to test in: the demo shop with its clock fixed and its people signed in, and a
//! purchase recorded at its counter.

use super::{TestApp, spawn_app, unique};
use app::db::Stamp;
use reqwest::Response;

/// The demo shop with an empty ledger (and no rewards or perks), its clock fixed at `at`, its
/// manager and staff signed in, and a new member ("Nora", English) with no history.
pub struct DemoShop {
    pub app: TestApp,
    pub manager: TestApp,
    pub staff: TestApp,
    pub member: TestApp,
    pub member_id: i64,
    pub main_street: i64,
    pub harbour: i64,
}

pub async fn demo_shop(at: Stamp) -> DemoShop {
    let app = spawn_app().await.with_shop().await;
    app.config.clock.set(at);
    let manager = app.signed_in_as("manager@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let member = app.other_client();
    let res = member
        .sign_up("new@example.com", "a long password", "Nora", "en")
        .await;
    assert_eq!(res.status(), 200);
    let member_id = member.me().await["id"].as_i64().expect("member id");
    let locations: Vec<(String, i64)> = sqlx::query_as("SELECT name, id FROM locations")
        .fetch_all(&app.db().await)
        .await
        .expect("locations");
    let id = |n: &str| locations.iter().find(|l| l.0 == n).map(|l| l.1).expect(n);
    DemoShop {
        main_street: id("Main Street"),
        harbour: id("Harbour"),
        app,
        manager,
        staff,
        member,
        member_id,
    }
}

/// Declares `struct Shop`, the demo shop of [`demo_shop`] under a name the test file can add
/// methods to, and `async fn demo()`, with the clock at `$at`.
macro_rules! local_demo_shop {
    ($at:expr) => {
        struct Shop(crate::helpers::DemoShop);

        impl std::ops::Deref for Shop {
            type Target = crate::helpers::DemoShop;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        async fn demo() -> Shop {
            Shop(crate::helpers::demo_shop($at).await)
        }
    };
}
pub(crate) use local_demo_shop;

/// A purchase of `euros` by `member` at `location`, recorded at the counter by `staff`
/// (confirmed, a fresh idempotency key), with `extra` form fields.
pub async fn purchase(
    staff: &TestApp,
    member: i64,
    euros: &str,
    location: i64,
    extra: &[(&str, &str)],
) -> Response {
    let (member, location) = (member.to_string(), location.to_string());
    let key = format!("purchase-key-{}", unique());
    let mut form = vec![
        ("member_id", member.as_str()),
        ("amount", euros),
        ("currency", "EUR"),
        ("confirm", "true"),
        ("location_id", location.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    form.extend_from_slice(extra);
    staff.call("loyalty/purchase", &form).await
}

/// [`purchase`] that must succeed: its receipt.
pub async fn bought(
    staff: &TestApp,
    member: i64,
    euros: &str,
    location: i64,
    extra: &[(&str, &str)],
) -> serde_json::Value {
    let res = purchase(staff, member, euros, location, extra).await;
    assert_eq!(res.status(), 200, "purchase of {euros}");
    res.json().await.expect("json")
}

/// Refunds `euros` of the purchase on `receipt` (as [`bought`] answered it), confirmed, with a
/// fresh idempotency key; it must succeed. The refund's receipt.
pub async fn refunded(
    staff: &TestApp,
    receipt: &serde_json::Value,
    euros: &str,
) -> serde_json::Value {
    let purchase = receipt["purchase"]["id"].to_string();
    let key = format!("refund-key-{}", unique());
    let form = [
        ("purchase_id", purchase.as_str()),
        ("amount", euros),
        ("confirm", "true"),
        ("idempotency_key", key.as_str()),
    ];
    let res = staff.call("loyalty/refund", &form).await;
    assert_eq!(res.status(), 200, "refund of {euros}");
    res.json().await.expect("json")
}

/// Adds an active reward to the catalog as `manager` (`stock` empty: unlimited); its id.
pub async fn saved_reward(manager: &TestApp, name: &str, cost: &str, stock: &str) -> i64 {
    let form = [
        ("name", name),
        ("description", ""),
        ("cost", cost),
        ("stock", stock),
        ("starts_on", ""),
        ("ends_on", ""),
        ("icon", "gift"),
        ("valid_days", "30"),
        ("active", "on"),
    ];
    let res = manager.call("rewards/save", &form).await;
    assert_eq!(res.status(), 200, "reward {name}");
    res.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id")
}

/// Saves the program settings as `manager` (a point per euro rounded down, points expiring
/// after 12 months, one tier down at review) with time zone `zone`.
pub async fn set_program_zone(manager: &TestApp, zone: &str) {
    let form = [
        ("currency", "EUR"),
        ("rate", "1"),
        ("rounding", "down"),
        ("expiry_months", "12"),
        ("qualification_months", "12"),
        ("downgrade", "one_tier"),
        ("time_zone", zone),
    ];
    let res = manager.call("program/settings", &form).await;
    assert_eq!(res.status(), 200, "{zone}");
}

/// A feedback form tied to `location` (asking for a recommendation score and satisfaction),
/// saved by `manager`; returns its id.
pub async fn harbour_form(manager: &TestApp, location: i64) -> i64 {
    let location = location.to_string();
    let res = manager
        .call(
            "feedback/save_form",
            &[
                ("name", "At the Harbour"),
                ("ask_nps", "on"),
                ("ask_csat", "on"),
                ("title_en", "How was the Harbour?"),
                ("location_id", location.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "the Harbour's form");
    let form: serde_json::Value = res.json().await.expect("json");
    form["id"].as_i64().expect("form id")
}
