//! A journey's steps after its first message, over HTTP with a real SMTP server on loopback
//! and a clock the test moves: the step form's checks and limits, a step that waits for its
//! messages, its condition (clicked or not), leaving on the goal (at the step, and while its
//! message is held by quiet hours), a tag step, running twice, and each step's results.

use super::{
    click,
    triggers::{Counter, counter, email_quiet_hours, member, run, switch_on_saying},
};
use crate::helpers::{TestApp, bought, error_json, field_error, json_of, rollup_drift};
use app::db::Stamp;
use serde_json::Value;

pub(super) async fn step(
    c: &TestApp,
    position: &str,
    wait: &str,
    condition: &str,
    action: &str,
    tag: &str,
) -> reqwest::Response {
    c.call(
        "journeys/step/save",
        &[
            ("trigger", "win_back"),
            ("position", position),
            ("wait_days", wait),
            ("condition", condition),
            ("action", action),
            ("tag", tag),
        ],
    )
    .await
}

/// Waits until no message is on the wire (a mail at the SMTP server may not be recorded as
/// sent yet).
pub(super) async fn settled(pool: &sqlx::SqlitePool) {
    for _ in 0..400 {
        let sending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'sending'")
                .fetch_one(pool)
                .await
                .expect("outbox");
        if sending == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("messages stay on the wire");
}

async fn steps(c: &TestApp) -> Value {
    json_of(c, "journeys/get", &[("trigger", "win_back")]).await["steps"].clone()
}

/// Each step's `(reached, stopped, left, sent, tagged, bought)`.
pub(super) async fn figures(c: &TestApp) -> Vec<[i64; 6]> {
    let steps = steps(c).await;
    steps
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            let r = &s["results"];
            [
                r["entered"].as_i64().expect("entered"),
                s["stopped"].as_i64().expect("stopped"),
                r["left"].as_i64().expect("left"),
                r["sent"].as_i64().expect("sent"),
                s["tagged"].as_i64().expect("tagged"),
                r["bought"].as_i64().expect("bought"),
            ]
        })
        .collect()
}

