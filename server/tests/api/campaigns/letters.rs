//! Print: letters — a campaign's message for the members of its segment who gave a postal
//! address and can be reached neither by email nor by text message, each in their language
//! and written for them; the address staff record for a member — and a campaign's poster.

use sqlx::SqlitePool;

use super::{draft, triggers::member};
use crate::helpers::{error_json, field_error, json_of, spawn_app};

/// Puts tag `post` on member `id`, with `language`, `address` and a phone if any.
async fn dress(pool: &SqlitePool, id: i64, language: &str, address: Option<&str>, phone: bool) {
    sqlx::query(
        "UPDATE users SET language = $2, postal_address = $3,
                phone = CASE WHEN $4 THEN '+4670' || id ELSE NULL END, sms_marketing = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(language)
    .bind(address)
    .bind(phone)
    .execute(pool)
    .await
    .expect("member");
    sqlx::query(
        "INSERT INTO member_tags (member_id, tag, added_by, created_at)
         VALUES ($1, 'post', NULL, '2026-01-01T00:00:00Z')",
    )
    .bind(id)
    .execute(pool)
    .await
    .expect("tag");
}

#[tokio::test]
async fn letters_go_to_members_with_an_address_and_no_other_way_to_reach_them() {
    let app = spawn_app().await.with_demo().await;
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let confirmed = Some("2026-01-01T00:00:00Z");
    // Ada takes no offers and asks for letters at the counter (in Swedish).
    let ada = member(&pool, "Ada", None, confirmed, false).await;
    dress(&pool, ada, "sv", None, false).await;
    let ada_s = ada.to_string();
    // Staff record her address; one line is not an address.
    let res = staff
        .call(
            "members/address",
            &[("member_id", &ada_s), ("postal_address", "Storgatan 1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field_error("postal_address", "address_invalid")
    );
    let form = [
        ("member_id", ada_s.as_str()),
        (
            "postal_address",
            " Storgatan 1 \r\n\r\n111 22 Stockholm\r\n",
        ),
    ];
    assert_eq!(staff.call("members/address", &form).await.status(), 200);
    // Bob takes offers by email; Dee by text message; Cy gave no address; Eve closed her
    // account; Fay takes offers by email but her address bounced; Gil is not in the segment.
    let address = Some("Main Street 2\n1000 Town");
    let bob = member(&pool, "Bob", None, confirmed, true).await;
    dress(&pool, bob, "en", address, false).await;
    let dee = member(&pool, "Dee", None, confirmed, false).await;
    dress(&pool, dee, "en", address, true).await;
    let cy = member(&pool, "Cy", None, confirmed, false).await;
    dress(&pool, cy, "en", None, false).await;
    let eve = member(&pool, "Eve", None, confirmed, false).await;
    dress(&pool, eve, "en", address, false).await;
    sqlx::query("UPDATE users SET closed_at = '2026-02-01T00:00:00Z' WHERE id = $1")
        .bind(eve)
        .execute(&pool)
        .await
        .expect("closed");
    let fay = member(&pool, "Fay", None, confirmed, true).await;
    dress(
        &pool,
        fay,
        "pt",
        Some("Rua Augusta 3\n1100-053 Lisboa\nPortugal"),
        false,
    )
    .await;
    sqlx::query(
        "INSERT INTO suppressions (channel, address, reason, created_at)
         VALUES ('email', 'fay@example.org', 'hard_bounce', '2026-02-01T00:00:00Z')",
    )
    .execute(&pool)
    .await
    .expect("bounced");
    member(&pool, "Gil", None, confirmed, false).await;

    // The campaign, in English and Swedish (Fay's Portuguese falls back to English).
    let id = draft(
        &manager,
        "Spring",
        &[("tag", "post")],
        "{{ preferred_name }}, spring is here",
        "Hello {{ preferred_name }}!\nYou have {{ points }} points.\n\nSee {{ preferences_url }}",
    )
    .await;
    let sv = [
        ("id", id.as_str()),
        ("language", "sv"),
        ("subject", "{{ preferred_name }}, våren är här"),
        ("preheader", ""),
        (
            "body",
            "Hej {{ preferred_name }}!\n\nDu har {{ points }} poäng.",
        ),
    ];
    json_of(&manager, "campaigns/message", &sv).await;
    let got = letters(&manager, &id).await;
    assert_eq!(got["campaign"], "Spring");
    assert_eq!(got["total"], 2, "{got}");
    let list = got["letters"].as_array().expect("letters");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "Ada");
    assert_eq!(list[0]["language"], "sv");
    assert_eq!(
        list[0]["address"],
        serde_json::json!(["Storgatan 1", "111 22 Stockholm"])
    );
    assert_eq!(list[0]["subject"], "Ada, våren är här");
    assert_eq!(
        list[0]["paragraphs"],
        serde_json::json!(["Hej Ada!", "Du har 0 poäng."])
    );
    assert_eq!(list[1]["name"], "Fay");
    assert_eq!(list[1]["language"], "en");
    assert_eq!(list[1]["address"][2], "Portugal");
    assert_eq!(list[1]["subject"], "Fay, spring is here");
    // The preferences address of a letter is the member's own data page.
    let my_data = format!("See {}/me/data", app.config.base_url);
    assert_eq!(
        list[1]["paragraphs"],
        serde_json::json!(["Hello Fay!\nYou have 0 points.", my_data])
    );

    // The printed page: each letter in its own language, whatever the reader's.
    let page = crate::helpers::download(&manager, &format!("/print/letters/{id}")).await;
    assert!(page.contains("111 22 Stockholm"), "{page}");
    assert!(page.contains("Du får brev från"), "{page}");
    assert!(page.contains("You get letters from"), "{page}");
    assert!(!page.contains("Main Street"), "{page}");

    // Ada asks for no more letters: staff empty her address.
    let form = [("member_id", ada_s.as_str()), ("postal_address", "")];
    assert_eq!(staff.call("members/address", &form).await.status(), 200);
    assert_eq!(letters(&manager, &id).await["total"], 1);
    let audit: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'member.address' AND subject = $1",
    )
    .bind(format!("user:{ada}"))
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audit, 2);

    // Counter staff see no letters; an unknown campaign has none; nor does a journey's.
    assert_eq!(get(&staff, &id).await.status(), 403);
    assert_eq!(get(&manager, "999999").await.status(), 404);
    let journey: i64 =
        sqlx::query_scalar("SELECT campaign_id FROM journeys WHERE trigger = 'win_back'")
            .fetch_one(&pool)
            .await
            .expect("journey");
    assert_eq!(get(&manager, &journey.to_string()).await.status(), 409);
}

