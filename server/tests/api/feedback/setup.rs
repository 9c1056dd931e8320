//! Setting feedback up over HTTP: forms edited in every language (choice questions with the
//! same options everywhere, the link kept), the setup and directory views and who may see
//! them, inbox filters by assignee and location, and a reward code given once on resolving.

use super::{MON, field, shop, submit, submitted};
use crate::helpers::{error_json, json_of};
use app::db::days;
use serde_json::{Value, json};

/// The full editor form for the test shop's form `id`, with `extra` replacing fields.
fn edit<'a>(id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("form_id", id),
        ("name", "After a visit"),
        ("ask_nps", "on"),
        ("ask_text", "on"),
        ("active", "on"),
        ("title_en", "How was your visit?"),
        ("title_sv", "Hur var ditt besök?"),
    ];
    for (k, v) in extra {
        form.retain(|(f, _)| f != k);
        form.push((k, v));
    }
    form
}

#[tokio::test]
async fn forms_are_edited_per_language_with_choices_and_keep_their_link() {
    let (s, form) = shop().await;
    let id = form.to_string();
    // The same number of options in every language with texts, 2 to 10 of them.
    for (extra, bad) in [
        (
            vec![
                ("choice_question_en", "What did you buy?"),
                ("choice_options_en", "Coffee\nBread\nCake"),
                ("choice_question_sv", "Vad köpte du?"),
                ("choice_options_sv", "Kaffe\nBröd"),
            ],
            "choice_options_sv",
        ),
        (
            vec![
                ("choice_question_en", "What did you buy?"),
                ("choice_options_en", "Coffee"),
            ],
            "choice_options_en",
        ),
        (
            vec![("choice_options_en", "Coffee\nBread")],
            "choice_options_en",
        ),
    ] {
        let res = s
            .manager
            .call("feedback/save_form", &edit(&id, &extra))
            .await;
        assert_eq!(res.status(), 422, "{extra:?}");
        assert_eq!(error_json(res).await, field(bad, "choices_invalid"));
    }
    let options = [
        ("choice_question_en", "What did you buy?"),
        ("choice_options_en", "Coffee\n Bread \n\nCake"),
        ("choice_question_sv", "Vad köpte du?"),
        ("choice_options_sv", "Kaffe\nBröd\nTårta"),
        ("title_nb", "Hvordan var besøket?"),
        ("choice_question_nb", "Hva kjøpte du?"),
        ("choice_options_nb", "Kaffe\nBrød\nKake"),
        ("name", "After your visit"),
    ];
    let saved = json_of(&s.manager, "feedback/save_form", &edit(&id, &options)).await;
    assert_eq!(saved["slug"], "after-a-visit", "printed links keep working");
    assert_eq!(saved["name"], "After your visit");
    assert_eq!(saved["missing"], json!(["lv", "pt"]));
    assert_eq!(
        saved["asks"]["csat"], false,
        "an unticked question is dropped"
    );
    assert_eq!(
        saved["texts"][0]["choice_options"],
        json!(["Coffee", "Bread", "Cake"])
    );
    // Swedish visitors see their own words; Latvian ones the default language's, flagged.
    let visitor = s.app.other_client();
    for (language, shown, options, fallback) in [
        ("sv", "sv", json!(["Kaffe", "Bröd", "Tårta"]), false),
        ("lv", "en", json!(["Coffee", "Bread", "Cake"]), true),
    ] {
        json_of(&visitor, "accounts/set_language", &[("language", language)]).await;
        let seen = json_of(&visitor, "feedback/form", &[("slug", "after-a-visit")]).await;
        assert_eq!(seen["texts"]["language"], shown, "{language}");
        assert_eq!(seen["texts"]["choice_options"], options, "{language}");
        assert_eq!(seen["fallback"], fallback, "{language}");
    }
    // A first-time visitor without a language cookie gets the browser's language, as the page.
    let browser = s.app.other_client();
    let seen: Value = browser
        .client
        .post(browser.url("/api/feedback/form"))
        .header("accept-language", "de-DE,nb-NO;q=0.8,en;q=0.5")
        .form(&[("slug", "after-a-visit")])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(seen["texts"]["title"], "Hvordan var besøket?");
    assert_eq!(seen["fallback"], false);
    // The answer is the option's number, checked against the options.
    submitted(&s.member, form, &[("nps", "9"), ("choice", "2")]).await;
    let res = submit(&s.member, form, &[("nps", "9"), ("choice", "3")]).await;
    assert_eq!(error_json(res).await, field("choice", "choice_invalid"));
    let stored: Vec<Option<i64>> = sqlx::query_scalar("SELECT choice FROM feedback")
        .fetch_all(&s.app.db().await)
        .await
        .expect("feedback");
    assert_eq!(stored, [Some(2)]);
    // The public link as a QR code, for receipts: anyone can fetch it while the form is open.
    let qr = |c: &crate::helpers::TestApp, file: &str| {
        let url = c.url(&format!("/qr/feedback/{file}"));
        let client = c.client.clone();
        async move { client.get(url).send().await.expect("qr") }
    };
    let res = qr(&visitor, "after-a-visit.svg").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.expect("svg").contains("<svg"));
    assert_eq!(qr(&visitor, "no-such-form.svg").await.status(), 404);
    // Closed forms take no answers; the editor still lists them.
    let closed = json_of(
        &s.manager,
        "feedback/save_form",
        &edit(&id, &[("active", "")]),
    )
    .await;
    assert_eq!(closed["active"], false);
    let res = visitor
        .call("feedback/form", &[("slug", "after-a-visit")])
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(qr(&visitor, "after-a-visit.svg").await.status(), 404);
    let setup = json_of(&s.manager, "feedback/setup", &[]).await;
    assert_eq!(setup["forms"].as_array().map(Vec::len), Some(1));
    assert_eq!(setup["settings"]["nps_max"], 6);
    // Missing languages fall back to the default one, so a form must have it: without an
    // English title it is refused at that field until Swedish becomes the default.
    let swedish_only = edit(&id, &[("title_en", "")]);
    let res = s.manager.call("feedback/save_form", &swedish_only).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_json(res).await,
        field("title_en", "form_title_required")
    );
    let rules = [
        ("nps_max", "6"),
        ("csat_max", "2"),
        ("sla_hours", "48"),
        ("default_language", "sv"),
    ];
    json_of(&s.manager, "feedback/save_settings", &rules).await;
    let saved = json_of(&s.manager, "feedback/save_form", &swedish_only).await;
    assert_eq!(saved["missing"], json!(["en", "nb", "lv", "pt"]));
    // Staff without manager rights cannot edit or see the setup; unknown forms are 404.
    assert_eq!(s.staff.call("feedback/setup", &[]).await.status(), 403);
    let res = s.staff.call("feedback/save_form", &edit(&id, &[])).await;
    assert_eq!(res.status(), 403);
    let res = s
        .manager
        .call("feedback/save_form", &edit("999", &[]))
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_inbox_filters_by_assignee_and_location() {
    let (s, form) = shop().await;
    let directory = json_of(&s.staff, "feedback/directory", &[]).await;
    let staff_id = |name: &str| {
        directory["staff"]
            .as_array()
            .expect("staff")
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["id"].to_string())
            .expect(name)
    };
    let sanna = staff_id("Sanna");
    assert!(
        directory["staff"]
            .as_array()
            .expect("staff")
            .iter()
            .all(|p| p["name"] != "Nora"),
        "members are not staff"
    );
    assert_eq!(s.member.call("feedback/directory", &[]).await.status(), 403);
    let mut cases = Vec::new();
    for (day, visit) in ["one", "two", "three"].into_iter().enumerate() {
        // One a day: a member's low scores on one day join one case.
        s.app
            .config
            .clock
            .set(MON + days(i64::try_from(day).expect("day")));
        // Each says something else: the same answers again would be refused as sent twice.
        let answers = [("nps", "2"), ("csat", "2"), ("body", visit)];
        let opened = submitted(&s.member, form, &answers).await;
        cases.push(opened["case_id"].to_string());
    }
    let act = |case: String, extra: Vec<(&'static str, String)>| {
        let staff = &s.staff;
        async move {
            let mut form = vec![("case_id", case)];
            form.extend(extra);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            staff.call("feedback/act", &form).await
        }
    };
    let res = act(
        cases[0].clone(),
        vec![("action", "assign".into()), ("assignee_id", sanna.clone())],
    )
    .await;
    assert_eq!(res.status(), 200);
    let assigned: Value = res.json().await.expect("json");
    assert_eq!(assigned["case"]["assignee"], "Sanna");
    assert_eq!(assigned["timeline"][1]["kind"], "assigned");
    // The member's own view of the case names nobody on the staff.
    let mine = json_of(&s.member, "feedback/mine", &[]).await;
    let first: i64 = cases[0].parse().expect("case id");
    let case = mine
        .as_array()
        .expect("list")
        .iter()
        .find(|f| f["case"]["case"]["id"] == first)
        .expect("the assigned case");
    assert_eq!(case["case"]["case"]["assignee"], Value::Null);
    assert_eq!(case["case"]["case"]["assignee_id"], Value::Null);
    assert!(!mine.to_string().contains("Sanna"), "{mine}");
    // A member cannot be given a case.
    let res = act(
        cases[1].clone(),
        vec![
            ("action", "assign".into()),
            ("assignee_id", s.member_id.to_string()),
        ],
    )
    .await;
    assert_eq!(
        error_json(res).await,
        field("assignee_id", "member_unknown")
    );
    // The select's "nobody" sends an empty value: the case is unassigned again.
    let res = act(
        cases[2].clone(),
        vec![("action", "assign".into()), ("assignee_id", String::new())],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.expect("json")["case"]["assignee"],
        Value::Null
    );
    let ids = |v: Value| -> Vec<String> {
        v.as_array()
            .expect("cases")
            .iter()
            .map(|c| c["id"].to_string())
            .collect()
    };
    let mine = json_of(&s.staff, "feedback/inbox", &[("assignee_id", &sanna)]).await;
    assert_eq!(ids(mine), [cases[0].clone()]);
    // Cases take their form's location; none here, so the location filter finds nothing.
    let harbour = s.harbour.to_string();
    let there = json_of(&s.staff, "feedback/inbox", &[("location_id", &harbour)]).await;
    assert_eq!(ids(there), Vec::<String>::new());
    let moved = json_of(
        &s.manager,
        "feedback/save_form",
        &edit(&form.to_string(), &[("location_id", &harbour)]),
    )
    .await;
    assert_eq!(moved["location_id"], s.harbour);
    s.app.config.clock.set(MON + days(3));
    let opened = submitted(&s.member, form, &[("nps", "0")]).await;
    let anywhere = json_of(
        &s.manager,
        "feedback/save_form",
        &edit(&form.to_string(), &[("location_id", "")]),
    )
    .await;
    assert_eq!(anywhere["location_id"], Value::Null, "any location");
    let there = json_of(&s.staff, "feedback/inbox", &[("location_id", &harbour)]).await;
    assert_eq!(ids(there), [opened["case_id"].to_string()]);
    // Status changes are in the timeline; a resolved case's status no longer changes.
    let res = act(
        cases[1].clone(),
        vec![
            ("action", "status".into()),
            ("status", "in_progress".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    act(
        cases[1].clone(),
        vec![("action", "resolve".into()), ("body", "Called them".into())],
    )
    .await;
    let res = act(
        cases[1].clone(),
        vec![("action", "status".into()), ("status", "new".into())],
    )
    .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn resolving_gives_a_reward_code_once_and_only_to_a_member() {
    let (s, form) = shop().await;
    let reward = crate::helpers::saved_reward(&s.manager, "Free coffee", "150", "1")
        .await
        .to_string();
    let opened = submitted(&s.member, form, &[("nps", "1"), ("csat", "1")]).await;
    let id = opened["case_id"].to_string();
    let resolve = [
        ("case_id", id.as_str()),
        ("action", "resolve"),
        ("body", "Sorry, have a coffee"),
        ("reward_id", reward.as_str()),
    ];
    for _ in 0..3 {
        assert_eq!(s.staff.call("feedback/act", &resolve).await.status(), 200);
    }
    let codes = json_of(&s.member, "rewards/mine", &[]).await;
    let codes = codes.as_array().expect("codes");
    assert_eq!(codes.len(), 1, "one code however often resolve is sent");
    assert_eq!(codes[0]["points"], 0, "a gift costs no points");
    let mine = json_of(&s.member, "feedback/mine", &[]).await;
    assert_eq!(mine[0]["case"]["timeline"][2]["kind"], "reward");
    assert_eq!(mine[0]["case"]["timeline"][2]["body"], "Free coffee");
    let stock: Option<i64> = sqlx::query_scalar("SELECT stock FROM rewards WHERE id = $1")
        .bind(reward.parse::<i64>().expect("reward id"))
        .fetch_one(&s.app.db().await)
        .await
        .expect("stock");
    assert_eq!(stock, Some(0), "a gift takes one from the stock, once");
    // A visitor's case has nobody to give it to; an unknown reward or one out of stock is
    // refused. Nothing changes.
    let visitor = s.app.other_client();
    for (who, reward, error) in [
        (
            &visitor,
            reward.as_str(),
            field("reward_id", "goodwill_needs_member"),
        ),
        (&s.member, "999", field("reward_id", "reward_unavailable")),
        (
            &s.member,
            reward.as_str(),
            field("reward_id", "reward_out_of_stock"),
        ),
    ] {
        let answers = [("nps", "1"), ("csat", "1"), ("body", reward)];
        let opened = submitted(who, form, &answers).await;
        let id = opened["case_id"].to_string();
        let res = s
            .staff
            .call(
                "feedback/act",
                &[
                    ("case_id", id.as_str()),
                    ("action", "resolve"),
                    ("body", "Sorry"),
                    ("reward_id", reward),
                ],
            )
            .await;
        assert_eq!(error_json(res).await, error);
        let case = json_of(&s.staff, "feedback/case", &[("case_id", &id)]).await;
        assert_eq!(case["case"]["status"], "new");
    }
}