#[tokio::test]
async fn steps_wait_check_their_condition_send_or_tag_and_count_what_each_did() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2026, 2, 15, 12, 0, 0)).await;
    let confirmed = Some("2026-01-01T00:00:00Z");
    let mut ids = Vec::new();
    for name in ["Ann", "Ben", "Cid", "Dot", "Eve"] {
        let id = member(&pool, name, None, confirmed, true).await;
        bought(&staff, id, "10", main, &[]).await;
        ids.push(id);
    }
    let [_, ben, cid, _, eve] = ids[..] else {
        unreachable!()
    };

    // 20 March: five members lapsed 30 days ago enter; the first message links back.
    app.config.clock.set(Stamp::utc(2026, 3, 20, 12, 0, 0));
    let j = switch_on_saying(
        &manager,
        "win_back",
        "30",
        "",
        "Come back: https://shop.example.org/back",
    )
    .await;
    assert_eq!(j["results"]["entered"], 5);
    let firsts = smtp.wait_for(5).await;
    settled(&pool).await;
    let ann_mail = firsts
        .iter()
        .find(|m| m.to == "ann@example.org")
        .expect("Ann's");
    click(&app, ann_mail).await;

    // The step form: counter staff may not; each bad field is its own error.
    assert_eq!(
        step(&staff, "", "7", "always", "send", "").await.status(),
        403
    );
    for (form, field, key) in [
        (["0", "always", "send", ""], "wait_days", "wait_invalid"),
        (["91", "always", "send", ""], "wait_days", "wait_invalid"),
        (["7", "replied", "send", ""], "condition", "choice_invalid"),
        (["7", "always", "call", ""], "action", "choice_invalid"),
        (["7", "always", "tag", " "], "tag", "tag_invalid"),
    ] {
        let [w, c, a, t] = form;
        let res = step(&manager, "", w, c, a, t).await;
        assert_eq!(res.status(), 422, "{form:?}");
        assert_eq!(error_json(res).await, field_error(field, key), "{form:?}");
    }
    assert_eq!(
        step(&manager, "9", "7", "always", "send", "")
            .await
            .status(),
        404
    );
    // Step 1: a week after the first message, those who clicked nothing get a second one.
    // Step 2: three days later, those still in are tagged. Five steps at most; a step nobody
    // reached can go.
    assert_eq!(
        step(&manager, "", "7", "not_clicked", "send", "")
            .await
            .status(),
        200
    );
    assert_eq!(
        step(&manager, "", "3", "always", "tag", "  Lapsed ")
            .await
            .status(),
        200
    );
    for _ in 0..3 {
        assert_eq!(
            step(&manager, "", "1", "always", "send", "").await.status(),
            200
        );
    }
    let res = step(&manager, "", "1", "always", "send", "").await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await["Conflict"]["message_key"],
        "steps_full"
    );
    for _ in 0..3 {
        let res = manager
            .call("journeys/step/remove", &[("trigger", "win_back")])
            .await;
        assert_eq!(res.status(), 200);
    }
    let s = steps(&manager).await;
    assert_eq!(s.as_array().map(Vec::len), Some(2));
    assert_eq!(
        s[1]["settings"]["action"],
        serde_json::json!({"tag": "lapsed"})
    );
    assert_eq!(s[0]["ready"], false);

    // Ben buys on the 22nd: the goal; he leaves at the next step.
    app.config.clock.set(Stamp::utc(2026, 3, 22, 12, 0, 0));
    bought(&staff, ben, "20", main, &[]).await;
    // Not a week yet at 11:00 on the 27th; at 12:30 it is, but the step has no message yet.
    run(&app, Stamp::utc(2026, 3, 27, 11, 0, 0)).await;
    run(&app, Stamp::utc(2026, 3, 27, 12, 30, 0)).await;
    assert_eq!(figures(&manager).await, [[0; 6], [0; 6]]);

    // Its message written, with quiet hours from 12 to 14: the step runs, its messages wait.
    let campaign = s[0]["campaign_id"].to_string();
    json_of(
        &manager,
        "campaigns/message",
        &[
            ("id", &campaign),
            ("language", "en"),
            ("subject", "Still there, {{ preferred_name }}?"),
            ("preheader", ""),
            ("body", "A second note."),
        ],
    )
    .await;
    email_quiet_hours(&manager, "12", "14").await;
    run(&app, Stamp::utc(2026, 3, 27, 12, 30, 0)).await;
    // Ann clicked (stopped), Ben bought (left); Cid, Dot and Eve get the second message.
    assert_eq!(figures(&manager).await, [[5, 1, 1, 0, 0, 0], [0; 6]]);
    // Eve buys while hers is held: she leaves and it is dropped. Running again changes nothing.
    app.config.clock.set(Stamp::utc(2026, 3, 27, 13, 0, 0));
    bought(&staff, eve, "5", main, &[]).await;
    for _ in 0..2 {
        run(&app, Stamp::utc(2026, 3, 27, 13, 10, 0)).await;
    }
    let held: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.preferred_name, o.status FROM journey_step_runs r JOIN outbox o ON o.id = r.outbox_id
         JOIN users u ON u.id = o.user_id ORDER BY u.id",
    )
    .fetch_all(&pool)
    .await
    .expect("step messages");
    let held: Vec<(&str, &str)> = held.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    assert_eq!(
        held,
        [("Cid", "queued"), ("Dot", "queued"), ("Eve", "cancelled")]
    );

    // Quiet hours end at 14:00: Cid and Dot get it, in the step's words.
    app.config.clock.set(Stamp::utc(2026, 3, 27, 14, 0, 0));
    let mails = smtp.wait_for(7).await;
    settled(&pool).await;
    let mut seconds: Vec<&str> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Still there"))
        .map(|m| m.to.as_str())
        .collect();
    seconds.sort_unstable();
    assert_eq!(seconds, ["cid@example.org", "dot@example.org"]);
    // Cid buys the next day: the second message's purchase (last touch, within 5 days).
    app.config.clock.set(Stamp::utc(2026, 3, 28, 12, 0, 0));
    bought(&staff, cid, "30", main, &[]).await;

    // Three days after the second message: Cid has bought (leaves), Dot is tagged.
    run(&app, Stamp::utc(2026, 3, 30, 13, 0, 0)).await;
    assert_eq!(figures(&manager).await[1], [0; 6], "not three days yet");
    run(&app, Stamp::utc(2026, 3, 30, 14, 30, 0)).await;
    run(&app, Stamp::utc(2026, 3, 30, 14, 30, 0)).await;
    assert_eq!(
        figures(&manager).await,
        [[5, 1, 2, 2, 0, 1], [2, 0, 1, 0, 1, 0]]
    );
    let tagged: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.preferred_name, t.tag FROM member_tags t JOIN users u ON u.id = t.member_id",
    )
    .fetch_all(&pool)
    .await
    .expect("tags");
    assert_eq!(tagged, [("Dot".to_owned(), "lapsed".to_owned())]);
    // The first message: Ann clicked it; Ben bought within its window.
    let first =
        json_of(&manager, "journeys/get", &[("trigger", "win_back")]).await["results"].clone();
    assert_eq!(
        (first["clicked"].as_i64(), first["bought"].as_i64()),
        (Some(1), Some(1)),
        "{first}"
    );
    // A step members reached stays; its own page has its results.
    let res = manager
        .call("journeys/step/remove", &[("trigger", "win_back")])
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        error_json(res).await["Conflict"]["message_key"],
        "step_reached"
    );
    let page = json_of(
        &manager,
        "journeys/step/get",
        &[("trigger", "win_back"), ("position", "1")],
    )
    .await;
    assert_eq!(page[0]["ready"], true);
    assert_eq!(page[0]["results"]["bought"], 1);
    assert_eq!(page[1]["id"].to_string(), campaign);
    // No step campaign is listed among the campaigns.
    let list = json_of(&manager, "campaigns/list", &[]).await;
    assert!(!list.to_string().contains("Win-back · "), "{list}");
    assert!(rollup_drift(&pool).await.is_empty());
}