/// Asks for campaign `id`'s letters as `c`.
async fn get(c: &crate::helpers::TestApp, id: &str) -> reqwest::Response {
    c.call("campaigns/letters", &[("id", id)]).await
}

/// Campaign `id`'s letters as `c` gets them.
async fn letters(c: &crate::helpers::TestApp, id: &str) -> serde_json::Value {
    let res = get(c, id).await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("json")
}

#[tokio::test]
async fn a_campaign_poster_is_for_everyone_and_leads_to_its_offer() {
    let app = spawn_app().await.with_demo().await;
    let pool = app.db().await;
    let manager = app.signed_in_as("manager@example.com").await;
    let staff = app.signed_in_as("staff@example.com").await;
    let id = draft(
        &manager,
        "Coats",
        &[("consent", "email")],
        "{{ preferred_name }}, coats",
        "Hi",
    )
    .await;
    let card = |c: &crate::helpers::TestApp, lang: &'static str| {
        let form = [("what", "campaign"), ("slug", id.as_str()), ("lang", lang)];
        let c = c.other_client_sharing_session();
        async move { c.call("social/card", &form).await }
    };
    // A subject with the member's name cannot be printed for everyone.
    let res = card(&manager, "en").await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await["Conflict"]["message_key"],
        "poster_personal"
    );
    // The shop and the campaign's offer can.
    let (offer, title): (i64, String) = sqlx::query_as(
        "SELECT id, title FROM offers WHERE audience = 'all' AND active = 1 ORDER BY id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a public demo offer");
    let segment: i64 = sqlx::query_scalar("SELECT segment_id FROM campaigns WHERE id = $1")
        .bind(id.parse::<i64>().expect("id"))
        .fetch_one(&pool)
        .await
        .expect("segment");
    let (segment, offer_s) = (segment.to_string(), offer.to_string());
    set(&manager, &id, &segment, &offer_s, "{{ offer.title }}").await;
    let poster: serde_json::Value = card(&manager, "en").await.json().await.expect("json");
    let shop = poster["shop"].as_str().expect("shop").to_owned();
    assert_eq!(poster["title"], format!("Coats at {shop}"));
    assert_eq!(poster["text"], title);
    let page = format!("{}/offers/{offer}", app.config.base_url);
    assert_eq!(poster["url"], page);
    assert_eq!(poster["qr"], format!("/qr/offer/{offer}.svg"));
    // Latvian has no message: the poster is in the shop's language, and says so.
    let poster: serde_json::Value = card(&manager, "lv").await.json().await.expect("json");
    assert_eq!(poster["language"], "en");
    // Without an offer it leads to the join page, and without a preheader it says what
    // joining gives; counter staff get no poster.
    set(&manager, &id, &segment, "", "").await;
    let poster: serde_json::Value = card(&manager, "en").await.json().await.expect("json");
    assert_eq!(poster["url"], format!("{}/join", app.config.base_url));
    assert_eq!(poster["qr"], "/qr/join.svg");
    assert_eq!(
        poster["text"],
        "Collect points on every purchase, get member offers and rewards. It takes a minute."
    );
    assert_eq!(card(&staff, "en").await.status(), 403);
    let sheet = crate::helpers::download(&manager, &format!("/print/campaign/{id}?lang=en")).await;
    assert!(sheet.contains(&format!("Coats at {shop}")), "{sheet}");
}

/// Gives campaign "Coats" offer `offer` (empty: none) and an English message with `preheader`.
async fn set(c: &crate::helpers::TestApp, id: &str, segment: &str, offer: &str, preheader: &str) {
    let update = [
        ("id", id),
        ("name", "Coats"),
        ("segment_id", segment),
        ("offer_id", offer),
        ("reward_id", ""),
    ];
    json_of(c, "campaigns/update", &update).await;
    let message = [
        ("id", id),
        ("language", "en"),
        ("subject", "Coats at {{ shop }}"),
        ("preheader", preheader),
        ("body", "Hi {{ preferred_name }}"),
    ];
    json_of(c, "campaigns/message", &message).await;
}
