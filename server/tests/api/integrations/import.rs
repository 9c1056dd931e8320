//! CSV import over HTTP: an owner uploads a file, the columns are guessed from its header, a
//! check writes nothing and lists each broken row's problems, all-or-nothing refuses a file
//! with broken rows, skip-bad-rows imports the rest (members with their consents' source,
//! past purchases as history), and importing the same file again changes nothing.

use super::*;
use crate::helpers::{TestApp, error_json, field_error, json_of};

/// Uploads `body` as a CSV file of `kind`: the response (a redirect).
async fn upload(c: &TestApp, kind: &str, body: &[u8]) -> Response {
    let boundary = "----regulars-test-boundary";
    let mut form = Vec::new();
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n")
            .as_bytes(),
    );
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{kind}.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    form.extend_from_slice(body);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    c.client
        .post(c.url("/console/integrations/import"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", c.url(""))
        .body(form)
        .send()
        .await
        .expect("upload")
}

/// Uploads `body` and answers the new import's id.
async fn uploaded(c: &TestApp, kind: &str, body: &[u8]) -> i64 {
    let res = upload(c, kind, body).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    to.strip_prefix("/console/integrations/import/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{to}"))
}

/// The form for import `id`: each field's column as guessed, plus `extra`.
async fn setup(c: &TestApp, id: i64, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let view = json_of(c, "import/get", &[("id", &id.to_string())]).await;
    let mut form = vec![("id".to_owned(), id.to_string())];
    for pair in view["guessed"].as_array().expect("guessed") {
        let key = serde_json::to_value(pair[0].clone()).expect("field");
        let key = match key.as_str().expect("field name") {
            "EmailConsent" => "email_consent".to_owned(),
            "SmsConsent" => "sms_consent".to_owned(),
            "ConsentSource" => "consent_source".to_owned(),
            other => other.to_lowercase(),
        };
        let column = pair[1].as_u64().map(|c| c.to_string()).unwrap_or_default();
        form.push((format!("setup[columns][{key}]"), column));
    }
    form.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    form
}

async fn submit(c: &TestApp, form: &[(String, String)]) -> Response {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.call("import/submit", &pairs).await
}

