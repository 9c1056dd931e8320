//! Program texts per language: members read offers, rewards, tiers and punch cards in their
//! language, or in the shop's default where it has no translation; the editor lists what is
//! missing; only managers and owners edit.

use serde_json::Value;

use crate::helpers::{TestApp, error_json, field_error, json_of, spawn_app};

async fn signed_up(app: &TestApp, email: &str, language: &str) -> TestApp {
    let c = app.other_client();
    assert_eq!(
        c.sign_up(email, "a long password", "Ilze", language)
            .await
            .status(),
        200
    );
    c
}

fn offer_titles(perks: &Value) -> Vec<String> {
    perks["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .map(|o| o["offer"]["title"].as_str().expect("title").to_owned())
        .collect()
}

#[tokio::test]
async fn members_read_texts_in_their_language_or_else_the_shops_default() {
    let app = spawn_app().await.with_demo().await;
    let manager = app.signed_in_as("manager@example.com").await;
    let all = json_of(&manager, "program/texts", &[]).await;
    assert_eq!(all["default_language"], "en");
    let item = |kind: &str, name: &str| {
        all["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["kind"] == kind && i["name"] == name)
            .unwrap_or_else(|| panic!("{kind} {name}"))
            .clone()
    };
    // The demo's coffee-bean offer speaks every language; its Gold offer is not translated.
    let beans = item("offer", "10 % off coffee beans");
    assert_eq!(beans["missing"], serde_json::json!([]));
    let gold = item("offer", "Double points for Gold");
    assert_eq!(gold["missing"], serde_json::json!(["sv", "nb", "lv", "pt"]));

    // A reward and a tier in Latvian only.
    let coffee = item("reward", "Free coffee");
    let bronze = item("tier", "Bronze");
    let save = |kind: &'static str, id: String, form: Vec<(&'static str, &'static str)>| {
        let manager = &manager;
        async move {
            let mut body = vec![("kind", kind), ("item_id", id.as_str())];
            body.extend(form);
            manager.call("program/texts_save", &body).await
        }
    };
    let res = save(
        "reward",
        coffee["id"].to_string(),
        vec![
            ("name_lv", "Bezmaksas kafija"),
            ("description_lv", "Jebkura kafija."),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.expect("json");
    assert_eq!(saved["missing"], serde_json::json!(["sv", "nb", "pt"]));
    let res = save(
        "tier",
        bronze["id"].to_string(),
        vec![
            ("name_lv", "Bronza"),
            ("description_lv", "Dalībnieku cenas kafijas pupiņām"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    // A description needs a name; texts have a length; the item must exist; staff may not.
    let res = save(
        "tier",
        bronze["id"].to_string(),
        vec![("description_sv", "Medlemspriser")],
    )
    .await;
    assert_eq!(
        error_json(res).await,
        field_error("name_sv", "text_required")
    );
    let long = "x".repeat(121);
    let res = manager
        .call(
            "program/texts_save",
            &[
                ("kind", "tier"),
                ("item_id", &bronze["id"].to_string()),
                ("name_pt", &long),
            ],
        )
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("name_pt", "text_too_long")
    );
    assert_eq!(
        save("tier", "999999".into(), vec![("name_lv", "X")])
            .await
            .status(),
        404
    );
    assert_eq!(
        save("poster", bronze["id"].to_string(), vec![("name_lv", "X")])
            .await
            .status(),
        400
    );
    let staff = app.signed_in_as("staff@example.com").await;
    let res = staff
        .call(
            "program/texts_save",
            &[("kind", "tier"), ("item_id", &bronze["id"].to_string())],
        )
        .await;
    assert_eq!(res.status(), 403);

    // A Latvian member: the offer, reward and tier in Latvian; the card and anything not
    // translated in the shop's default (English).
    let ilze = signed_up(&app, "ilze@example.com", "lv").await;
    let perks = json_of(&ilze, "perks/mine", &[]).await;
    assert_eq!(offer_titles(&perks), ["10 % atlaide kafijas pupiņām"]);
    assert_eq!(
        perks["offers"][0]["offer"]["description"],
        "Paka pupiņu mājām, vienreiz katram dalībniekam."
    );
    assert_eq!(
        perks["cards"][0]["card"]["name"], "Coffee card",
        "not translated: the default"
    );
    assert_eq!(perks["cards"][0]["card"]["reward"], "Bezmaksas kafija");
    let catalog = json_of(&ilze, "rewards/catalog", &[]).await;
    let names: Vec<&str> = catalog
        .as_array()
        .expect("catalog")
        .iter()
        .map(|o| o["reward"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Bezmaksas kafija"]);
    let codes = json_of(&ilze, "rewards/mine", &[]).await;
    assert_eq!(codes, serde_json::json!([]), "none yet");
    let points = json_of(&ilze, "loyalty/points", &[]).await;
    assert_eq!(
        (&points["tier"]["name"], &points["tier"]["perks"]),
        (&"Bronza".into(), &"Dalībnieku cenas kafijas pupiņām".into())
    );
    assert_eq!(
        points["next_tier"][0]["name"], "Silver",
        "no Latvian text for Silver"
    );

    // The same member in Swedish reads the Swedish offer and English for the rest; in
    // English, the shop's own texts.
    assert_eq!(
        ilze.call("accounts/set_language", &[("language", "sv")])
            .await
            .status(),
        200
    );
    assert_eq!(
        offer_titles(&json_of(&ilze, "perks/mine", &[]).await),
        ["10 % på kaffebönor"]
    );
    assert_eq!(
        json_of(&ilze, "loyalty/points", &[]).await["tier"]["name"],
        "Bronze"
    );
    assert_eq!(
        ilze.call("accounts/set_language", &[("language", "en")])
            .await
            .status(),
        200
    );
    assert_eq!(
        offer_titles(&json_of(&ilze, "perks/mine", &[]).await),
        ["10 % off coffee beans"]
    );

    // Emptied again: the default shows.
    let res = save(
        "reward",
        coffee["id"].to_string(),
        vec![("name_lv", " "), ("description_lv", "")],
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.expect("json")["missing"],
        serde_json::json!(["sv", "nb", "lv", "pt"])
    );
}