/// Runs the import and waits for it to end: its final state.
async fn run(c: &TestApp, form: &[(String, String)]) -> Value {
    let mut form = form.to_vec();
    form.push(("run".into(), "1".into()));
    let res = submit(c, &form).await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let id = form[0].1.clone();
    for _ in 0..600 {
        let state = json_of(c, "import/state", &[("id", &id)]).await;
        if state["status"] != "running" {
            return state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not end");
}

const MEMBERS: &str = "E-post;Namn;Mobil;Födelsedag;Medlem sedan;Nyhetsbrev;Källa\n\
ada@example.com;Ada;+46 70 111 22 33;1990-05-17;2024-03-01;ja;Pappersformulär 2024\n\
not-an-email;Bea;;;;ja;\n\
cy@example.com;Cy;;2199-01-01;;kanske;\n\
dag@example.com;\"Dag; the second\";;;2025-06-30 18:30;nej;\n\
ADA@example.com;Ada again;;;;;\n\
owner@example.com;The owner;;;;;\n";

#[tokio::test]
async fn members_import_with_their_consents_once_and_bad_rows_are_named() {
    let shop = demo().await;
    let owner = shop.owner().await;
    let id = uploaded(&owner, "members", MEMBERS.as_bytes()).await;
    let view = json_of(&owner, "import/get", &[("id", &id.to_string())]).await;
    assert_eq!(view["rows"], 6);
    assert_eq!(view["header"][0], "E-post");
    // An upload stored before headers were kept has its header read from the file.
    sqlx::query("UPDATE imports SET header = NULL WHERE id = $1")
        .bind(id)
        .execute(&shop.app.db().await)
        .await
        .expect("old upload");
    let old = json_of(&owner, "import/get", &[("id", &id.to_string())]).await;
    assert_eq!(old["header"], view["header"]);
    let form = setup(
        &owner,
        id,
        &[("setup[source]", "import"), ("setup[mode]", "all")],
    )
    .await;
    assert!(
        form.contains(&("setup[columns][email]".into(), "0".into())),
        "{form:?}"
    );
    assert!(
        form.contains(&("setup[columns][consent_source]".into(), "6".into())),
        "{form:?}"
    );

    // The check writes nothing and names each problem by line and field.
    let res = submit(&owner, &form).await;
    assert_eq!(res.status(), 200);
    let checked: Value = res.json().await.expect("json");
    let o = &checked["Checked"];
    assert_eq!(
        (&o["rows"], &o["new"], &o["already"], &o["bad"]),
        (&json!(6), &json!(2), &json!(1), &json!(3))
    );
    // A staff account's email cannot be a member's (one account per email).
    assert_eq!(
        o["errors"],
        json!([
            {"line": 3, "field": "Email", "msg": "email_invalid"},
            {"line": 4, "field": "Birthday", "msg": "birthday_invalid"},
            {"line": 4, "field": "EmailConsent", "msg": "yes_no_invalid"},
            {"line": 7, "field": "Email", "msg": "import_email_staff"}
        ])
    );
    let db = shop.app.db().await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM users WHERE role = 'member'")
            .fetch_one(&db)
            .await
            .expect("count")
    };
    let before = count().await;
    // All or nothing refuses a file with broken rows.
    let mut run_form = form.clone();
    run_form.push(("run".into(), "1".into()));
    let res = submit(&owner, &run_form).await;
    assert_eq!(
        error_json(res).await,
        field_error("mode", "import_has_errors")
    );
    assert_eq!(count().await, before);

    // Skipping them imports the two good rows.
    let skip: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| {
            if k == "setup[mode]" {
                (k.clone(), "skip_bad".into())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let state = run(&owner, &skip).await;
    assert_eq!(state["status"], "done");
    assert_eq!(
        (&state["outcome"]["new"], &state["outcome"]["bad"]),
        (&json!(2), &json!(3))
    );
    assert_eq!(count().await, before + 2);
    assert!(crate::helpers::rollup_drift(&db).await.is_empty());
    let ada: (String, Option<String>, Option<String>, String, bool) = sqlx::query_as(
        "SELECT preferred_name, phone, birthday, created_at, email_marketing FROM users WHERE email = 'ada@example.com'",
    )
    .fetch_one(&db)
    .await
    .expect("ada");
    assert_eq!(
        ada,
        (
            "Ada".into(),
            Some("+46701112233".into()),
            Some("1990-05-17".into()),
            "2024-02-29T23:00:00Z".into(),
            true
        )
    );
    // The consent as given on paper: its source and time, not the words of our own form.
    let consent: (String, bool, String, Option<String>) = sqlx::query_as(
        "SELECT c.source, c.granted, c.created_at, c.text_hash
         FROM consent_events c JOIN users u ON u.id = c.user_id
         WHERE u.email = 'ada@example.com' AND c.channel = 'email'",
    )
    .fetch_one(&db)
    .await
    .expect("consent");
    assert_eq!(
        consent,
        (
            "Pappersformulär 2024".into(),
            true,
            "2024-02-29T23:00:00Z".into(),
            None
        )
    );
    let dag: (String, String, bool) = sqlx::query_as(
        "SELECT preferred_name, created_at, email_marketing FROM users WHERE email = 'dag@example.com'",
    )
    .fetch_one(&db)
    .await
    .expect("dag");
    assert_eq!(
        dag,
        (
            "Dag; the second".into(),
            "2025-06-30T16:30:00Z".into(),
            false
        )
    );
    // They can be found at the counter, with a balance row.
    let found = json_of(&shop.staff, "members/find", &[("query", "dag@example.com")]).await;
    assert!(found.to_string().contains("Dag; the second"), "{found}");

    // The same file again: nothing new.
    let again = uploaded(&owner, "members", MEMBERS.as_bytes()).await;
    let form = setup(&owner, again, &[("setup[mode]", "skip_bad")]).await;
    let state = run(&owner, &form).await;
    assert_eq!(
        (&state["outcome"]["new"], &state["outcome"]["already"]),
        (&json!(0), &json!(3))
    );
    assert_eq!(count().await, before + 2);
}

#[tokio::test]
async fn past_purchases_import_as_history_once_and_only_owners_import() {
    let shop = demo().await;
    let owner = shop.owner().await;
    let card = shop.card();
    let file = format!(
        "member,date,amount,receipt,location\n\
         new@example.com,2026-10-01,12.50,K-1,Harbour\n\
         {card},2026-10-02 09:15,8,,\n\
         nobody@example.com,2026-10-03,1,,\n\
         new@example.com,2026-10-01,12.50,K-1,Harbour\n"
    );
    let id = uploaded(&owner, "purchases", file.as_bytes()).await;
    let mut form = setup(&owner, id, &[("setup[mode]", "all")]).await;
    // A required field without a column is that field's error.
    let cleared: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| {
            if k == "setup[columns][amount]" {
                (k.clone(), String::new())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    assert_eq!(
        error_json(submit(&owner, &cleared).await).await,
        field_error("amount", "import_column")
    );
    // Two locations and no default: the row that names none is a problem, as is the stranger.
    let checked: Value = submit(&owner, &form).await.json().await.expect("json");
    let fields: Vec<&str> = checked["Checked"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["Location", "Member", "Location"]);
    form.push(("setup[location]".into(), shop.main_street.to_string()));
    form.retain(|(k, _)| k != "setup[mode]");
    form.push(("setup[mode]".into(), "skip_bad".into()));
    let state = run(&owner, &form).await;
    assert_eq!(
        (
            &state["outcome"]["new"],
            &state["outcome"]["already"],
            &state["outcome"]["bad"]
        ),
        (&json!(2), &json!(1), &json!(1))
    );
    let db = shop.app.db().await;
    let rows: Vec<(i64, i64, i64, String, i64)> = sqlx::query_as(
        "SELECT member_id, amount_minor, points, created_at, location_id FROM purchases
         WHERE import_key IS NOT NULL ORDER BY created_at",
    )
    .fetch_all(&db)
    .await
    .expect("purchases");
    assert_eq!(
        rows,
        [
            (
                shop.member_id,
                1250,
                0,
                "2026-09-30T22:00:00Z".into(),
                shop.harbour
            ),
            (
                shop.member_id,
                800,
                0,
                "2026-10-02T07:15:00Z".into(),
                shop.main_street
            )
        ]
    );
    // History for segments and analytics: the member's roll-up knows them; no points moved.
    let (purchases, spend): (i64, i64) =
        sqlx::query_as("SELECT purchases, spend_minor FROM member_stats WHERE member_id = $1")
            .bind(shop.member_id)
            .fetch_one(&db)
            .await
            .expect("stats");
    assert_eq!((purchases, spend), (2, 2050));
    let moved: i64 =
        sqlx::query_scalar("SELECT count(*) FROM point_movements WHERE member_id = $1")
            .bind(shop.member_id)
            .fetch_one(&db)
            .await
            .expect("movements");
    assert_eq!(moved, 0);
    // Again: a check and a run find them imported already.
    let checked: Value = submit(&owner, &form).await.json().await.expect("json");
    assert_eq!(
        (&checked["Checked"]["new"], &checked["Checked"]["already"]),
        (&json!(0), &json!(3))
    );
    let state = run(&owner, &form).await;
    assert_eq!(state["outcome"]["new"], 0);

    // Only owners; unreadable files are refused with the reason.
    assert_eq!(
        upload(&shop.manager, "members", b"email\na@b.se")
            .await
            .status(),
        403
    );
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        shop.manager.call("import/submit", &pairs).await.status(),
        403
    );
    for (body, reason) in [
        (&b"email,name\n\xff\xfe,x"[..], "not_utf8"),
        (&b"\n\n"[..], "empty"),
        (&b"email\n\"open"[..], "quote"),
    ] {
        let res = upload(&owner, "members", body).await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            format!("/console/integrations/import?error={reason}").as_str()
        );
    }
}
